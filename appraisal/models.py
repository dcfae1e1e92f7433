"""Risk-of-bias assessments: the tool per study design, two independent assessments per study (and outcome, for an
outcome-specific tool), their consensus, the lock and the audit trail. The tools themselves are data
(appraisal/tools/*.json, read by the pure appraisal.loader)."""

from collections.abc import Callable
from functools import cache, cached_property, partial

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from reviews.guards import WriteGuardedQuerySet
from reviews.locking import AuditTrail, StageLock
from reviews.models import Review
from screening.models import Study

from .loader import load, parse
from .locking import LockGuarded
from .model import Tool

OVERALL = "overall"  # the domain code of the overall judgement


class Design(models.TextChoices):
    RANDOMISED = "randomised", "Randomised trial"
    NON_RANDOMISED = "non_randomised", "Non-randomised study of an intervention"
    COHORT = "cohort", "Cohort study"
    CASE_CONTROL = "case_control", "Case-control study"


class ToolCode(models.TextChoices):
    ROB2 = "rob2", "RoB 2"
    ROBINS_I = "robins_i", "ROBINS-I"
    NOS_COHORT = "nos_cohort", "Newcastle-Ottawa Scale (cohort)"
    NOS_CASE_CONTROL = "nos_case_control", "Newcastle-Ottawa Scale (case-control)"
    CUSTOM = "custom", "The review's custom tool"


# The tool a design gets until the lead chooses another.
DEFAULT_TOOLS: dict[str, str] = {
    Design.RANDOMISED: ToolCode.ROB2,
    Design.NON_RANDOMISED: ToolCode.ROBINS_I,
    Design.COHORT: ToolCode.ROBINS_I,
    Design.CASE_CONTROL: ToolCode.ROBINS_I,
}
# The designs a tool is made for: the Newcastle-Ottawa scales each for their own design; RoB 2 and ROBINS-I the lead
# may use for any.
TOOL_DESIGNS = {
    ToolCode.NOS_COHORT: (Design.COHORT,),
    ToolCode.NOS_CASE_CONTROL: (Design.CASE_CONTROL,),
}
# Tools assessed per outcome (a result), not per study.
PER_OUTCOME = (ToolCode.ROB2,)


class CustomTool(LockGuarded):
    """The tool the lead defined for this review, as JSON in the tool files' format (`kind: custom`, read by
    appraisal.loader.parse): stored as written, so a backup restores it and the loader stays its one reader. It
    changes only while no assessment uses it (services.define_custom_tool)."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="custom_tool")
    definition = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(definition__kind="custom"), name="appraisal_custom_tool_is_custom"),
        ]

    def __str__(self) -> str:
        return f"{self.review}: {self.spec.name}"

    @cached_property
    def spec(self) -> Tool:
        return parse(self.definition, "custom tool")


def tool_spec(review: Review | int, code: str) -> Tool:
    """A tool by its ToolCode: a built-in one, or the review's custom tool."""
    if code == ToolCode.CUSTOM:
        return CustomTool.objects.get(review=review).spec
    return load(code)


def tools_of(review: Review | int) -> Callable[[str], Tool]:
    """`tool_spec` for one review, each tool read once (a custom tool is a query and a parse): for pages and readers
    over many appraisals, where `Appraisal.tool_spec` would query per row."""
    return cache(partial(tool_spec, review))


class ToolChoice(LockGuarded):
    """The tool the lead picked for the review's studies of one design."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="appraisal_tools")
    design = models.CharField(max_length=20, choices=Design.choices)
    tool = models.CharField(max_length=20, choices=ToolCode.choices)

    class Meta:
        ordering = ["review", "design"]
        constraints = [
            models.UniqueConstraint(fields=["review", "design"], name="appraisal_one_tool_per_design"),
            models.CheckConstraint(condition=Q(design__in=Design.values), name="appraisal_tool_design_valid"),
            models.CheckConstraint(condition=Q(tool__in=ToolCode.values), name="appraisal_tool_code_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.get_design_display()}: {self.get_tool_display()}"


class AppraisalQuerySet(WriteGuardedQuerySet):
    def for_review(self, review):
        return self.filter(review=review).select_related("study").order_by("study__label", "outcome", "pk")


class Appraisal(LockGuarded):
    """What is assessed: a study, or with an outcome-specific tool (RoB 2) one of its outcomes, with its tool."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="appraisals")
    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="appraisals")
    design = models.CharField(max_length=20, choices=Design.choices)
    tool = models.CharField(max_length=20, choices=ToolCode.choices)
    variant = models.CharField(max_length=20, help_text="The effect assessed: assignment or adhering.")
    outcome = models.CharField(max_length=200, blank=True, help_text="The outcome assessed, for RoB 2; else empty.")

    objects = AppraisalQuerySet.as_manager()

    class Meta:
        ordering = ["review", "study__label", "outcome", "id"]
        constraints = [
            models.UniqueConstraint(fields=["study", "outcome"], name="appraisal_one_per_study_and_outcome"),
            models.CheckConstraint(condition=Q(design__in=Design.values), name="appraisal_design_valid"),
            models.CheckConstraint(condition=Q(tool__in=ToolCode.values), name="appraisal_tool_valid"),
            models.CheckConstraint(
                condition=(Q(tool__in=PER_OUTCOME) & ~Q(outcome="")) | (~Q(tool__in=PER_OUTCOME) & Q(outcome="")),
                name="appraisal_outcome_iff_per_outcome_tool",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.study} ({self.outcome})" if self.outcome else str(self.study)

    @cached_property
    def tool_spec(self) -> Tool:
        return tool_spec(self.review_id, self.tool)

    def domains(self):
        """The tool's domains assessed for this appraisal's variant."""
        tool = self.tool_spec
        return [tool.domain(code) for code in tool.variant(self.variant).domains]


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class Assessment(LockGuarded):
    """One assessor's independent assessment of an appraisal; an appraisal has two, in slots 1 and 2."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="assessments")
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="assessments")
    slot = models.PositiveSmallIntegerField(help_text="1 or 2: the two independent assessments.")
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assessments")
    status = models.CharField(max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT)
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["appraisal", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "slot"], name="assessment_one_per_appraisal_and_slot"),
            models.UniqueConstraint(fields=["appraisal", "assessor"], name="assessment_one_per_appraisal_assessor"),
            models.CheckConstraint(condition=Q(slot__in=[1, 2]), name="assessment_slot_1_or_2"),
            models.CheckConstraint(condition=Q(status__in=AssessmentStatus.values), name="assessment_status_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.appraisal} by {self.assessor}"

    @property
    def is_submitted(self) -> bool:
        return self.status == AssessmentStatus.SUBMITTED


class Answer(LockGuarded):
    """An assessor's answer to one signalling question, with the quote or note that supports it."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="appraisal_answers")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    domain = models.CharField(max_length=30)
    question = models.CharField(max_length=30)
    answer = models.CharField(max_length=10)
    support = models.TextField(blank=True, help_text="A quote from the report, or a note, supporting the answer.")

    class Meta:
        ordering = ["assessment", "domain", "question"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "domain", "question"], name="answer_one_per_assessment_question"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.answer}"


