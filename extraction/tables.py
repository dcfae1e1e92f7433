"""Read-only views of a review's extraction: consensus table, agreement per field, conflicts with both values."""

from collections import defaultdict
from dataclasses import dataclass

from screening.agreement import agreement

from . import values as checks
from .models import Consensus, ConsensusStatus, Extraction, ExtractionStatus, FieldType, FormField, Value

KAPPA_TYPES = (FieldType.CHOICE, FieldType.YES_NO)


def consensus_table(review, *, typed: bool = False) -> tuple[list[str], list[list]]:
    """(columns, rows): one row per study and arm (arm 0 holds a study's study-level values), a column per field.
    Values are text as stored; typed gives numbers and dates as such, for a spreadsheet's cells."""
    fields = list(FormField.objects.filter(review=review).order_by("section__position", "position", "id"))
    keys = [field.key for field in fields]
    rows = defaultdict(dict)
    cells = Consensus.objects.filter(review=review).values_list(
        "study_id", "study__label", "field__key", "arm", "value"
    )
    study_level = {field.key for field in fields if not field.per_arm}
    for study_id, label, key, arm, value in cells.iterator(chunk_size=5000):
        if key in study_level:
            rows[study_id, label, 0][key] = value
        else:
            rows[study_id, label, arm][key] = value
    arms = defaultdict(set)
    for study_id, label, arm in rows:
        arms[study_id, label].add(arm)
    table = []
    for (study_id, label), study_arms in sorted(arms.items(), key=lambda item: (item[0][1], item[0][0])):
        shared = rows.get((study_id, label, 0), {})
        for arm in sorted(study_arms - {0}) or [0]:
            values = {**shared, **rows.get((study_id, label, arm), {})}
            texts = [values.get(field.key, "") for field in fields]
            if typed:
                texts = [checks.cell(field, text) for field, text in zip(fields, texts, strict=True)]
            table.append([study_id, label, arm, *texts])
    return ["study_id", "study", "arm", *keys], table


@dataclass
class FieldAgreement:
    field: FormField
    compared: int
    agreeing: int
    kappa: float | None

    @property
    def percent(self) -> float | None:
        return 100 * self.agreeing / self.compared if self.compared else None


def field_agreement(review) -> list[FieldAgreement]:
    """Per field, over studies whose two extractions are submitted: percent agreement; kappa for choice fields."""
    fields = {field.pk: field for field in FormField.objects.filter(review=review, retired=False)}
    submitted = Extraction.objects.filter(review=review, status=ExtractionStatus.SUBMITTED)
    pairs = defaultdict(dict)
    for study_id, slot, field_id, arm, value in Value.objects.filter(extraction__in=submitted).values_list(
        "extraction__study_id", "extraction__slot", "field_id", "arm", "value"
    ):
        pairs[study_id, field_id, arm][slot] = value
    complete = set(Consensus.objects.filter(review=review).values_list("study_id", flat=True).distinct())
    per_field = defaultdict(list)
    for (study_id, field_id, _arm), by_slot in pairs.items():
        if study_id in complete and field_id in fields:
            per_field[field_id].append((by_slot.get(1, ""), by_slot.get(2, "")))
    result = []
    for field_id, field in fields.items():
        compared = per_field.get(field_id, [])
        agreeing = sum(checks.agree(field, a, b) for a, b in compared)
        kappa = None
        if field.field_type in KAPPA_TYPES and compared:
            labels = [
                (checks.normalise(field, a) or "(empty)", checks.normalise(field, b) or "(empty)") for a, b in compared
            ]
            kappa = agreement(labels).kappa
        result.append(FieldAgreement(field, len(compared), agreeing, kappa))
    return result


@dataclass
class ConflictRow:
    cell: Consensus
    first: Value | None
    second: Value | None
    extracted: bool = False  # by the person looking, who is the only one left to settle it


def conflict_rows(conflicts) -> list[ConflictRow]:
    """Both extractors' values and notes beside each conflicting cell, in one query for the whole page."""
    cells = list(conflicts)
    wanted = {(c.study_id, c.field_id, c.arm) for c in cells}
    entered = {}
    found = Value.objects.filter(
        extraction__study_id__in={c.study_id for c in cells}, field_id__in={c.field_id for c in cells}
    ).select_related("extraction__extractor")
    for value in found:
        key = (value.extraction.study_id, value.field_id, value.arm)
        if key in wanted:
            entered[key, value.extraction.slot] = value
    return [
        ConflictRow(
            c, entered.get(((c.study_id, c.field_id, c.arm), 1)), entered.get(((c.study_id, c.field_id, c.arm), 2))
        )
        for c in cells
    ]


def open_conflicts(review):
    return (
        Consensus.objects.filter(review=review, status=ConsensusStatus.CONFLICT)
        .select_related("study", "field__section")
        .order_by("study__label", "study_id", "field__section__position", "field__position", "arm")
    )
