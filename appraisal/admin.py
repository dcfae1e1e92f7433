"""Risk of bias in the admin: every row changes only through the review's pages (assignment, assessment,
consensus, lock), whose services keep the rules and the audit trail, so staff read and export here."""

from django.contrib import admin
from import_export.admin import ExportMixin

from reviews.admin_base import HistoryAdmin, ReadOnlyAdmin

from .models import (
    Answer,
    Appraisal,
    AppraisalLock,
    Assessment,
    AuditEvent,
    Consensus,
    CustomTool,
    Judgement,
    ToolChoice,
)


@admin.register(CustomTool)
class CustomToolAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["review", "updated_at"]
    search_fields = ["review__title"]
    list_select_related = ["review"]


@admin.register(ToolChoice)
class ToolChoiceAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["review", "design", "tool"]
    list_filter = ["design", "tool"]
    search_fields = ["review__title"]
    list_select_related = ["review"]


@admin.register(Appraisal)
class AppraisalAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["study", "outcome", "design", "tool", "variant", "review"]
    list_filter = ["tool", "design"]
    search_fields = ["study__label", "outcome", "review__title"]
    list_select_related = ["study", "review"]


@admin.register(Assessment)
class AssessmentAdmin(HistoryAdmin, admin.ModelAdmin):
    list_display = ["appraisal", "slot", "assessor", "status", "submitted_at", "review"]
    list_filter = ["status", "slot"]
    search_fields = ["appraisal__study__label", "assessor__username", "review__title"]
    list_select_related = ["appraisal__study", "assessor", "review"]


@admin.register(Answer)
class AnswerAdmin(HistoryAdmin, admin.ModelAdmin):
    list_display = ["assessment", "domain", "question", "answer"]
    list_filter = ["answer"]
    search_fields = ["support", "assessment__appraisal__study__label"]
    list_select_related = ["assessment__appraisal__study", "assessment__assessor"]


@admin.register(Judgement)
class JudgementAdmin(HistoryAdmin, admin.ModelAdmin):
    list_display = ["assessment", "domain", "judgement", "suggested"]
    list_filter = ["judgement"]
    search_fields = ["reason", "assessment__appraisal__study__label"]
    list_select_related = ["assessment__appraisal__study", "assessment__assessor"]


@admin.register(Consensus)
class ConsensusAdmin(HistoryAdmin, admin.ModelAdmin):
    list_display = ["appraisal", "domain", "judgement", "status", "resolved_by", "review"]
    list_filter = ["status"]
    search_fields = ["reason", "appraisal__study__label"]
    list_select_related = ["appraisal__study", "resolved_by", "review"]


@admin.register(AppraisalLock)
class AppraisalLockAdmin(HistoryAdmin, admin.ModelAdmin):
    """Read-only: deleting the row would unlock without the reason the review's page asks for."""

    list_display = ["review", "locked", "changed_by", "changed_at"]
    list_filter = ["locked"]
    list_select_related = ["review", "changed_by"]


@admin.register(AuditEvent)
class AuditEventAdmin(HistoryAdmin, ExportMixin, admin.ModelAdmin):
    list_display = ["at", "user", "action", "appraisal", "domain", "review"]
    list_filter = ["action"]
    search_fields = ["note", "old_value", "new_value", "appraisal__study__label"]
    list_select_related = ["user", "appraisal__study", "review"]
