"""The demo's GRADE step: every analysed outcome of the demo review judged by the lead, one judgement changed."""

from django.db.models import F

from certainty.models import GradeJudgement
from certainty.services import current_run, outcome_rows


def test_the_demo_grades_every_analysed_outcome_with_one_change(demo):
    run = current_run(demo)
    rows = outcome_rows(demo, run)
    assert [row.key for row in rows] == list(run.results["outcomes"]) and rows
    assert all(row.confirmed for row in rows)
    changed = GradeJudgement.objects.filter(review=demo).exclude(change=F("proposed_change"))
    assert list(changed.values_list("domain", "change")) == [("indirectness", -1)]
    # The NMOSD studies are cohorts assessed with ROBINS-I: the evidence starts high (GRADE 18), and the run keeps
    # their risk of bias beside each result.
    assert rows[0].settings.start == "observational_robins_i"
    assert "risk_of_bias" in next(iter(run.results["outcomes"].values()))
