"""GRADE in the admin: the settings and the judgements change only through the review's pages, whose services keep
the rules; the judgements are an append-only history (certainty/history.py)."""

from django.contrib import admin
from import_export.admin import ExportMixin

from reviews.admin_base import HistoryAdmin, ReadOnlyAdmin

from .models import GradeJudgement, OutcomeGrading


@admin.register(OutcomeGrading)
class OutcomeGradingAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ["outcome", "start", "mid_lower", "mid_upper", "control_risk", "review"]
    list_filter = ["start"]
    search_fields = ["outcome", "review__title"]
    list_select_related = ["review"]


@admin.register(GradeJudgement)
class GradeJudgementAdmin(HistoryAdmin, ExportMixin, admin.ModelAdmin):
    list_display = ["at", "user", "outcome", "domain", "change", "proposed_change", "review"]
    list_filter = ["domain", "change"]
    search_fields = ["outcome", "reason", "review__title"]
    list_select_related = ["user", "review"]
