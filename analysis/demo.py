"""The demo review's analysis: pooled ARR and EDSS by treatment from its locked extraction."""

from django.contrib.auth import get_user_model

from extraction.services import is_locked

from .services import run_analysis


def simulate_analysis(review) -> None:
    """Run the default analysis once, so a new user sees results; running it again changes nothing."""
    if review.analysis_runs.exists() or not is_locked(review):
        return
    lead = get_user_model().objects.get(memberships__review=review, username="lead")
    run_analysis(review=review, user=lead)
