"""Screening blinding as non-interference (tests/blinding.py): whatever a co-reviewer voted, with whatever note
and reason, on records that still wait for other votes, every page and download the rest of the team can reach
is byte-identical."""

import pytest
from django.urls import reverse

from reviews.models import Role
from reviews.services import add_member
from screening import ranking, services
from screening.models import Prioritisation, ScreeningRecord, Stage
from screening.services import fulltext
from tests.blinding import assert_blind, reached_views
from tests.factories import make_import, make_user, ris
from tests.permission_matrix import MATRIX

pytestmark = pytest.mark.django_db
TA, FT = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
# Everything the hidden co-reviewer writes, in the two states compared.
NOTES = {"include": "HIDDEN-NOTE-ONE", "exclude": "HIDDEN-NOTE-TWO"}
# GET pages that no page links, or that need what a review being screened does not have yet.
NOT_CRAWLED = {
    "accounts:password_change_done": "reached only by changing one's password (a POST)",
    "identification:duplicate_accept_above": "linked only while possible duplicates wait; this review has none",
    "reviews:export_download": "needs a finished export; a blinded review offers no backup (tests/reviews)",
    "reviews:todos": "fetched by the script of 'My reviews', not linked: the dashboard's to-do list, crawled there",
    **dict.fromkeys(
        [
            *["analysis:run", "analysis:outcome_studies", "analysis:plot", "analysis:export", "analysis:r_script"],
            "analysis:mapping_edit",
            *["certainty:outcome", "certainty:export"],
        ],
        "needs a locked extraction and an analysis run",
    ),
    **dict.fromkeys(
        ["appraisal:assess", "appraisal:appraisal", "appraisal:plot"],
        "needs studies up for risk-of-bias assessment (tests/appraisal/test_blinding.py crawls them)",
    ),
}


class Screening:
    """A blinded review in progress, with reviewer2 as the co-reviewer whose votes are hidden.

    Title/abstract: records 0 and 1 wait (reviewer2 votes in the hidden states), 2 and 4 were included by the
    lead and the reviewer, 3 is in conflict between them, 5 is untouched. Full text: records 2 and 4 have links
    and wait (reviewer2 votes in the hidden states), and a record found by citation searching was included and
    is a study with a PDF.
    """

    def __init__(self, personas):
        self.personas, self.review = personas, personas.review
        self.hidden = make_user("reviewer2")
        add_member(review=self.review, user=self.hidden, role=Role.REVIEWER, by=personas.lead)
        self.population = self.review.exclusion_reasons.get()
        self.design = self.review.exclusion_reasons.create(label="Wrong design", position=2)
        personas.full_text()
        abstract = "Patients with neuromyelitis optica received tocilizumab or azathioprine."
        make_import(
            self.review, personas.lead, ris(*({"TI": f"Trial {i}", "PY": "2020", "AB": abstract} for i in range(6)))
        )
        self.records = list(ScreeningRecord.objects.for_review(self.review).screenable(TA).order_by("pk"))
        for index, lead, reviewer in ((2, "include", "include"), (3, "include", "exclude"), (4, "include", "include")):
            self.vote(self.records[index], TA, personas.lead, lead, note="lead's own note")
            self.vote(self.records[index], TA, personas.reviewer, reviewer, note="reviewer's own note")
        for index in (2, 4):
            fulltext.attach_full_text(
                review=self.review,
                record_id=self.records[index].pk,
                user=personas.lead,
                link=f"https://example.org/trial-{index}",
            )

    def vote(self, record, stage, reviewer, decision, note="", reason=None):
        services.cast_vote(
            review=self.review,
            record_id=record.pk,
            stage=stage,
            reviewer=reviewer,
            decision=decision,
            note=note,
            exclusion_reason=reason,
        )

    def hide(self, decision):
        """reviewer2's votes in one of the two states: at title/abstract on records 0 and 1, at full text on 2
        and 4, with notes, and at full text reasons, that differ too (a reason goes with an exclusion only)."""
        reason = self.population if decision == "include" else self.design
        maybe_or_include = "maybe" if decision == "include" else "include"
        self.vote(self.records[0], TA, self.hidden, decision, note=NOTES[decision])
        self.vote(self.records[1], TA, self.hidden, maybe_or_include, note=NOTES[decision])
        self.vote(self.records[2], FT, self.hidden, decision, note=NOTES[decision], reason=reason)
        self.vote(self.records[4], FT, self.hidden, "exclude", note=NOTES[decision], reason=reason)


@pytest.fixture
def screening(personas):
    return Screening(personas)


@pytest.mark.parametrize("who", ["reviewer", "adjudicator", "viewer"])
def test_votes_waiting_for_others_change_nothing_anyone_else_sees(client, screening, who):
    client.force_login(getattr(screening.personas, who))
    crawl = assert_blind(
        client, hide=screening.hide, variants=tuple(NOTES), start=start(screening), probes=NOTES.values()
    )
    # The record pages, with their screening history, are among the pages compared: those of the records the
    # co-reviewer voted on too.
    pages = {reverse("identification:record_detail", args=[screening.review.pk, r.pk]) for r in screening.records}
    assert pages <= set(crawl)


