"""From a table of study summaries to effect sizes, with every problem named by its row.

Rows are numbered as a spreadsheet shows them: the header is row 1, the first
study row 2.  Pre-post measures accept, for each time point, either a mean and
SD or a median with its quartiles and/or range, which is converted (and flagged).
"""

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import effects
from .conversions import median_to_mean_sd

PRE_POST_MEASURES = ("SMCR", "SMCC", "MC")
TWO_GROUP_MEASURES = ("SMD", "MD")
MEASURES = (*PRE_POST_MEASURES, *TWO_GROUP_MEASURES, "IRR", "PLAIN")
MEASURE_NAMES = {
    "SMCR": "standardised mean change, raw-score standardisation (Becker)",
    "SMCC": "standardised mean change, change-score standardisation",
    "MC": "raw mean change",
    "SMD": "standardised mean difference (Hedges' g)",
    "MD": "mean difference",
    "IRR": "log incidence rate ratio",
    "PLAIN": "effect sizes as given",
}
REQUIRED_COLUMNS = {
    "SMCR": ("study", "n"),
    "SMCC": ("study", "n"),
    "MC": ("study", "n"),
    "SMD": ("study", "n1", "mean1", "sd1", "n2", "mean2", "sd2"),
    "MD": ("study", "n1", "mean1", "sd1", "n2", "mean2", "sd2"),
    "IRR": ("study", "events1", "time1", "events2", "time2"),
    "PLAIN": ("study", "yi", "vi"),
}
TIME_POINTS = ("pre", "post")
SUMMARY_COLUMNS = ("mean", "sd", "median", "q1", "q3", "min", "max")
FLAG_SKEWED = "flag"
EXCLUDE_SKEWED = "exclude"
FIRST_ROW = 2


