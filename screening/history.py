"""A record's screening history on its page (reviews.stages.RecordPanel): every vote, change of vote and resolution,
the report and its study, and where the record stands, within what blinding lets the viewer see."""

from dataclasses import dataclass, field

from reviews.access import SCREENERS, adjudicator_ids

from . import conflicts, services
from .models import Report, Resolution, ScreeningRecord, Stage, Vote, VoteEvent, votes_needed


@dataclass
class StageHistory:
    stage: Stage
    reached: bool
    events: list[VoteEvent] = field(default_factory=list)
    resolution: Resolution | None = None
    # Shown only to who may see the conflict anyway: in an unblinded review, or on their conflicts page.
    in_conflict: bool = False
    my_vote: Vote | None = None

    @property
    def overruled(self) -> bool:
        """The viewer's own vote differs from the adjudicator's decision."""
        adjudicated = self.resolution is not None and self.resolution.resolved_by_id is not None
        return adjudicated and self.my_vote is not None and self.my_vote.decision != self.resolution.decision


def record_history(record, review, user) -> dict:
    """Context of screening/_record_history.html. Votes follow VoteEvent.objects.visible_to (under blinding, one's
    own and those of resolved records), so a co-reviewer's vote on a record that still waits never shows; a
    resolution is the team's outcome and shows to all, so an overruled reviewer sees it with every vote."""
    record = record.duplicate_of or record  # votes are cast on the group's primary
    events = (
        VoteEvent.objects.visible_to(user, review=review)
        .filter(record=record)
        .select_related("reviewer", "exclusion_reason")
        .order_by("at", "id")
    )
    resolutions = Resolution.objects.filter(record=record).select_related("resolved_by", "exclusion_reason")
    by_stage = {resolution.stage: resolution for resolution in resolutions}
    votes = list(Vote.objects.filter(record=record))
    adjudicators = adjudicator_ids(review)
    stages = []
    for stage in Stage:
        stage_votes = [vote for vote in votes if vote.stage == stage]
        history = StageHistory(
            stage=stage,
            reached=ScreeningRecord.objects.for_review(review).screenable(stage).filter(pk=record.pk).exists(),
            events=[event for event in events if event.stage == stage],
            resolution=by_stage.get(stage),
            my_vote=next((vote for vote in stage_votes if vote.reviewer_id == user.pk), None),
        )
        if history.reached and history.resolution is None:
            sees_conflicts = not review.blinded or (
                user.pk in adjudicators and conflicts.may_adjudicate(stage_votes, user, adjudicators)
            )
            needed = votes_needed(review, stage, record.pk)
            history.in_conflict = sees_conflicts and services.conflict_votes(stage_votes, needed)
        stages.append(history)
    report = Report.objects.filter(record=record).select_related("study").first()
    others = report.study.reports.exclude(pk=report.pk).select_related("record") if report and report.study else []
    may_tag = review.memberships.filter(user=user, role__in=SCREENERS).exists()
    return {
        "record": record,
        "stages": stages,
        "report": report,
        "study_reports": list(others),
        **record_tags_context(record, review, may_tag=may_tag),
    }


def record_tags_context(record, review, *, may_tag: bool) -> dict:
    """Context of screening/_record_tags.html: the review's tags, those on the record, and whether to offer the form."""
    return {
        "tagged": record,
        "tag_choices": list(review.tags.all()),
        "tag_ids": set(record.record_tags.values_list("tag_id", flat=True)),
        "can_tag": may_tag,
    }