def test_votes_waiting_for_others_change_nothing_the_lead_sees_on_any_page(client, screening):
    """The lead may open every page, so their crawl also checks that the crawl finds every page: one that no
    reachable page linked would escape the comparison. The review has an extraction form and extractions too."""
    screening.personas.extraction()
    client.force_login(screening.personas.lead)
    crawl = assert_blind(
        client, hide=screening.hide, variants=tuple(NOTES), start=start(screening), probes=NOTES.values()
    )
    lead_may_open = {
        name
        for name, route in MATRIX.items()
        if route.method == "get" and (route.allowed is None or "lead" in route.allowed)
    }
    assert lead_may_open - set(NOT_CRAWLED) - reached_views(crawl) == set()


@pytest.mark.parametrize("who", ["reviewer", "lead"])
def test_a_vote_withdrawn_is_as_if_never_cast_to_everyone_else(client, screening, who):
    """reviewer2 voted and withdrew (undo), with a note and a reason, at each stage, or never voted: the rest of
    the team cannot tell which, the withdrawal in the history included."""

    def hide(variant):
        if variant == "never voted":
            return
        for record, stage, reason in ((screening.records[0], TA, None), (screening.records[2], FT, screening.design)):
            screening.vote(record, stage, screening.hidden, "exclude", note=NOTES["exclude"], reason=reason)
            services.withdraw_vote(review=screening.review, record_id=record.pk, stage=stage, reviewer=screening.hidden)

    client.force_login(getattr(screening.personas, who))
    assert_blind(
        client,
        hide=hide,
        variants=("never voted", "voted and withdrew"),
        start=start(screening),
        probes=NOTES.values(),
    )


def start(screening):
    return [reverse("reviews:list"), reverse("reviews:dashboard", args=[screening.review.pk])]


def test_how_the_other_reviewer_disagreed_stays_hidden_from_the_lead_who_voted(client, screening):
    """The lead voted on a record at each stage and reviewer2 disagrees, in one of two ways: while the adjudicator
    can settle it, nothing the lead reaches shows how (the conflicts page leaves these records out)."""
    lead = screening.personas.lead
    screening.vote(screening.records[5], TA, lead, "include")
    screening.vote(screening.records[2], FT, lead, "include")

    def disagree(variant):
        decision = "exclude" if variant == "include" else "maybe"
        screening.vote(screening.records[5], TA, screening.hidden, decision, note=NOTES[variant])
        reason = screening.design if variant == "include" else screening.population
        screening.vote(screening.records[2], FT, screening.hidden, "exclude", note=NOTES[variant], reason=reason)

    client.force_login(lead)
    assert_blind(client, hide=disagree, variants=tuple(NOTES), start=start(screening), probes=NOTES.values())


def test_the_comparison_catches_the_votes_an_unblinded_review_shows(client, screening):
    screening.review.blinded = False
    screening.review.save()
    client.force_login(screening.personas.reviewer)
    with pytest.raises(AssertionError, match="screening-decisions.csv") as caught:
        assert_blind(client, hide=screening.hide, variants=tuple(NOTES), start=start(screening), probes=NOTES.values())
    assert "/screening/full-text/:" in str(caught.value), "the queue shows the other vote"


@pytest.mark.parametrize("who", ["reviewer", "lead"])
def test_the_queue_order_and_the_stopping_figures_ignore_votes_waiting_for_others(client, screening, who):
    """Issue 20: the relevance model retrains (as its task would) after the co-reviewer's hidden vote on a record
    whose words it shares with others; the order of everyone else's queue, the lead's estimate and stopping test
    stay the same, since the model learns from resolved records only."""
    personas, review = screening.personas, screening.review
    make_import(
        review,
        personas.lead,
        ris(
            {"TI": "Tocilizumab prevents relapses of neuromyelitis optica", "PY": "2021"},
            {"TI": "Colonoscopy screening uptake among nurses", "PY": "2021"},
            {"TI": "Tocilizumab infusions for relapses of neuromyelitis optica", "PY": "2022"},
            {"TI": "Colorectal cancer screening by colonoscopy in nurses", "PY": "2022"},
        ),
    )
    hidden, *_ = ScreeningRecord.objects.for_review(review).screenable(TA).order_by("-pk")[:4][::-1]
    for reviewer in (personas.lead, personas.reviewer):  # an exclusion beside the two inclusions: the model trains
        screening.vote(screening.records[5], TA, reviewer, "exclude")
    ranking.retrain(review.pk)
    assert Prioritisation.objects.get(review=review).method == "model"

    def hide(variant):
        screening.vote(hidden, TA, screening.hidden, variant, note=NOTES[variant])
        ranking.retrain(review.pk)

    client.force_login(getattr(personas, who))
    queue = reverse("screening:queue", args=[review.pk, "title-abstract"])
    crawl = assert_blind(client, hide=hide, variants=tuple(NOTES), start=[queue], probes=NOTES.values())
    if who == "lead":
        assert reverse("screening:prioritisation", args=[review.pk]) in crawl
