from django.contrib import admin
from django.db import transaction
from import_export.admin import ExportMixin, ImportExportModelAdmin

from reviews import services
from reviews.access import Staff
from reviews.admin_base import ReadOnlyAdmin, RefusedWritesAdmin
from reviews.models import ExclusionReason, Membership, Review, ReviewExport
from reviews.resources import MembershipResource, ReviewResource


class MembershipInline(ReadOnlyAdmin, admin.TabularInline):
    """Shown, not edited: the team changes in the Membership admin or on the review's members page."""

    model = Membership
    extra = 0


class ExclusionReasonInline(ReadOnlyAdmin, admin.TabularInline):
    """Shown, not edited: the reasons change on the review's settings page (see ExclusionReasonAdmin)."""

    model = ExclusionReason
    extra = 0


@admin.register(Review)
class ReviewAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [ReviewResource]
    list_display = ["title", "protocol_registration", "blinded", "created_by", "created_at"]
    list_filter = ["blinded", "title_abstract_reviewers", "full_text_reviewers", "created_at"]
    search_fields = ["title", "question", "protocol_registration"]
    list_select_related = ["created_by"]
    autocomplete_fields = ["created_by"]
    inlines = [MembershipInline, ExclusionReasonInline]

    def has_add_permission(self, request):
        # A review is created on the site, which makes its creator its lead: one added here would have no team.
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting a review deletes its whole trail (votes, decisions, extraction, audit): superusers only.
        return request.user.is_superuser


@admin.register(Membership)
class MembershipAdmin(RefusedWritesAdmin, ImportExportModelAdmin):
    """Adding, changing the role of, removing and importing members go through the team's services, with the staff
    account as writer, so a review keeps at least one lead here as on its members page."""

    resource_classes = [MembershipResource]
    refusals = (*RefusedWritesAdmin.refusals, services.TeamRuleError)
    list_display = ["user", "review", "role", "added_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "review__title"]
    list_select_related = ["user", "review"]
    autocomplete_fields = ["user", "review"]

    def get_readonly_fields(self, request, obj=None):
        # Another person or review is another membership: remove this one and add that one.
        return ["review", "user"] if obj else []

    def save_model(self, request, obj, form, change):
        if change:
            stored = Membership.objects.select_related("review").get(pk=obj.pk)
            services.change_role(membership=stored, role=obj.role, by=Staff(request.user))
        else:
            added = services.add_member(review=obj.review, user=obj.user, role=obj.role, by=Staff(request.user))
            obj.pk, obj.added_at, obj._state.adding = added.pk, added.added_at, False

    def delete_model(self, request, obj):
        services.remove_member(membership=obj, by=Staff(request.user))

    def delete_queryset(self, request, queryset):
        # All or none: a selection that would leave a review without a lead removes nobody.
        with transaction.atomic():
            for membership in queryset.select_related("review").order_by("pk"):
                services.remove_member(membership=membership, by=Staff(request.user))


@admin.register(ExclusionReason)
class ExclusionReasonAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: the reasons are edited as the review's list on its settings page, whose service keeps every reason
    that votes or resolutions give (renaming one would change what they say) and orders them."""

    list_display = ["label", "review", "position"]
    search_fields = ["label", "review__title"]
    list_select_related = ["review"]
    autocomplete_fields = ["review"]


@admin.register(ReviewExport)
class ReviewExportAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: exports are requested and downloaded on the review's exports page, which checks the role their
    kind needs (a backup holds every unblinded vote); the file itself is not offered here."""

    list_display = ["kind", "review", "status", "attempt", "requested_by", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["review__title", "requested_by__username"]
    list_select_related = ["review", "requested_by"]
    exclude = ["file"]
