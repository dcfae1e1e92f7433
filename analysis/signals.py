from django.dispatch import receiver

from extraction.signals import extraction_unlocked

from .models import AnalysisRun


@receiver(extraction_unlocked)
def mark_runs_stale(sender, *, review, user, reason, **kwargs):
    AnalysisRun.objects.filter(review=review).mark_stale(f"Extraction unlocked by {user.username}: {reason}")
