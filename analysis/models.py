from django.conf import settings
from django.db import models

from reviews.models import Review


class AnalysisRunQuerySet(models.QuerySet):
    def mark_stale(self, reason: str) -> int:
        return self.filter(stale=False).update(stale=True, stale_reason=reason)


class AnalysisRun(models.Model):
    """One analysis of a locked extraction: its parameters, the fingerprint of the data it used, its results."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="analysis_runs")
    parameters = models.JSONField(default=dict, blank=True)
    data_fingerprint = models.CharField(max_length=64, help_text="SHA-256 of the locked consensus data used.")
    results = models.JSONField(default=dict, blank=True)
    stale = models.BooleanField(default=False, help_text="The extraction was unlocked after this run.")
    stale_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AnalysisRunQuerySet.as_manager()

    class Meta:
        ordering = ["review", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"Analysis {self.pk} of {self.review}{' (stale)' if self.stale else ''}"
