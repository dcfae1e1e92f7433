from django.conf import settings
from django.db import models
from django.db.models import Q

from reviews.models import ExclusionReason, Record, Review


class Stage(models.TextChoices):
    TITLE_ABSTRACT = "title_abstract", "Title/abstract"
    FULL_TEXT = "full_text", "Full text"


class Decision(models.TextChoices):
    INCLUDE = "include", "Include"
    EXCLUDE = "exclude", "Exclude"
    MAYBE = "maybe", "Maybe"


class FinalDecision(models.TextChoices):
    INCLUDE = "include", "Include"
    EXCLUDE = "exclude", "Exclude"


class ResolutionMethod(models.TextChoices):
    AGREEMENT = "agreement", "Reviewers agreed"
    ADJUDICATION = "adjudication", "Conflict resolved"


class Vote(models.Model):
    """One reviewer's current vote on one record at one stage; every change is also kept in VoteEvent."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="votes")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="votes")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="votes")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    exclusion_reason = models.ForeignKey(ExclusionReason, on_delete=models.PROTECT, null=True, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["record", "stage", "created_at"]
        indexes = [models.Index(fields=["review", "stage", "reviewer", "record"], name="vote_queue")]
        constraints = [
            models.UniqueConstraint(fields=["record", "stage", "reviewer"], name="vote_one_per_record_stage_reviewer"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="vote_stage_valid"),
            models.CheckConstraint(condition=Q(decision__in=Decision.values), name="vote_decision_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} {self.decision} record {self.record_id} ({self.stage})"


class VoteEvent(models.Model):
    """Append-only history of votes: each vote and each change of mind."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="events")
    decision = models.CharField(max_length=10, choices=Decision.choices)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["vote", "at", "id"]

    def __str__(self) -> str:
        return f"{self.decision} on {self.at:%Y-%m-%d %H:%M}"


class Resolution(models.Model):
    """The final decision on a record at a stage: by agreement of the votes or by an adjudicator."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="resolutions")
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="resolutions")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    decision = models.CharField(max_length=10, choices=FinalDecision.choices)
    method = models.CharField(max_length=20, choices=ResolutionMethod.choices)
    exclusion_reason = models.ForeignKey(ExclusionReason, on_delete=models.PROTECT, null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["record", "stage"]
        indexes = [models.Index(fields=["review", "stage", "decision"], name="resolution_counts")]
        constraints = [
            models.UniqueConstraint(fields=["record", "stage"], name="resolution_one_per_record_and_stage"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="resolution_stage_valid"),
            models.CheckConstraint(condition=Q(decision__in=FinalDecision.values), name="resolution_decision_valid"),
            models.CheckConstraint(
                condition=Q(method=ResolutionMethod.AGREEMENT) | Q(resolved_by__isnull=False),
                name="resolution_adjudication_names_who",
            ),
        ]

    def __str__(self) -> str:
        return f"record {self.record_id}: {self.decision} at {self.stage}"
