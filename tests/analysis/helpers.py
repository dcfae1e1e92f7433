"""A locked extraction with studies of both treatments, and an analysis run of it."""

from dataclasses import dataclass

from analysis.models import AnalysisRun
from analysis.services import run_analysis
from extraction import services as extraction
from tests.extraction.helpers import Team


def study_values(i: int) -> dict:
    """Study i: tocilizumab when even, azathioprine when odd; numbers that differ from study to study."""
    return {
        "treatment": "tocilizumab" if i % 2 == 0 else "azathioprine",
        "n": str(20 + i),
        "women": "18",
        "men": str(2 + i),
        "age_mean": f"{40 + i}",
        "age_sd": "12",
        "aqp4_positive": str(15 + i),
        "aqp4_negative": "5",
        "arr_before_mean": f"{1.5 + 0.1 * i:.2f}",
        "arr_before_sd": "0.8",
        "arr_after_mean": f"{0.2 + 0.07 * i:.2f}",
        "arr_after_sd": f"{0.3 + 0.05 * i:.2f}",
        "edss_before_mean": f"{4 + 0.2 * i:.1f}",
        "edss_before_sd": "1.5",
        "edss_after_mean": f"{3.6 + 0.1 * i**1.5:.2f}",
        "edss_after_sd": "1.6",
    }


@dataclass
class LockedRun:
    team: Team
    run: AnalysisRun


def lock_team(personas, studies=6) -> Team:
    team = Team(personas, studies=studies)
    for i, study in enumerate(team.studies):
        team.submit(study, 1, **study_values(i))
        team.submit(study, 2, **study_values(i))
    extraction.lock(review=team.review, user=personas.lead)
    return team


def locked_review_run(personas) -> LockedRun:
    team = lock_team(personas)
    return LockedRun(team, run_analysis(review=team.review, user=personas.lead))