class DataError(ValueError):
    """The table cannot be analysed; ``problems`` lists every one, each naming its row."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass
class EffectTable:
    measure: str
    studies: pd.DataFrame  # study, yi, vi, r, r_assumed, converted, skewed, subgroup
    excluded: list[str] = field(default_factory=list)

    @property
    def yi(self):
        return self.studies["yi"].to_numpy(dtype=float)

    @property
    def vi(self):
        return self.studies["vi"].to_numpy(dtype=float)


def _numeric(frame, column, problems):
    if column not in frame:
        return pd.Series(np.nan, index=frame.index)
    values = pd.to_numeric(frame[column].replace(r"^\s*$", np.nan, regex=True), errors="coerce")
    for index in frame.index[values.isna() & frame[column].notna() & (frame[column].astype(str).str.strip() != "")]:
        problems.append(f"row {index + FIRST_ROW}: {column} is not a number: {frame.at[index, column]!r}")
    return values


def _time_point_columns(measure):
    if measure not in PRE_POST_MEASURES:
        return ()
    return tuple(f"{name}_{when}" for when in TIME_POINTS for name in SUMMARY_COLUMNS)


def _row_label(row, study):
    return f"row {row} (study {study!r})"


class _RowChecker:
    def __init__(self, row, study, problems):
        self.where = _row_label(row, study)
        self.problems = problems
        self.ok = True

    def fail(self, message):
        self.problems.append(f"{self.where}: {message}")
        self.ok = False

    def present(self, values, *names):
        missing = [name for name in names if _missing(values[name])]
        if missing:
            self.fail(f"{', '.join(missing)} missing")
        return not missing

    def at_least(self, values, name, minimum):
        if not _missing(values[name]) and values[name] < minimum:
            self.fail(f"{name} must be at least {minimum}, got {values[name]:g}")

    def positive(self, values, name):
        if not _missing(values[name]) and values[name] <= 0:
            self.fail(f"{name} must be greater than 0, got {values[name]:g}")


def _missing(value):
    return value is None or (isinstance(value, float) and math.isnan(value))


def _mean_and_sd(values, when, n, check):
    """(mean, sd, conversion label or None, skewed) for one time point, or None after reporting a problem."""
    mean, sd = values[f"mean_{when}"], values[f"sd_{when}"]
    if not _missing(mean) and not _missing(sd):
        if sd < 0:
            check.fail(f"sd_{when} must not be negative, got {sd:g}")
            return None
        return mean, sd, None, False
    median = values[f"median_{when}"]
    if _missing(median):
        check.fail(f"mean_{when} and sd_{when} missing (and no median_{when} to convert)")
        return None
    quartiles = {name: values[f"{name}_{when}"] for name in ("q1", "q3", "min", "max")}
    try:
        conversion = median_to_mean_sd(
            n,
            median,
            q1=None if _missing(quartiles["q1"]) else quartiles["q1"],
            q3=None if _missing(quartiles["q3"]) else quartiles["q3"],
            minimum=None if _missing(quartiles["min"]) else quartiles["min"],
            maximum=None if _missing(quartiles["max"]) else quartiles["max"],
        )
    except ValueError as exc:
        check.fail(f"cannot convert the {when} median: {exc}")
        return None
    return conversion.mean, conversion.sd, f"{when}: mean and SD from {conversion.reported}", conversion.skewed


def _pre_post_row(measure, values, default_r, check):
    n = values["n"]
    check.at_least(values, "n", 2)
    r = values["r"]
    r_assumed = _missing(r)
    if r_assumed:
        r = default_r
    elif not -1 < r < 1:
        check.fail(f"r must lie between -1 and 1, got {r:g}")
    pre = _mean_and_sd(values, "pre", n, check)
    post = _mean_and_sd(values, "post", n, check)
    if pre is None or post is None or not check.ok:
        return None
    (mean_pre, sd_pre, converted_pre, skewed_pre), (mean_post, sd_post, converted_post, skewed_post) = pre, post
    if measure == "SMCR":
        if sd_pre <= 0:
            check.fail(f"sd_pre must be greater than 0 to standardise the change, got {sd_pre:g}")
            return None
        result = effects.standardised_mean_change_raw(n, mean_pre, sd_pre, mean_post, r)
    else:
        if effects.change_score_sd(sd_pre, sd_post, r) <= 0:
            check.fail("the SD of the change is 0: sd_pre and sd_post cannot both be 0")
            return None
        compute = effects.standardised_mean_change_change if measure == "SMCC" else effects.mean_change
        result = compute(n, mean_pre, sd_pre, mean_post, sd_post, r)
    converted = "; ".join(label for label in (converted_pre, converted_post) if label)
    return float(result.yi), float(result.vi), r, r_assumed, converted, skewed_pre or skewed_post


def _two_group_row(measure, values, check):
    for name in ("n1", "n2"):
        check.at_least(values, name, 2)
    for name in ("sd1", "sd2"):
        if values[name] < 0:
            check.fail(f"{name} must not be negative, got {values[name]:g}")
    if not check.ok:
        return None
    args = [values[name] for name in ("n1", "mean1", "sd1", "n2", "mean2", "sd2")]
    if values["sd1"] == 0 and values["sd2"] == 0:
        check.fail("sd1 and sd2 are both 0")
        return None
    compute = effects.standardised_mean_difference if measure == "SMD" else effects.mean_difference
    result = compute(*args)
    return float(result.yi), float(result.vi), None, False, "", False


def _rate_row(values, check):
    for name in ("events1", "events2"):
        check.at_least(values, name, 0)
    for name in ("time1", "time2"):
        check.positive(values, name)
    if not check.ok:
        return None
    result = effects.log_rate_ratio(values["events1"], values["time1"], values["events2"], values["time2"])
    return float(result.yi), float(result.vi), None, False, "", False


def _plain_row(values, check):
    check.positive(values, "vi")
    if not check.ok:
        return None
    return values["yi"], values["vi"], None, False, "", False


def effect_table(frame, measure, *, default_r=effects.DEFAULT_CORRELATION, subgroup=None, skewed=FLAG_SKEWED):
    """Validate a table of studies and compute one effect size per row; raise DataError naming every bad row."""
    if measure not in MEASURES:
        raise DataError([f"unknown measure {measure!r}: choose one of {', '.join(MEASURES)}"])
    if not -1 < default_r < 1:
        raise DataError([f"the assumed correlation must lie between -1 and 1, got {default_r:g}"])
    frame = frame.reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    required = list(REQUIRED_COLUMNS[measure]) + ([subgroup] if subgroup else [])
    missing = [column for column in required if column not in frame]
    if missing:
        raise DataError([f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}"])
    if frame.empty:
        raise DataError(["the table has no studies"])

    problems = []
    numeric_columns = [c for c in REQUIRED_COLUMNS[measure] if c != "study"]
    numeric_columns += list(_time_point_columns(measure)) + (["r"] if measure in PRE_POST_MEASURES else [])
    numbers = pd.DataFrame({column: _numeric(frame, column, problems) for column in numeric_columns})
    if problems:
        raise DataError(problems)

    rows, excluded = [], []
    for index, values in numbers.iterrows():
        row = index + FIRST_ROW
        study = str(frame.at[index, "study"]).strip() if not pd.isna(frame.at[index, "study"]) else ""
        check = _RowChecker(row, study, problems)
        if not study:
            check.fail("study name missing")
        group = None
        if subgroup:
            group = frame.at[index, subgroup]
            if pd.isna(group) or not str(group).strip():
                check.fail(f"{subgroup} (the subgroup) missing")
            group = str(group).strip()
        if not check.present(values, *(c for c in REQUIRED_COLUMNS[measure] if c != "study")):
            continue
        if measure in PRE_POST_MEASURES:
            computed = _pre_post_row(measure, values, default_r, check)
        elif measure in TWO_GROUP_MEASURES:
            computed = _two_group_row(measure, values, check)
        elif measure == "IRR":
            computed = _rate_row(values, check)
        else:
            computed = _plain_row(values, check)
        if computed is None or not check.ok:
            continue
        if computed[5] and skewed == EXCLUDE_SKEWED:
            excluded.append(f"{_row_label(row, study)}: excluded, median too skewed to convert to a mean")
            continue
        rows.append((study, *computed, group))
    if problems:
        raise DataError(problems)
    if not rows:
        raise DataError(["no study is left to analyse", *excluded])
    studies = pd.DataFrame(rows, columns=["study", "yi", "vi", "r", "r_assumed", "converted", "skewed", "subgroup"])
    return EffectTable(measure, studies, excluded)