class Judgement(LockGuarded):
    """An assessor's judgement of one domain (or `overall`), beside what the tool's algorithm suggested: a judgement
    other than the suggestion says why."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="appraisal_judgements")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="judgements")
    domain = models.CharField(max_length=30)
    judgement = models.CharField(max_length=30)
    suggested = models.CharField(max_length=30, blank=True, help_text="The algorithm's suggestion; empty: none.")
    reason = models.TextField(blank=True, help_text="Why the judgement differs from the suggestion.")

    class Meta:
        ordering = ["assessment", "domain"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "domain"], name="judgement_one_per_assessment_domain"),
            models.CheckConstraint(condition=~Q(judgement=""), name="judgement_not_empty"),
            models.CheckConstraint(
                condition=Q(suggested="") | Q(judgement=F("suggested")) | ~Q(reason=""),
                name="judgement_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.domain}: {self.judgement}"

    @property
    def overrides(self) -> bool:
        return bool(self.suggested) and self.judgement != self.suggested


class ConsensusStatus(models.TextChoices):
    AGREED = "agreed", "Assessors agreed"
    CONFLICT = "conflict", "Conflict"
    RESOLVED = "resolved", "Resolved"


class ConsensusQuerySet(WriteGuardedQuerySet):
    def conflicts(self) -> "ConsensusQuerySet":
        return self.filter(status=ConsensusStatus.CONFLICT)


class Consensus(LockGuarded):
    """The appraisal's judgement of one domain (or `overall`) once both assessments are in: agreed, or settled
    domain by domain by a lead or adjudicator, with a reason."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="appraisal_consensus")
    appraisal = models.ForeignKey(Appraisal, on_delete=models.CASCADE, related_name="consensus")
    domain = models.CharField(max_length=30)
    judgement = models.CharField(max_length=30, blank=True)
    status = models.CharField(max_length=10, choices=ConsensusStatus.choices)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ConsensusQuerySet.as_manager()

    class Meta:
        ordering = ["appraisal", "domain"]
        verbose_name_plural = "consensus judgements"
        constraints = [
            models.UniqueConstraint(fields=["appraisal", "domain"], name="appraisal_consensus_one_per_domain"),
            models.CheckConstraint(
                condition=Q(status__in=ConsensusStatus.values), name="appraisal_consensus_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=ConsensusStatus.CONFLICT) | ~Q(judgement=""),
                name="appraisal_consensus_settled_has_judgement",
            ),
            models.CheckConstraint(
                condition=~Q(status=ConsensusStatus.RESOLVED) | (Q(resolved_by__isnull=False) & ~Q(reason="")),
                name="appraisal_consensus_resolution_names_who_and_why",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appraisal}: {self.domain} = {self.judgement or '?'} ({self.status})"


class AppraisalLock(StageLock):
    """Whether the review's risk-of-bias assessment is locked; every write of its data takes this row's lock."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="appraisal_lock")


class AuditAction(models.TextChoices):
    TOOL_CHOSEN = "tool_chosen", "Tool chosen"
    TOOL_DEFINED = "tool_defined", "Custom tool defined"
    ADDED = "added", "Study added"
    ASSIGNED = "assigned", "Assigned"
    ANSWERED = "answered", "Answer given"
    JUDGED = "judged", "Judgement given"
    SUBMITTED = "submitted", "Assessment submitted"
    AGREED = "agreed", "Assessors agreed"
    CONFLICT = "conflict", "Assessors disagreed"
    RESOLVED = "resolved", "Conflict resolved"
    LOCKED = "locked", "Assessment locked"
    UNLOCKED = "unlocked", "Assessment unlocked"


class AuditEvent(AuditTrail):
    """Append-only trail of everything done to a review's risk-of-bias assessment."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="appraisal_audit")
    appraisal = models.ForeignKey(
        Appraisal, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    domain = models.CharField(max_length=30, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)

    class Meta(AuditTrail.Meta):
        constraints = [
            models.CheckConstraint(condition=Q(action__in=AuditAction.values), name="appraisal_audit_action_valid")
        ]
