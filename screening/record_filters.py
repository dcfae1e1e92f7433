"""Screening's filters of the records page and the records' exports (reviews.stages.RecordFilter): by stage and
decision, by exclusion reason, by tag. The records page and the Record manager belong to identification, which may
not import screening, so screening registers these instead of adding methods to that manager. Tags are a team aid
every member sees. The exports of excluded records note why each was excluded.

Each shows only what the viewer may see anyway: resolutions are the team's outcome and show to all; a record in
conflict is listed as such only to who sees that conflict (an unblinded review's team, or the adjudicator on
their conflicts page), and otherwise counts among those awaiting a decision, so a voter does not learn from the
filter how the co-reviewer voted."""

from django.db.models import Exists, OuterRef, Q

from reviews.access import adjudicator_ids
from reviews.stages import RecordFilter

from . import conflicts
from .models import FinalDecision, RecordTag, Resolution, ScreeningRecord, Stage

INCLUDED, EXCLUDED, AWAITING, CONFLICT = "included", "excluded", "awaiting", "conflict"
KINDS = {INCLUDED: "included", EXCLUDED: "excluded", AWAITING: "awaiting a decision", CONFLICT: "in conflict"}
EITHER_STAGE = "either"


def _sees_conflicts(review, user) -> bool:
    return not review.blinded or user.pk in adjudicator_ids(review)


def decision_choices(review, user) -> list[tuple[str, str]]:
    kinds = [kind for kind in KINDS if kind != CONFLICT or _sees_conflicts(review, user)]
    return [
        *((f"{stage.value}:{kind}", f"{stage.label}: {KINDS[kind]}") for stage in Stage for kind in kinds),
        (f"{EITHER_STAGE}:{EXCLUDED}", "Excluded (either stage)"),
    ]


def decided(stage, decision) -> Exists:
    """Records resolved at this stage with this final decision."""
    return Exists(Resolution.objects.filter(record=OuterRef("pk"), stage=stage, decision=decision))


def awaiting_decision(review, stage) -> Q:
    """Records screened at this stage and not yet resolved there (waiting for votes or in conflict)."""
    reached = ScreeningRecord.objects.for_review(review).screenable(stage).filter(pk=OuterRef("pk"))
    return Q(Exists(reached)) & ~Q(Exists(Resolution.objects.filter(record=OuterRef("pk"), stage=stage)))


def by_decision(records, review, user, value):
    stage, kind = value.split(":")
    if stage == EITHER_STAGE:
        return records.filter(Exists(Resolution.objects.filter(record=OuterRef("pk"), decision=FinalDecision.EXCLUDE)))
    if kind == CONFLICT:
        # The conflicts this user may see and settle (screening/conflicts.py), or every one unblinded.
        shown = (
            conflicts.open_conflicts(review, stage)
            if not review.blinded
            else conflicts.open_conflicts_for(review, stage, user)
        )
        return records.filter(pk__in=[conflict[0].pk for conflict in shown])
    if kind == AWAITING:
        return records.filter(awaiting_decision(review, stage))
    return records.filter(decided(stage, FinalDecision.INCLUDE if kind == INCLUDED else FinalDecision.EXCLUDE))


def exclusion_notes(records, value) -> dict[int, str]:
    """Why each excluded record was excluded: the stage, and the reason where one was given. Like the filters, from
    resolutions only: a vote still waiting for the others is nobody else's to see (docs/security.md, blinding)."""
    if not value.endswith(f":{EXCLUDED}"):
        return {}
    exclusions = Resolution.objects.filter(record__in=records, decision=FinalDecision.EXCLUDE)
    notes = {}
    for record_id, stage, reason in exclusions.values_list("record_id", "stage", "exclusion_reason__label"):
        where = f"Excluded at {Stage(stage).label.lower()}"
        notes[record_id] = f"{where}: {reason}" if reason else where
    return notes


def reason_choices(review, user) -> list[tuple[str, str]]:
    return [(str(reason.pk), reason.label) for reason in review.exclusion_reasons.all()]


def by_reason(records, review, user, value):
    """Records excluded, at either stage, for this reason."""
    excluded = Resolution.objects.filter(record=OuterRef("pk"), decision=FinalDecision.EXCLUDE)
    return records.filter(Exists(excluded.filter(exclusion_reason_id=int(value))))


def tag_choices(review, user) -> list[tuple[str, str]]:
    return [(str(tag.pk), tag.name) for tag in review.tags.all()]


def by_tag(records, review, user, value):
    return records.filter(Exists(RecordTag.objects.filter(record=OuterRef("pk"), tag_id=int(value))))


RECORD_FILTERS = (
    RecordFilter("decision", "Screening", decision_choices, by_decision, exclusion_notes),
    RecordFilter("reason", "Exclusion reason", reason_choices, by_reason),
    RecordFilter("tag", "Tag", tag_choices, by_tag),
)
