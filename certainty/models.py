"""GRADE per outcome: what the lead sets for an outcome, and the lead's judgement of each domain, append-only.

The judgements are a history: confirming or changing a domain adds a row, the newest row per (outcome, domain) is
the one in force, and no row is ever changed or deleted (certainty/history.py guards every path)."""

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery

from analysis.models import AnalysisRun
from reviews.guards import WriteGuarded, WriteGuardedQuerySet
from reviews.models import Review

from .evidence import DOMAIN_LABELS


class Start(models.TextChoices):
    """Where the evidence starts (GRADE 3; GRADE 18 for ROBINS-I)."""

    RANDOMISED = "randomised", "Randomised trials: high"
    OBSERVATIONAL = "observational", "Observational studies: low"
    OBSERVATIONAL_ROBINS_I = "observational_robins_i", "Non-randomised studies assessed with ROBINS-I: high"


Domain = models.TextChoices("Domain", [(code.upper(), (code, label)) for code, label in DOMAIN_LABELS.items()])


class OutcomeGrading(models.Model):
    """What the lead sets for one outcome (an analysis outcome's key) of the review."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="grade_outcomes")
    outcome = models.SlugField(max_length=40, help_text="The outcome's key in the analysis.")
    start = models.CharField(max_length=30, choices=Start.choices, default=Start.RANDOMISED)
    mid_lower = models.FloatField(
        null=True, blank=True, help_text="Minimally important benefit or harm, below the null (ratios as ratios)."
    )
    mid_upper = models.FloatField(null=True, blank=True, help_text="The same above the null.")
    control_risk = models.FloatField(
        null=True,
        blank=True,
        help_text="Assumed risk without the intervention, a proportion; blank: the studies' control arms'.",
    )

    class Meta:
        ordering = ["review", "outcome"]
        constraints = [
            models.UniqueConstraint(fields=["review", "outcome"], name="certainty_one_grading_per_outcome"),
            models.CheckConstraint(condition=Q(start__in=Start.values), name="certainty_grading_start_valid"),
            models.CheckConstraint(
                condition=Q(control_risk__isnull=True) | Q(control_risk__gt=0, control_risk__lt=1),
                name="certainty_grading_control_risk_proportion",
            ),
            models.CheckConstraint(
                condition=(Q(mid_lower__isnull=True) & Q(mid_upper__isnull=True))
                | Q(mid_lower__lt=models.F("mid_upper")),
                name="certainty_grading_mid_both_and_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.outcome} ({self.get_start_display()})"


class JudgementQuerySet(WriteGuardedQuerySet):
    def in_force(self):
        """The newest judgement of each (review, outcome, domain)."""
        newest = (
            GradeJudgement.objects.filter(
                review=OuterRef("review"), outcome=OuterRef("outcome"), domain=OuterRef("domain")
            )
            .order_by("-at", "-pk")
            .values("pk")[:1]
        )
        return self.filter(pk=Subquery(newest))


class GradeJudgement(WriteGuarded):
    """The lead's judgement of one GRADE domain of one outcome, beside what Tandem proposed from the run."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="grade_judgements")
    outcome = models.SlugField(max_length=40)
    domain = models.CharField(max_length=30, choices=Domain.choices)
    change = models.SmallIntegerField(help_text="Levels of certainty: -2, -1, 0, or +1, +2 when rated up.")
    proposed_change = models.SmallIntegerField()
    proposed_rule = models.CharField(max_length=60, blank=True)
    proposed_reason = models.TextField(blank=True)
    reason = models.TextField(help_text="The lead's reason; the table's footnote.")
    run = models.ForeignKey(
        AnalysisRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", help_text="The run judged."
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    objects = JudgementQuerySet.as_manager()

    class Meta:
        ordering = ["review", "outcome", "domain", "at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(domain__in=Domain.values), name="certainty_judgement_domain_valid"),
            models.CheckConstraint(condition=Q(change__gte=-2, change__lte=2), name="certainty_judgement_change_range"),
            models.CheckConstraint(condition=~Q(reason=""), name="certainty_judgement_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.outcome}: {self.get_domain_display()} {self.change:+d}"

    @property
    def follows_proposal(self) -> bool:
        return self.change == self.proposed_change
