from django.contrib import admin
from import_export.admin import ExportMixin

from reviews.access import Staff
from reviews.admin_base import HistoryAdmin, ReadOnlyAdmin, RefusedWritesAdmin

from .models import (
    AutomationExclusion,
    Prioritisation,
    RecordTag,
    RelevanceScore,
    Report,
    Resolution,
    Study,
    Tag,
    Vote,
    VoteEvent,
)
from .resources import (
    RecordTagResource,
    ReportResource,
    ResolutionResource,
    StudyResource,
    TagResource,
    VoteEventResource,
    VoteResource,
)
from .services import ScreeningError, fulltext


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
    list_display = ["record", "stage", "reviewer", "decision", "at"]
    list_filter = ["decision", "stage"]
    list_select_related = ["record", "reviewer"]
    raw_id_fields = ["vote", "record", "exclusion_reason"]


class ReportInline(ReadOnlyAdmin, admin.TabularInline):
    model = Report
    extra = 0
    fields = ["record", "pdf", "link", "not_retrieved_reason"]
    show_change_link = True


@admin.register(Study)
class StudyAdmin(RefusedWritesAdmin, ExportMixin, admin.ModelAdmin):
    """Staff rename a study here, through the same service as the workflow (fulltext.rename_study: the lock, the
    extraction's audit trail). A study is made by including a report at full text and goes when its last report
    is filed under another study, so it is neither added nor deleted here."""

    resource_classes = [StudyResource]
    refusals = (*RefusedWritesAdmin.refusals, ScreeningError)
    list_display = ["label", "review", "created_at"]
    search_fields = ["label", "review__title"]
    list_select_related = ["review"]
    fields = ["review", "label", "created_at"]
    readonly_fields = ["review", "created_at"]
    inlines = [ReportInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        fulltext.rename_study(review=obj.review, study_id=obj.pk, label=obj.label, user=Staff(request.user))


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin, ExportMixin, admin.ModelAdmin):
    """Read-only: a full text is attached, marked as not retrieved and filed under a study on the review's report
    pages, whose services check the stage, the votes already cast and the lock, and name who changed it."""

    resource_classes = [ReportResource]
    list_display = ["record", "study", "is_retrieved", "is_not_retrieved", "updated_by", "updated_at", "review"]
    search_fields = ["record__title", "review__title", "not_retrieved_reason"]
    list_select_related = ["record", "study", "updated_by", "review"]
    raw_id_fields = ["record", "study"]
    autocomplete_fields = ["review", "updated_by"]


@admin.register(Tag)
class TagAdmin(HistoryAdmin, ExportMixin, admin.ModelAdmin):
    """Read-only: the lead defines a review's tags on its tags page, where a name is unique within the review."""

    resource_classes = [TagResource]
    list_display = ["name", "review", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["name", "review__title"]
    list_select_related = ["review"]


@admin.register(RecordTag)
class RecordTagAdmin(HistoryAdmin, ExportMixin, admin.ModelAdmin):
    """Read-only: screeners put tags on records on the record and queue pages."""

    resource_classes = [RecordTagResource]
    list_display = ["tag", "record", "added_by", "added_at"]
    list_filter = ["added_at"]
    search_fields = ["tag__name", "record__title"]
    list_select_related = ["tag", "record", "added_by"]
    raw_id_fields = ["record", "tag"]


@admin.register(Prioritisation)
class PrioritisationAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: the lead changes the settings on the prioritisation page, and the retraining task writes the rest."""

    list_display = ["review", "status", "method", "n_includes", "n_excludes", "trained_at", "retrain_every"]
    list_filter = ["status", "method"]
    search_fields = ["review__title"]
    list_select_related = ["review"]


@admin.register(RelevanceScore)
class RelevanceScoreAdmin(HistoryAdmin, admin.ModelAdmin):
    """Read-only: written by the retraining task only."""

    list_display = ["record", "score", "review"]
    search_fields = ["review__title", "record__title"]
    list_select_related = ["record", "review"]
    raw_id_fields = ["record"]


@admin.register(AutomationExclusion)
class AutomationExclusionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """Read-only: the lead excludes the records left, and reverts that, on the prioritisation page."""

    list_display = ["review", "record_count", "rule", "excluded_by", "created_at", "reverted_at"]
    list_filter = ["created_at", "reverted_at"]
    search_fields = ["review__title", "rule"]
    list_select_related = ["review", "excluded_by"]
