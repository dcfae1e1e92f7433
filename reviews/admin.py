from django.contrib import admin
from import_export.admin import ExportMixin, ImportExportModelAdmin

from reviews.admin_base import HistoryAdmin
from reviews.models import DuplicateCandidate, ExclusionReason, Membership, Record, RecordImport, Review, Search
from reviews.resources import MembershipResource, RecordResource, ReviewResource, SearchResource


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

    def has_delete_permission(self, request, obj=None):
        # Deleting a review deletes its whole trail (votes, decisions, extraction, audit): superusers only.
        return request.user.is_superuser


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


@admin.register(Search)
class SearchAdmin(ImportExportModelAdmin):
    resource_classes = [SearchResource]
    list_display = ["source", "platform", "source_type", "date_searched", "review"]
    list_filter = ["source_type", "date_searched"]
    search_fields = ["source", "platform", "strategy", "review__title"]
    list_select_related = ["review"]
    autocomplete_fields = ["review", "created_by"]


@admin.register(RecordImport)
class RecordImportAdmin(HistoryAdmin, admin.ModelAdmin):
    """Read-only: an import is made, confirmed and restarted on the review's pages; deleting one would delete its
    records with their votes and resolutions."""

    list_display = ["file_name", "search", "status", "record_count", "merged_count", "queued_count", "created_at"]
    list_filter = ["status", "file_format"]
    search_fields = ["file_name", "review__title"]
    list_select_related = ["search"]
    autocomplete_fields = ["review", "search", "created_by"]


@admin.register(Record)
class RecordAdmin(HistoryAdmin, ExportMixin, admin.ModelAdmin):
    """Read-only: a record keeps the values it was imported with, and its votes and resolutions hang on it."""

    resource_classes = [RecordResource]
    list_display = ["__str__", "year", "doi", "pmid", "review", "duplicate_of"]
    list_filter = ["year"]
    search_fields = ["title", "doi", "pmid", "review__title"]
    list_select_related = ["review"]
    raw_id_fields = ["source_import", "duplicate_of"]
    autocomplete_fields = ["review"]


@admin.register(DuplicateCandidate)
class DuplicateCandidateAdmin(HistoryAdmin, admin.ModelAdmin):
    """Read-only: duplicates are decided, and merges undone, on the review's duplicates page, which merges or
    separates the records too."""

    list_display = ["__str__", "score", "reasons", "status", "review"]
    list_filter = ["status"]
    search_fields = ["reasons", "review__title"]
    list_select_related = ["review"]
    raw_id_fields = ["first", "second"]
    autocomplete_fields = ["review", "decided_by"]
