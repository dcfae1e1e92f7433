from django.contrib import admin
from import_export.admin import ExportMixin

from identification.models import DuplicateCandidate, Record, RecordImport, Search
from identification.resources import RecordResource, SearchResource
from reviews.admin_base import HistoryAdmin


@admin.register(Search)
class SearchAdmin(ExportMixin, admin.ModelAdmin):
    """Searches are logged on the review's search page by a member who may identify records; here staff correct how
    one is described. Its review and its source type stay: the type decides whether its records are screened at
    title/abstract (PRISMA 2020), so changing it would move records that are being or were screened."""

    resource_classes = [SearchResource]
    list_display = ["source", "platform", "source_type", "date_searched", "review"]
    list_filter = ["source_type", "date_searched"]
    search_fields = ["source", "platform", "strategy", "review__title"]
    list_select_related = ["review"]
    readonly_fields = ["review", "source_type", "created_by"]

    def has_add_permission(self, request):
        return False


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
    list_select_related = ["review", "duplicate_of"]
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
