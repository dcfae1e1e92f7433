"""Extraction blinding as non-interference (tests/blinding.py): until both extractions of a study are submitted,
whatever one extractor entered (values and notes, saved as a draft or submitted) changes nothing the other
extractor, or a member who does not oversee the extraction, can reach."""

import pytest
from django.urls import reverse

from extraction import services
from tests.blinding import assert_blind
from tests.extraction.helpers import Team

pytestmark = pytest.mark.django_db
# What the hidden extractor enters in the two states compared.
HIDDEN = {
    "one": {"arr_after_mean": "0.2", "country": "Japan", "note": "HIDDEN-NOTE-ONE"},
    "two": {"arr_after_mean": "0.9", "country": "Brazil", "note": "HIDDEN-NOTE-TWO"},
}


class Extractions:
    """Team's review with two studies: study 0 extracted by the lead (slot 1) and the reviewer (slot 2), study 1
    by reviewer2 and the lead, both submitted and with a conflict to resolve."""

    def __init__(self, personas):
        self.team = Team(personas)
        self.review, self.study = self.team.review, self.team.studies[0]
        other = self.team.studies[1]
        self.team.submit(other, 1, arr_after_mean="0.3")
        self.team.submit(other, 2, arr_after_mean="0.5")

    def enter(self, slot, state, values=None, note=""):
        """The extractor of study 0's slot saves a draft of (or submits) these values, with a note on one."""
        if state == "none":
            return
        extraction = self.team.extraction(self.study, slot)
        entries = self.team.entries(**(values or {}))
        field = self.team.fields["arr_after_mean"]
        entries[field.pk, 1] = (entries[field.pk, 1][0], note)
        problems = services.save_extraction(
            review=self.review,
            extraction_id=extraction.pk,
            user=extraction.extractor,
            entries=entries,
            arm_count=1,
            submit=state == "submitted",
        )
        assert not problems, problems


@pytest.fixture
def extractions(personas):
    return Extractions(personas)


# (who looks, the state of their own extraction of study 0, the state of the hidden one). The hidden extraction is
# the co-extractor's; for members who do not extract study 0, the reviewer's (slot 2), the lead's being a draft.
CASES = [
    ("lead", "draft", "submitted"),
    ("lead", "submitted", "draft"),
    ("reviewer", "none", "submitted"),
    ("reviewer", "submitted", "draft"),
    ("viewer", "draft", "submitted"),
]


@pytest.mark.parametrize(("who", "own", "hidden"), CASES)
def test_what_a_co_extractor_entered_before_both_are_in_changes_nothing_the_others_see(
    client, personas, extractions, who, own, hidden
):
    own_slot, hidden_slot = (2, 1) if who == "reviewer" else (1, 2)
    extractions.enter(own_slot, own)

    def hide(variant):
        values = {key: value for key, value in HIDDEN[variant].items() if key != "note"}
        extractions.enter(hidden_slot, hidden, values, note=HIDDEN[variant]["note"])

    client.force_login(getattr(personas, who))
    start = [reverse("reviews:list"), reverse("reviews:dashboard", args=[extractions.review.pk])]
    probes = [text for values in HIDDEN.values() for text in values.values()]
    assert_blind(client, hide=hide, variants=tuple(HIDDEN), start=start, probes=probes)
