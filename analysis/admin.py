from django.contrib import admin

from reviews.admin_base import HistoryAdmin

from .models import AnalysisRun, OutcomeMapping


@admin.register(OutcomeMapping)
class OutcomeMappingAdmin(admin.ModelAdmin):
    list_display = ["label", "key", "group_field", "moderator_field", "review"]
    search_fields = ["label", "key", "review__title"]
    list_select_related = ["review"]


@admin.register(AnalysisRun)
class AnalysisRunAdmin(HistoryAdmin, admin.ModelAdmin):
    """Read-only: runs are made from the review's analysis page, on locked data, and an unlock marks them stale."""

    list_display = ["pk", "review", "measure", "method", "knha", "correlation", "stale", "created_by", "created_at"]
    list_filter = ["stale", "measure", "method", "knha"]
    search_fields = ["review__title", "data_fingerprint"]
    list_select_related = ["review", "created_by"]
