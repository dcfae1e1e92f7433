"""From a table of study summaries to effect sizes, with every problem named by its row.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first study row 2. Each design has its
columns (metafor's names where metafor has them); what a study reports instead of a mean and SD is converted
and the conversion noted on the study's row (see :mod:`analysis.engine.rows`).
"""

from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np
import pandas as pd

from . import effects, rows
from .arrays import BoolArray, FloatArray
from .counts import ContinuityCorrection, CountEffects, person_time, two_by_two

FLAG_SKEWED = rows.FLAG_SKEWED
EXCLUDE_SKEWED = rows.EXCLUDE_SKEWED
SUMMARY_COLUMNS = rows.SUMMARY_COLUMNS
TIME_POINTS = rows.TIME_POINTS
FIRST_ROW = 2


class Design(StrEnum):
    PRE_POST = "within-arm change, before and after"
    CONTINUOUS = "continuous, two groups"
    DICHOTOMOUS = "dichotomous, two groups"
    RATE = "rates, two groups"
    GENERIC = "generic inverse variance"
    PLAIN = "effect sizes and variances"


@dataclass(frozen=True)
class Measure:
    code: str
    name: str
    design: Design
    ratio: bool = False  # pooled on the log scale, shown back on the ratio scale


_MEASURES = (
    Measure("SMCR", "standardised mean change, raw-score standardisation (Becker)", Design.PRE_POST),
    Measure("SMCC", "standardised mean change, change-score standardisation", Design.PRE_POST),
    Measure("MC", "raw mean change", Design.PRE_POST),
    Measure("SMD", "standardised mean difference (Hedges' g)", Design.CONTINUOUS),
    Measure("MD", "mean difference", Design.CONTINUOUS),
    Measure("RR", "log risk ratio", Design.DICHOTOMOUS, ratio=True),
    Measure("OR", "log odds ratio", Design.DICHOTOMOUS, ratio=True),
    Measure("RD", "risk difference", Design.DICHOTOMOUS),
    Measure("IRR", "log incidence rate ratio", Design.RATE, ratio=True),
    Measure("IRD", "incidence rate difference", Design.RATE),
    Measure("GEN", "reported estimates with their SE or CI (generic inverse variance)", Design.GENERIC),
    Measure("PLAIN", "effect sizes as given", Design.PLAIN),
)
MEASURE_INFO = {m.code: m for m in _MEASURES}
MEASURES = tuple(MEASURE_INFO)
MEASURE_NAMES = {m.code: m.name for m in _MEASURES}
PRE_POST_MEASURES = tuple(m.code for m in _MEASURES if m.design is Design.PRE_POST)
COUNT_DESIGNS = (Design.DICHOTOMOUS, Design.RATE)
REQUIRED_COLUMNS = {
    Design.PRE_POST: ("study", "n"),
    Design.CONTINUOUS: ("study", "n1", "n2"),
    Design.DICHOTOMOUS: ("study", "ai", "n1i", "ci", "n2i"),
    Design.RATE: ("study", "x1i", "t1i", "x2i", "t2i"),
    Design.GENERIC: ("study",),
    Design.PLAIN: ("study", "yi", "vi"),
}
OPTIONAL_COLUMNS = {
    Design.PRE_POST: (*rows.time_point_columns(), "r"),
    Design.CONTINUOUS: rows.two_group_columns(),
    Design.GENERIC: rows.GENERIC_COLUMNS,
}


