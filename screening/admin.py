from django.contrib import admin
from import_export.admin import ExportMixin

from reviews.admin_base import HistoryAdmin, RefusedWritesAdmin

from .models import Report, Resolution, Study, Vote, VoteEvent
from .resources import ReportResource, ResolutionResource, StudyResource, VoteEventResource, VoteResource


class VoteEventInline(HistoryAdmin, admin.TabularInline):
    model = VoteEvent
    extra = 0


@admin.register(Vote)
class VoteAdmin(HistoryAdmin, ExportMixin, admin.ModelAdmin):
    """Read-only, like every screening decision: a reviewer changes their vote, or an adjudicator resolves the
    record, on the screening pages, and each change stays in the vote's history."""

    resource_classes = [VoteResource]
    list_display = ["record", "stage", "reviewer", "decision", "updated_at", "review"]
    list_filter = ["stage", "decision"]
    search_fields = ["reviewer__username", "review__title", "note"]
    list_select_related = ["reviewer", "review", "record"]
    raw_id_fields = ["record"]
    autocomplete_fields = ["review", "reviewer"]
    inlines = [VoteEventInline]


@admin.register(Resolution)
class ResolutionAdmin(HistoryAdmin, ExportMixin, admin.ModelAdmin):
    resource_classes = [ResolutionResource]
    list_display = ["record", "stage", "decision", "method", "resolved_by", "created_at", "review"]
    list_filter = ["stage", "decision", "method"]
    search_fields = ["review__title", "note"]
    list_select_related = ["resolved_by", "review", "record"]
    raw_id_fields = ["record"]
    autocomplete_fields = ["review", "resolved_by"]


@admin.register(VoteEvent)
class VoteEventAdmin(HistoryAdmin, ExportMixin, admin.ModelAdmin):
    resource_classes = [VoteEventResource]
    list_display = ["vote", "decision", "at"]
    list_filter = ["decision", "vote__stage"]
    list_select_related = ["vote__reviewer"]
    raw_id_fields = ["vote", "exclusion_reason"]


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    fields = ["record", "pdf", "link", "not_retrieved_reason"]
    raw_id_fields = ["record"]
    can_delete = False
    show_change_link = True


@admin.register(Study)
class StudyAdmin(RefusedWritesAdmin, ExportMixin, admin.ModelAdmin):
    resource_classes = [StudyResource]
    list_display = ["label", "review", "created_at"]
    search_fields = ["label", "review__title"]
    list_select_related = ["review"]
    autocomplete_fields = ["review"]
    inlines = [ReportInline]


@admin.register(Report)
class ReportAdmin(RefusedWritesAdmin, ExportMixin, admin.ModelAdmin):
    resource_classes = [ReportResource]
    list_display = ["record", "study", "is_retrieved", "is_not_retrieved", "updated_by", "updated_at", "review"]
    search_fields = ["record__title", "review__title", "not_retrieved_reason"]
    list_select_related = ["record", "study", "updated_by", "review"]
    raw_id_fields = ["record", "study"]
    autocomplete_fields = ["review", "updated_by"]
