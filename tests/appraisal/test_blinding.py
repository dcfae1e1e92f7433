"""Risk-of-bias blinding as non-interference (tests/blinding.py): until both assessments of a study are submitted,
whatever one assessor entered (answers, supporting quotes, judgements and reasons, as a draft or submitted) changes
nothing the other assessor, or a member who does not oversee the assessment, can reach."""

import pytest
from django.urls import reverse

from appraisal import services
from appraisal.demo import filled_entry
from tests.appraisal.helpers import Assessors
from tests.blinding import assert_blind

pytestmark = pytest.mark.django_db
# What the hidden assessor enters in the two states compared: a judgement of D5 and its reason.
HIDDEN = {"one": ("serious", "HIDDEN-REASON-ONE"), "two": ("critical", "HIDDEN-REASON-TWO")}


class Assessments:
    """Assessors' review with two studies: study 0 assessed by the lead (slot 1) and the reviewer (slot 2), study 1
    by reviewer2 and the lead, both submitted and with a conflict to resolve."""

    def __init__(self, personas):
        self.team = Assessors(personas)
        self.review, self.appraisal = self.team.review, self.team.appraisals[0]
        other = self.team.appraisals[1]
        self.team.submit(other, 1)
        self.team.submit(other, 2, slip=("D5", "serious"))

    def enter(self, slot, state, slip=None):
        if state == "none":
            return
        assessment = self.team.assessment(self.appraisal, slot)
        entry = filled_entry(self.appraisal, ("D5", slip[0]) if slip else None)
        if slip:
            entry.judgements["D5"] = (slip[0], slip[1])
            entry.answers["D5", "5.1"] = (entry.answers["D5", "5.1"][0], slip[1])
        problems = services.save_assessment(
            review=self.review,
            assessment_id=assessment.pk,
            user=assessment.assessor,
            entry=entry,
            submit=state == "submitted",
        )
        assert not problems, problems


# (who looks, the state of their own assessment of study 0, the state of the hidden one).
CASES = [
    ("lead", "draft", "submitted"),
    ("lead", "submitted", "draft"),
    ("reviewer", "none", "submitted"),
    ("reviewer", "submitted", "draft"),
    ("viewer", "draft", "submitted"),
]


@pytest.mark.parametrize(("who", "own", "hidden"), CASES)
def test_what_a_co_assessor_entered_before_both_are_in_changes_nothing_the_others_see(
    client, personas, who, own, hidden
):
    assessments = Assessments(personas)
    own_slot, hidden_slot = (2, 1) if who == "reviewer" else (1, 2)
    assessments.enter(own_slot, own)

    def hide(variant):
        assessments.enter(hidden_slot, hidden, HIDDEN[variant])

    client.force_login(getattr(personas, who))
    review = assessments.review
    start = [reverse("reviews:dashboard", args=[review.pk]), reverse("appraisal:overview", args=[review.pk])]
    probes = [reason for _, reason in HIDDEN.values()]
    crawl = assert_blind(client, hide=hide, variants=tuple(HIDDEN), start=start, probes=probes)
    assert any("/risk-of-bias/appraisals/" in address for address in crawl)
