"""The demo review's screening, simulated with the real decisions of the Cohen 2006 ADHD set.

The demo's records come from that set (reviews/demo_data/README.md), so its reviewers vote the set's
title/abstract and full-text labels, with a few deterministic disagreements, "maybe" votes, open
conflicts and records not yet screened, so that a new user sees a review in progress. Everything goes
through the real services, so blinding, agreement and PRISMA work on it as on any review.
"""

import csv

from django.contrib.auth import get_user_model

from reviews.demo import DEMO_DATA
from reviews.importers.normalise import fold

from . import fulltext, services
from .models import Stage, Vote

LABELS = DEMO_DATA / "screening_labels.csv"
SCREENED_SHARE = 0.85  # of the records at each stage; the rest wait for the demo's user
OPEN_CONFLICTS = 3


def dataset_labels():
    """{folded title: (included at title/abstract, included at full text)}"""
    with LABELS.open(newline="", encoding="utf-8") as handle:
        return {
            fold(row["title"]): (row["label_abstract_screening"] == "1", row["label_included"] == "1")
            for row in csv.DictReader(handle)
        }


def _opposite(decision):
    return "exclude" if decision == "include" else "include"


def simulate_screening(review):
    """Screen the demo review once; running it again changes nothing."""
    if Vote.objects.filter(review=review).exists():
        return
    users = {user.username: user for user in get_user_model().objects.filter(memberships__review=review)}
    first, second, adjudicator = users["reviewer1"], users["reviewer2"], users["adjudicator"]
    labels = dataset_labels()
    truth = {}

    def vote(record, reviewer, stage, decision, note="", reason=None):
        services.cast_vote(review=review, record_id=record.pk, stage=stage, reviewer=reviewer, decision=decision,
                           note=note, exclusion_reason=reason if decision == "exclude" else None)  # fmt: skip

    records = list(services.screenable(review, Stage.TITLE_ABSTRACT).order_by("pk"))
    screened = int(len(records) * SCREENED_SHARE)
    for i, record in enumerate(records):
        truth[record.pk] = labels.get(fold(record.shown.title), (False, False))
        decision = "include" if truth[record.pk][0] else "exclude"
        if i >= screened:
            if i % 3 == 0:  # the second reviewer has not reached these yet
                vote(record, first, Stage.TITLE_ABSTRACT, decision)
            continue
        if i % 29 == 7:
            vote(record, first, Stage.TITLE_ABSTRACT, "maybe", note="No comparison group described; check full text.")
        else:
            vote(record, first, Stage.TITLE_ABSTRACT, decision)
        vote(record, second, Stage.TITLE_ABSTRACT, _opposite(decision) if i % 13 == 5 else decision)
    _adjudicate(review, Stage.TITLE_ABSTRACT, adjudicator, truth, keep_open=OPEN_CONFLICTS)

    reasons = list(review.exclusion_reasons.all()[:4])
    reports = list(services.screenable(review, Stage.FULL_TEXT).order_by("pk"))
    assessed = int(len(reports) * SCREENED_SHARE)
    for j, record in enumerate(reports):
        if record.pk not in truth:  # found by citation searching: not retrieved yet, but one
            if j % 6 == 0:
                fulltext.mark_not_retrieved(review=review, record_id=record.pk, user=first,
                                            reason="Conference abstract only; the authors did not reply.")  # fmt: skip
            continue
        if j % 9 == 4:
            fulltext.mark_not_retrieved(review=review, record_id=record.pk, user=first,
                                        reason="Not held by the library; inter-library loan failed.")  # fmt: skip
            continue
        if record.shown.pmid:
            fulltext.attach_full_text(review=review, record_id=record.pk, user=first,
                                      link=f"https://pubmed.ncbi.nlm.nih.gov/{record.shown.pmid}/")  # fmt: skip
        if j >= assessed:
            continue
        decision = "include" if truth[record.pk][1] else "exclude"
        reason = reasons[j % len(reasons)]
        vote(record, first, Stage.FULL_TEXT, decision, reason=reason)
        vote(record, second, Stage.FULL_TEXT, _opposite(decision) if j % 7 == 3 else decision, reason=reason)
    _adjudicate(review, Stage.FULL_TEXT, adjudicator, truth, keep_open=1, reasons=reasons)


def _adjudicate(review, stage, adjudicator, truth, *, keep_open, reasons=()):
    """The adjudicator settles all conflicts but the last few with the dataset's label."""
    open_conflicts = services.conflicts(review, stage)
    for record, _votes in open_conflicts[: max(len(open_conflicts) - keep_open, 0)]:
        include = truth[record.pk][0 if stage == Stage.TITLE_ABSTRACT else 1]
        services.resolve_conflict(
            review=review, record_id=record.pk, stage=stage, decision="include" if include else "exclude",
            user=adjudicator, note="Checked against the eligibility criteria.",
            exclusion_reason=None if include or not reasons else reasons[0],
        )  # fmt: skip