class DataError(ValueError):
    """The table cannot be analysed; ``problems`` lists every one, each naming its row."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class EffectTable:
    """One row per study: study, yi, vi, the design's own columns, converted, skewed, subgroup.

    Count designs keep every study, with yi and vi NaN where a study gives no estimate of its own (a double
    zero left out, or a zero cell without correction): Mantel-Haenszel and Peto still pool its counts."""

    measure: str
    studies: pd.DataFrame
    excluded: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was added to, derived for or dropped from which studies
    ratio: bool = False
    correction: ContinuityCorrection | None = None  # of count designs

    @property
    def yi(self) -> FloatArray:
        return self.studies["yi"].to_numpy(dtype=float)

    @property
    def vi(self) -> FloatArray:
        return self.studies["vi"].to_numpy(dtype=float)

    @property
    def estimable(self) -> BoolArray:
        yi, vi = self.yi, self.vi
        return np.isfinite(yi) & np.isfinite(vi) & (vi > 0)

    @property
    def design(self) -> Design:
        return MEASURE_INFO[self.measure].design


def _numeric(frame: pd.DataFrame, column: str, problems: list[str]) -> pd.Series:
    if column not in frame:
        return pd.Series(np.nan, index=frame.index)
    text = frame[column].astype(str).str.strip()
    given = frame[column].notna() & (text != "")
    values: pd.Series = pd.to_numeric(frame[column].where(given), errors="coerce")
    for index in frame.index[values.isna() & given]:
        problems.append(f"row {index + FIRST_ROW}: {column} is not a number: {frame.at[index, column]!r}")
    return values


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def _row(
    design: Design, measure: str, values: rows.Values, check: rows.RowChecker, *, default_r: float, ratio: bool
) -> rows.Row | None:
    if design is Design.PRE_POST:
        return rows.pre_post_row(measure, values, default_r, check)
    if design is Design.CONTINUOUS:
        return rows.two_group_row(measure, values, check)
    if design is Design.DICHOTOMOUS:
        return rows.two_by_two_row(values, check)
    if design is Design.RATE:
        return rows.person_time_row(values, check)
    if design is Design.GENERIC:
        return rows.generic_row(values, ratio, check)
    return rows.plain_row(values, check)


def _count_effects(measure: str, counts: pd.DataFrame, correction: ContinuityCorrection) -> CountEffects:
    if MEASURE_INFO[measure].design is Design.DICHOTOMOUS:
        return two_by_two(measure, counts.ai, counts.n1i, counts.ci, counts.n2i, correction)
    return person_time(measure, counts.x1i, counts.t1i, counts.x2i, counts.t2i, correction)


def _names(studies: pd.Series, mask: np.ndarray) -> str:
    return ", ".join(studies[mask])


def _count_notes(measure: str, studies: pd.Series, result: CountEffects, correction: ContinuityCorrection) -> list[str]:
    cells = "every cell of the 2×2 table" if MEASURE_INFO[measure].design is Design.DICHOTOMOUS else "both counts"
    notes = []
    if result.corrected.any():
        which = {"all": "every study", "if0all": "every study, as one has a zero"}.get(correction.to, "")
        which = which or "the studies with a zero"
        notes.append(
            f"{correction.add:g} added to {cells} of {which} (escalc {correction.describe()}): "
            f"{_names(studies, result.corrected)}."
        )
    if result.dropped.any():
        notes.append(
            "No events, or only events, in both groups, so no estimate of its own (drop00): "
            f"{_names(studies, result.dropped)}."
        )
    uncorrected = ~result.estimable & ~result.dropped
    if uncorrected.any():
        notes.append(f"A zero count left uncorrected, so no estimate of its own: {_names(studies, uncorrected)}.")
    return notes


def effect_table(
    frame: pd.DataFrame,
    measure: str,
    *,
    default_r: float = effects.DEFAULT_CORRELATION,
    subgroup: str | None = None,
    skewed: str = FLAG_SKEWED,
    correction: ContinuityCorrection | None = None,
    ratio: bool = False,
) -> EffectTable:
    """Validate a table of studies and compute one effect size per row; raise DataError naming every bad row.

    ``correction`` applies to 2×2 and person-time data; ``ratio`` says that a generic (GEN) table's reported
    estimates and CIs are ratios (hazard, odds, risk ratios), analysed as their logarithms."""
    if measure not in MEASURES:
        raise DataError([f"unknown measure {measure!r}: choose one of {', '.join(MEASURES)}"])
    if not -1 < default_r < 1:
        raise DataError([f"the assumed correlation must lie between -1 and 1, got {default_r:g}"])
    design = MEASURE_INFO[measure].design
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    required = list(REQUIRED_COLUMNS[design]) + ([subgroup] if subgroup else [])
    missing = [column for column in required if column not in frame]
    if missing:
        raise DataError([f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}"])
    if frame.empty:
        raise DataError(["the table has no studies"])

    problems: list[str] = []
    numeric_columns = [c for c in REQUIRED_COLUMNS[design] if c != "study"] + list(OPTIONAL_COLUMNS.get(design, ()))
    numbers = pd.DataFrame({column: _numeric(frame, column, problems) for column in numeric_columns})
    if problems:
        raise DataError(problems)

    computed_rows, excluded = [], []
    for index, row_numbers in enumerate(numbers.to_numpy(dtype=float)):
        values = dict(zip(numeric_columns, row_numbers.tolist(), strict=True))
        row = index + FIRST_ROW
        name = frame.at[index, "study"]
        study = "" if _blank(name) else str(name).strip()
        check = rows.RowChecker(row, study, problems)
        if not study:
            check.fail("study name missing")
        group: str | None = None
        if subgroup:
            value = frame.at[index, subgroup]
            group = "" if _blank(value) else str(value).strip()
            if not group:
                check.fail(f"{subgroup} (the subgroup) missing")
        if not check.present(values, *(c for c in REQUIRED_COLUMNS[design] if c != "study")):
            continue
        computed = _row(design, measure, values, check, default_r=default_r, ratio=ratio)
        if computed is None or not check.ok:
            continue
        if computed["skewed"] and skewed == EXCLUDE_SKEWED:
            excluded.append(f"{check.where}: excluded, median too skewed to convert to a mean")
            continue
        computed_rows.append({"study": study, **computed, "subgroup": group})
    if problems:
        raise DataError(problems)
    if not computed_rows:
        raise DataError(["no study is left to analyse", *excluded])
    studies = pd.DataFrame(computed_rows)
    notes = rows.conversion_notes(studies)
    if design in COUNT_DESIGNS:
        correction = correction or ContinuityCorrection()
        result = _count_effects(measure, studies, correction)
        per_study = np.where(result.corrected, f"{correction.add:g} added to each cell", "")
        per_study = np.where(result.dropped, "double zero: no estimate of its own", per_study)
        studies = studies.assign(
            yi=result.yi, vi=result.vi, corrected=result.corrected, dropped=result.dropped, converted=per_study
        )
        notes = _count_notes(measure, studies["study"], result, correction)
    columns = ["study", "yi", "vi", *(c for c in studies.columns if c not in ("study", "yi", "vi", "subgroup"))]
    studies = studies[[*columns, "subgroup"]]
    return EffectTable(
        measure,
        studies,
        excluded,
        notes,
        ratio=MEASURE_INFO[measure].ratio or ratio,
        correction=correction if design in COUNT_DESIGNS else None,
    )


def with_peto_effects(table: EffectTable) -> EffectTable:
    """The same 2×2 tables with Peto's per-study log odds ratios (escalc "PETO"), the ones Peto's method shows."""
    studies = table.studies
    peto = two_by_two("PETO", studies.ai, studies.n1i, studies.ci, studies.n2i, table.correction)
    return replace(table, studies=studies.assign(yi=peto.yi, vi=peto.vi))
