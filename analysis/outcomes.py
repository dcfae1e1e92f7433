"""From a locked extraction to the engine's input: one row per study arm and outcome, and its fingerprint."""

import hashlib
import json

import pandas as pd
from django.db import IntegrityError, transaction

from extraction.tables import consensus_table
from reviews.access import LEAD_ONLY, require_role

from .engine.dataset import SUMMARY_COLUMNS, TIME_POINTS
from .models import OutcomeMapping

FORM_TIME_POINTS = {"pre": "before", "post": "after"}
# The NMOSD template's fields, so that the demo and every review using the template need no set-up.
DEFAULT_OUTCOMES = [("arr", "Annualised relapse rate (ARR)"), ("edss", "Disability (EDSS)")]


def template_columns(prefix: str) -> dict[str, str]:
    columns = {"n": "n"}
    for point in TIME_POINTS:
        for summary in SUMMARY_COLUMNS:
            columns[f"{summary}_{point}"] = f"{prefix}_{FORM_TIME_POINTS[point]}_{summary}"
    return columns


def mappings(review) -> list[OutcomeMapping]:
    """The review's outcome mappings; the NMOSD defaults are created when the form has their fields."""
    existing = list(OutcomeMapping.objects.filter(review=review))
    if existing:
        return existing
    keys = set(review.extraction_fields.values_list("key", flat=True))
    created = []
    for position, (key, label) in enumerate(DEFAULT_OUTCOMES):
        columns = template_columns(key)
        if set(columns.values()) <= keys and "treatment" in keys:
            created.append(OutcomeMapping(review=review, key=key, label=label, columns=columns, position=position))
    return OutcomeMapping.objects.bulk_create(created)


class MappingError(Exception):
    """An outcome mapping that cannot be saved; the message says why."""


@transaction.atomic
def save_mapping(*, review, user, mapping, key, label, group_field, columns) -> OutcomeMapping:
    """Create or change an outcome (the lead's); two outcomes of a review never share a key."""
    require_role(review=review, user=user, roles=LEAD_ONLY)
    mapping = mapping or OutcomeMapping(review=review, position=OutcomeMapping.objects.filter(review=review).count())
    mapping.key, mapping.label, mapping.group_field, mapping.columns = key, label, group_field, columns
    try:
        with transaction.atomic():
            mapping.save()
    except IntegrityError as exc:
        raise MappingError(f"another outcome already has the key '{key}'") from exc
    return mapping


def locked_data(review) -> tuple[pd.DataFrame, str]:
    """The consensus table as a frame, and the SHA-256 of its canonical JSON (what the run used)."""
    columns, rows = consensus_table(review)
    canonical = json.dumps([columns, rows], sort_keys=True, ensure_ascii=False, default=str)
    return pd.DataFrame(rows, columns=columns), hashlib.sha256(canonical.encode()).hexdigest()


def outcome_frame(data: pd.DataFrame, mapping: OutcomeMapping, subgroup: str) -> pd.DataFrame:
    """The engine's columns for one outcome: study (with its arm when it has several), the summaries, the subgroup.

    Arms that report nothing of the outcome are left out; empty cells become missing values."""
    arms_per_study = data.groupby("study_id")["arm"].transform("nunique")
    shared_label = data.groupby("study")["study_id"].transform("nunique") > 1
    names = []
    for label, study_id, arm, arms, shared in zip(
        data["study"], data["study_id"], data["arm"], arms_per_study, shared_label, strict=True
    ):
        name = f"{label} [{study_id}]" if shared else label  # two studies named alike stay apart
        names.append(f"{name} (arm {arm})" if arms > 1 else name)
    frame = pd.DataFrame({"study": names})
    for column, key in mapping.columns.items():
        frame[column] = pd.to_numeric(data[key], errors="coerce") if key in data else float("nan")
    frame["subgroup"] = data[subgroup].replace("", None) if subgroup in data else None
    summaries = [c for c in frame.columns if c not in ("study", "n", "subgroup")]
    return frame[frame[summaries].notna().any(axis=1)].reset_index(drop=True)
