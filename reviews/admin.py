from django.contrib import admin
from import_export.admin import ExportMixin, ImportExportModelAdmin

from reviews.models import ExclusionReason, Membership, Review
from reviews.resources import MembershipResource, ReviewResource


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


class ExclusionReasonInline(admin.TabularInline):
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


@admin.register(Membership)
class MembershipAdmin(ImportExportModelAdmin):
    resource_classes = [MembershipResource]
    list_display = ["user", "review", "role", "added_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email", "review__title"]
    list_select_related = ["user", "review"]
    autocomplete_fields = ["user", "review"]


@admin.register(ExclusionReason)
class ExclusionReasonAdmin(admin.ModelAdmin):
    list_display = ["label", "review", "position"]
    search_fields = ["label", "review__title"]
    list_select_related = ["review"]
    autocomplete_fields = ["review"]
