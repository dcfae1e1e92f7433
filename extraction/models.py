from django.conf import settings
from django.db import models
from django.db.models import Q

from reviews.locking import AuditTrail, StageLock
from reviews.models import Review
from screening.models import Study

from .locking import LockGuarded


class ExtractionForm(models.Model):
    """The review's data extraction form; its version goes up whenever it changes after extraction started."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="extraction_form")
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Extraction form of {self.review} (version {self.version})"


class Section(LockGuarded):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="extraction_sections")
    form = models.ForeignKey(ExtractionForm, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["form", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "title"], name="section_unique_title_per_form"),
            models.CheckConstraint(condition=~Q(title=""), name="section_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title


class FieldType(models.TextChoices):
    NUMBER = "number", "Number"
    INTEGER = "integer", "Whole number"
    TEXT = "text", "Text"
    CHOICE = "choice", "Choice"
    YES_NO = "yes_no", "Yes / no"
    DATE = "date", "Date"


class FormField(LockGuarded):
    """One question of the form; with per_arm, asked once per treatment arm of the study."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="extraction_fields")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(max_length=60, help_text="Short name used in exports and analyses, e.g. arr_before_mean.")
    label = models.CharField(max_length=200)
    field_type = models.CharField(max_length=10, choices=FieldType.choices, default=FieldType.NUMBER)
    unit = models.CharField(max_length=40, blank=True)
    help_text = models.CharField(max_length=500, blank=True)
    required = models.BooleanField(default=False)
    per_arm = models.BooleanField("asked per arm", default=False)
    baseline = models.BooleanField(
        "baseline characteristic",
        default=False,
        help_text="Shown in the characteristics of included studies: numbers summed (a mean with its SD, "
        "key_mean and key_sd, combined), choices counted.",
    )
    min_value = models.FloatField("smallest allowed", null=True, blank=True)
    max_value = models.FloatField("largest allowed", null=True, blank=True)
    positive = models.BooleanField("must be above 0", default=False, help_text="For standard deviations.")
    choices = models.JSONField(default=list, blank=True, help_text="The options of a choice field.")
    tolerance = models.FloatField(
        default=0, help_text="Two extractors' numbers closer than this count as agreeing (0: equal after rounding)."
    )
    sum_of = models.JSONField(
        default=list, blank=True, help_text="Keys of fields whose values must add up to this one, e.g. women, men."
    )
    position = models.PositiveIntegerField(default=0)
    retired = models.BooleanField(default=False, help_text="No longer asked; values already entered are kept.")
    added_in_version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["section__position", "section_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "key"], name="form_field_unique_key_per_review"),
            models.CheckConstraint(condition=Q(field_type__in=FieldType.values), name="form_field_type_valid"),
            models.CheckConstraint(condition=~Q(label=""), name="form_field_label_not_empty"),
            models.CheckConstraint(condition=Q(tolerance__gte=0), name="form_field_tolerance_not_negative"),
        ]

    def __str__(self) -> str:
        return self.label


class ExtractionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class Extraction(LockGuarded):
    """One extractor's independent extraction of one study; a study has two, in slots 1 and 2."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="extractions")
    study = models.ForeignKey(Study, on_delete=models.PROTECT, related_name="extractions")
    slot = models.PositiveSmallIntegerField(help_text="1 or 2: the two independent extractions of a study.")
    extractor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="extractions")
    status = models.CharField(max_length=10, choices=ExtractionStatus.choices, default=ExtractionStatus.DRAFT)
    arm_count = models.PositiveSmallIntegerField("treatment arms", default=1)
    assigned_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["study", "slot"]
        constraints = [
            models.UniqueConstraint(fields=["study", "slot"], name="extraction_one_per_study_and_slot"),
            models.UniqueConstraint(fields=["study", "extractor"], name="extraction_one_per_study_and_extractor"),
            models.CheckConstraint(condition=Q(slot__in=[1, 2]), name="extraction_slot_1_or_2"),
            models.CheckConstraint(condition=Q(status__in=ExtractionStatus.values), name="extraction_status_valid"),
            models.CheckConstraint(condition=Q(arm_count__gte=1, arm_count__lte=20), name="extraction_arms_1_to_20"),
        ]

    def __str__(self) -> str:
        return f"{self.study} by {self.extractor}"

    @property
    def is_submitted(self) -> bool:
        return self.status == ExtractionStatus.SUBMITTED


class Value(LockGuarded):
    """What one extractor entered for one field (and arm; 0 for study-level fields), kept as typed."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="extraction_values")
    extraction = models.ForeignKey(Extraction, on_delete=models.CASCADE, related_name="values")
    field = models.ForeignKey(FormField, on_delete=models.PROTECT, related_name="values")
    arm = models.PositiveSmallIntegerField(default=0, help_text="0 for study-level fields, else the arm's number.")
    value = models.TextField(blank=True)
    note = models.TextField(blank=True)
    form_version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["extraction", "field", "arm"]
        constraints = [
            models.UniqueConstraint(fields=["extraction", "field", "arm"], name="value_one_per_extraction_field_arm"),
        ]

    def __str__(self) -> str:
        return f"{self.field.key}[{self.arm}] = {self.value}"


class ConsensusStatus(models.TextChoices):
    AGREED = "agreed", "Extractors agreed"
    CONFLICT = "conflict", "Conflict"
    RESOLVED = "resolved", "Resolved"


class Consensus(LockGuarded):
    """The study's value for one field and arm once both extractions are in: agreed, or chosen by a person."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="consensus_values")
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="consensus_values")
    field = models.ForeignKey(FormField, on_delete=models.PROTECT, related_name="consensus_values")
    arm = models.PositiveSmallIntegerField(default=0)
    value = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=ConsensusStatus.choices)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["study", "field", "arm"]
        verbose_name_plural = "consensus values"
        indexes = [models.Index(fields=["review", "status"], name="consensus_review_status")]
        constraints = [
            models.UniqueConstraint(fields=["study", "field", "arm"], name="consensus_one_per_study_field_arm"),
            models.CheckConstraint(condition=Q(status__in=ConsensusStatus.values), name="consensus_status_valid"),
            models.CheckConstraint(
                condition=~Q(status=ConsensusStatus.RESOLVED) | Q(resolved_by__isnull=False),
                name="consensus_resolution_names_who",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.study}: {self.field.key}[{self.arm}] = {self.value} ({self.status})"


class ExtractionLock(StageLock):
    """Whether the review's extraction is locked; every write of extraction data takes this row's lock first."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="extraction_lock")


class AuditAction(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"
    ENTERED = "entered", "Value entered"
    CHANGED = "changed", "Value changed"
    SUBMITTED = "submitted", "Extraction submitted"
    AGREED = "agreed", "Extractors agreed"
    CONFLICT = "conflict", "Extractors disagreed"
    RESOLVED = "resolved", "Conflict resolved"
    LOCKED = "locked", "Extraction locked"
    UNLOCKED = "unlocked", "Extraction unlocked"
    FORM_CHANGED = "form_changed", "Form changed"
    STUDY_RENAMED = "study_renamed", "Study renamed"


class AuditEvent(AuditTrail):
    """Append-only trail of everything done to a review's extraction: who, when, what, from what to what."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="extraction_audit")
    study = models.ForeignKey(Study, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events")
    field = models.ForeignKey(FormField, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    arm = models.PositiveSmallIntegerField(null=True, blank=True)
    action = models.CharField(max_length=20, choices=AuditAction.choices)

    class Meta(AuditTrail.Meta):
        indexes = [models.Index(fields=["review", "study"], name="audit_review_study")]
        constraints = [models.CheckConstraint(condition=Q(action__in=AuditAction.values), name="audit_action_valid")]
