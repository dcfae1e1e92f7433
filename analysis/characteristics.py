"""The characteristics of included studies at baseline, from the form fields the lead marks as baseline.

Nothing here knows a disease: each column comes from a field's settings. The first whole-number field is the
participants (the base of every count's percentage); other whole numbers are counts of participants, summed over
the arms that report them; a `<stem>_mean` field with a baseline `<stem>_sd` beside it is one column, the groups
combined by the Handbook formula (6.5.2.10); other numbers are summed; choices, yes/no and texts are counted by value.
"""

from collections import Counter
from dataclasses import dataclass

import pandas as pd

from .engine.baseline import combined_mean_sd

PARTICIPANTS, COUNT, SUM, MEAN_SD, CATEGORIES = "participants", "count", "sum", "mean_sd", "categories"
ALL_STUDIES = "All studies"


@dataclass(frozen=True)
class Characteristic:
    key: str
    label: str
    kind: str
    sd_key: str = ""


def characteristics(fields) -> list[Characteristic]:
    """The table's columns, in the form's order, from its baseline fields (objects with key, label, field_type)."""
    fields = [f for f in fields if f.baseline]
    keys = {f.key for f in fields}
    columns, participants = [], None
    for field in fields:
        stem = field.key.removesuffix("_mean")
        if field.key.endswith("_sd") and field.key.removesuffix("_sd") + "_mean" in keys:
            continue  # shown with its mean
        if field.field_type == "integer" and participants is None:
            participants = field.key
            columns.append(Characteristic(field.key, field.label, PARTICIPANTS))
        elif field.field_type == "integer":
            columns.append(Characteristic(field.key, field.label, COUNT))
        elif field.field_type == "number" and field.key.endswith("_mean") and f"{stem}_sd" in keys:
            columns.append(Characteristic(field.key, field.label.removesuffix(": mean"), MEAN_SD, f"{stem}_sd"))
        elif field.field_type == "number":
            columns.append(Characteristic(field.key, field.label, SUM))
        else:
            columns.append(Characteristic(field.key, field.label, CATEGORIES))
    return columns


def _numbers(arms: pd.DataFrame, key: str) -> list[float | None]:
    if key not in arms:
        return [None] * len(arms)
    return [None if pd.isna(v) else float(v) for v in pd.to_numeric(arms[key], errors="coerce")]


def _cell(arms: pd.DataFrame, column: Characteristic, participants: list[float | None]) -> dict:
    if column.kind == CATEGORIES:
        values = [str(v).strip() for v in arms.get(column.key, []) if str(v).strip()]
        return {"kind": CATEGORIES, "counts": sorted(Counter(values).items())}
    numbers = _numbers(arms, column.key)
    if column.kind == MEAN_SD:
        n = [p or 0 for p in participants]
        mean, sd = combined_mean_sd(n, numbers, _numbers(arms, column.sd_key))
        return {"kind": MEAN_SD, "mean": mean, "sd": sd}
    # Not reported is not zero: the percentage's base is the participants of the arms that report the count.
    pairs = [(v, p) for v, p in zip(numbers, participants, strict=True) if v is not None]
    total = sum(v for v, _ in pairs) if pairs else None
    if total is not None and column.kind in (PARTICIPANTS, COUNT) and float(total).is_integer():
        total = int(total)
    base = sum(p for v, p in pairs if p is not None)
    percent = 100 * total / base if column.kind == COUNT and total is not None and base else None
    return {"kind": column.kind, "value": total, "percent": percent}


def baseline_table(data: pd.DataFrame, group_field: str, columns: list[Characteristic]) -> dict:
    """Per group (e.g. treatment or arm; all studies when the field is not on the form) the number of studies
    and each column's cell; JSON-ready."""
    grouped = group_field in data
    participants_key = next((c.key for c in columns if c.kind == PARTICIPANTS), "")
    rows = []
    groups = data.groupby(group_field, sort=True) if grouped else [(ALL_STUDIES, data)]
    for group, arms in groups:
        if not str(group).strip():
            continue
        participants = _numbers(arms, participants_key)
        cells = [_cell(arms, column, participants) for column in columns]
        rows.append({"group": group, "studies": int(arms["study_id"].nunique()), "cells": cells})
    return {
        "group": group_field if grouped else "",
        "columns": [{"label": c.label, "kind": c.kind} for c in columns],
        "rows": rows,
    }
