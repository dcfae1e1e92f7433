"""One study's row of a table, design by design: checks that name the row, conversions noted on it.

Each ``*_row`` function takes the row's numbers (NaN where empty) and returns the columns of the study's line
in the effect table, or None after telling the checker what is wrong. Count designs return the counts only;
their effect sizes are computed for all studies at once, because a continuity correction can depend on the
whole table (see :func:`analysis.engine.counts.two_by_two`).
"""

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import conversions, effects
from .conversions import median_to_mean_sd

FLAG_SKEWED = "flag"
EXCLUDE_SKEWED = "exclude"
TIME_POINTS = ("pre", "post")
SUMMARY_COLUMNS = ("mean", "sd", "median", "q1", "q3", "min", "max")
# Two groups: each of these per group (mean1, sd1, se1, ci_lower1, …, q1_1, q3_1, min1, max1) ...
GROUP_SUMMARIES = ("mean", "sd", "se", "ci_lower", "ci_upper", "median", "q1", "q3", "min", "max")
# ... or, for the difference between the groups, its SE, its 95% CI, the t statistic or the two-sided p-value.
DIFFERENCE_COLUMNS = ("md_se", "md_ci_lower", "md_ci_upper", "t", "p")
GENERIC_COLUMNS = ("yi", "sei", "estimate", "ci_lower", "ci_upper")
Row = dict[str, Any]
Values = Mapping[str, float]  # one row's numbers by column, NaN where empty


def time_point_columns() -> tuple[str, ...]:
    return tuple(f"{name}_{when}" for when in TIME_POINTS for name in SUMMARY_COLUMNS)


def group_column(summary: str, group: int) -> str:
    """mean1, sd2, ci_lower1, …; q1_1 and q3_2 keep their quartile number apart from the group's."""
    return f"{summary}_{group}" if summary[-1].isdigit() else f"{summary}{group}"


def two_group_columns() -> tuple[str, ...]:
    return (*(group_column(s, g) for g in (1, 2) for s in GROUP_SUMMARIES), *DIFFERENCE_COLUMNS)


def missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


class RowChecker:
    """Collects one row's problems, each prefixed with the row and the study."""

    def __init__(self, row: int, study: str, problems: list[str]) -> None:
        self.where = f"row {row} (study {study!r})"
        self.problems = problems
        self.ok = True

    def fail(self, message: str) -> None:
        self.problems.append(f"{self.where}: {message}")
        self.ok = False

    def present(self, values: Values, *names: str) -> bool:
        absent = [name for name in names if missing(values[name])]
        if absent:
            self.fail(f"{', '.join(absent)} missing")
        return not absent

    def at_least(self, values: Values, name: str, minimum: float) -> None:
        if not missing(values[name]) and values[name] < minimum:
            self.fail(f"{name} must be at least {minimum}, got {values[name]:g}")

    def positive(self, values: Values, name: str) -> None:
        if not missing(values[name]) and values[name] <= 0:
            self.fail(f"{name} must be greater than 0, got {values[name]:g}")


@dataclass(frozen=True)
class Summary:
    mean: float
    sd: float
    note: str | None  # how the mean and SD were derived, when not reported as such
    skewed: bool


def _value(values: Values, name: str) -> float | None:
    value = values.get(name)
    return None if value is None or math.isnan(value) else float(value)


def _reported(values: Values, column: Callable[[str], str]) -> bool:
    """Whether the row gives a group's mean with a spread (SD, SE or 95% CI), or a median to convert."""
    has = {name: _value(values, column(name)) is not None for name in GROUP_SUMMARIES}
    spread = has["sd"] or has["se"] or (has["ci_lower"] and has["ci_upper"])
    return (has["mean"] and spread) or has["median"]


def _summary(values: Values, column: Callable[[str], str], n: float, check: RowChecker) -> Summary | None:
    """Mean and SD as reported, or from the SE or 95% CI of the mean, or from a median (flagged).

    Call only where :func:`_reported`; None after telling the checker what is wrong."""
    mean, sd, se = (_value(values, column(name)) for name in ("mean", "sd", "se"))
    lower, upper = _value(values, column("ci_lower")), _value(values, column("ci_upper"))
    if mean is not None and sd is not None:
        if sd < 0:
            check.fail(f"{column('sd')} must not be negative, got {sd:g}")
            return None
        return Summary(mean, sd, None, False)
    if mean is not None and se is not None:
        if se < 0:
            check.fail(f"{column('se')} must not be negative, got {se:g}")
            return None
        return Summary(mean, conversions.sd_from_se(se, n), "SD from SE", False)
    if mean is not None and lower is not None and upper is not None:
        if not lower <= mean <= upper:
            check.fail(f"{column('mean')} {mean:g} lies outside its 95% CI {lower:g} to {upper:g}")
            return None
        sd, how = conversions.sd_from_ci(lower, upper, n)
        return Summary(mean, sd, how, False)
    median = _value(values, column("median"))
    assert median is not None, "_summary called without a reported mean or median"
    try:
        conversion = median_to_mean_sd(
            n,
            median,
            q1=_value(values, column("q1")),
            q3=_value(values, column("q3")),
            minimum=_value(values, column("min")),
            maximum=_value(values, column("max")),
        )
    except ValueError as exc:
        check.fail(f"cannot convert the {column('median')}: {exc}")
        return None
    return Summary(conversion.mean, conversion.sd, f"mean and SD from {conversion.reported}", conversion.skewed)


def _time_point(values: Values, when: str, n: float, check: RowChecker) -> Summary | None:
    column = f"{{}}_{when}".format
    if not _reported(values, column):
        check.fail(f"mean_{when} and sd_{when} missing (and no median_{when} to convert)")
        return None
    return _summary(values, column, n, check)


def pre_post_row(measure: str, values: Values, default_r: float, check: RowChecker) -> Row | None:
    n = values["n"]
    check.at_least(values, "n", 2)
    r = values["r"]
    r_assumed = missing(r)
    if r_assumed:
        r = default_r
    elif not -1 < r < 1:
        check.fail(f"r must lie between -1 and 1, got {r:g}")
    pre = _time_point(values, "pre", n, check)
    post = _time_point(values, "post", n, check)
    if pre is None or post is None or not check.ok:
        return None
    if measure == "SMCR":
        if pre.sd <= 0:
            check.fail(f"sd_pre must be greater than 0 to standardise the change, got {pre.sd:g}")
            return None
        result = effects.standardised_mean_change_raw(n, pre.mean, pre.sd, post.mean, r)
    else:
        if effects.change_score_sd(pre.sd, post.sd, r) <= 0:
            check.fail("the SD of the change is 0: sd_pre and sd_post cannot both be 0")
            return None
        compute = effects.standardised_mean_change_change if measure == "SMCC" else effects.mean_change
        result = compute(n, pre.mean, pre.sd, post.mean, post.sd, r)
    converted = "; ".join(f"{when}: {s.note}" for when, s in (("pre", pre), ("post", post)) if s.note)
    return {
        "yi": float(result.yi),
        "vi": float(result.vi),
        "r": r,
        "r_assumed": r_assumed,
        "converted": converted,
        "skewed": pre.skewed or post.skewed,
    }


def _common_sd(values: Values, difference: float, n1: float, n2: float, check: RowChecker) -> Summary | None:
    """The SD both groups share, from what is reported about their difference (Handbook 6.5.2.3); None if nothing."""
    se, lower, upper = _value(values, "md_se"), _value(values, "md_ci_lower"), _value(values, "md_ci_upper")
    t, p = _value(values, "t"), _value(values, "p")
    if se is not None:
        note = "SD common to both groups from the SE of the difference"
    elif lower is not None and upper is not None:
        if not lower < upper:
            check.fail(f"md_ci_lower must be below md_ci_upper, got {lower:g} and {upper:g}")
            return None
        se, note = conversions.difference_se_from_ci(lower, upper, n1, n2)
    elif t is not None or p is not None:
        if difference == 0:
            check.fail("mean1 equals mean2, so t or p says nothing about the SD")
            return None
        if t is not None:
            if t == 0:
                check.fail("t must not be 0")
                return None
            se, note = conversions.difference_se_from_t(difference, t), "SD common to both groups from t"
        else:
            assert p is not None
            if not 0 < p < 1:
                check.fail(f"p must lie between 0 and 1, got {p:g}")
                return None
            t_value = conversions.t_from_p(p, n1, n2)
            se = conversions.difference_se_from_t(difference, t_value)
            note = f"SD common to both groups from p (t = {t_value:.4g} on {n1 + n2 - 2:g} df)"
    else:
        return None
    if se <= 0:
        check.fail(f"the SE of the difference must be greater than 0, got {se:g}")
        return None
    return Summary(math.nan, conversions.common_sd(se, n1, n2), note, False)  # the caller knows the means


def _group_summaries(values: Values, n1: float, n2: float, check: RowChecker) -> tuple[Summary, Summary] | None:
    """Each group's mean and SD, from its own numbers or, when neither group has a spread, from the difference."""
    columns = [lambda name, g=g: group_column(name, g) for g in (1, 2)]
    reported = [_reported(values, column) for column in columns]
    if all(reported):
        first, second = (_summary(values, column, n, check) for column, n in zip(columns, (n1, n2), strict=True))
        return (first, second) if first is not None and second is not None else None
    mean1, mean2 = _value(values, "mean1"), _value(values, "mean2")
    if not any(reported) and mean1 is not None and mean2 is not None:
        common = _common_sd(values, mean1 - mean2, n1, n2, check)
        if common is not None:
            return Summary(mean1, common.sd, common.note, False), Summary(mean2, common.sd, None, False)
        if not check.ok:
            return None
    for group in (g for g, ok in zip((1, 2), reported, strict=True) if not ok):
        check.fail(
            f"group {group} needs mean{group} with sd{group}, se{group} or ci_lower{group} and ci_upper{group}, "
            f"or median{group} with its quartiles or range (or, for both groups, their means with md_se, "
            "md_ci_lower and md_ci_upper, t or p)"
        )
    return None


def two_group_row(measure: str, values: Values, check: RowChecker) -> Row | None:
    for name in ("n1", "n2"):
        check.at_least(values, name, 2)
    if not check.ok:
        return None
    n1, n2 = values["n1"], values["n2"]
    groups = _group_summaries(values, n1, n2, check)
    if groups is None:
        return None
    first, second = groups
    if first.sd == 0 and second.sd == 0:
        check.fail("sd1 and sd2 are both 0")
        return None
    compute = effects.standardised_mean_difference if measure == "SMD" else effects.mean_difference
    result = compute(n1, first.mean, first.sd, n2, second.mean, second.sd)
    notes = "; ".join(f"group {g}: {s.note}" for g, s in ((1, first), (2, second)) if s.note)
    return {
        "yi": float(result.yi),
        "vi": float(result.vi),
        "n1": n1,
        "mean1": first.mean,
        "sd1": first.sd,
        "n2": n2,
        "mean2": second.mean,
        "sd2": second.sd,
        "converted": notes,
        "skewed": first.skewed or second.skewed,
    }


def two_by_two_row(values: Values, check: RowChecker) -> Row | None:
    for events, total in (("ai", "n1i"), ("ci", "n2i")):
        check.at_least(values, events, 0)
        check.positive(values, total)
        if values[events] > values[total]:
            check.fail(f"{events} ({values[events]:g} events) is more than {total} ({values[total]:g} patients)")
    if not check.ok:
        return None
    return {name: float(values[name]) for name in ("ai", "n1i", "ci", "n2i")} | {"converted": "", "skewed": False}


def person_time_row(values: Values, check: RowChecker) -> Row | None:
    for name in ("x1i", "x2i"):
        check.at_least(values, name, 0)
    for name in ("t1i", "t2i"):
        check.positive(values, name)
    if not check.ok:
        return None
    return {name: float(values[name]) for name in ("x1i", "t1i", "x2i", "t2i")} | {"converted": "", "skewed": False}


def generic_row(values: Values, ratio: bool, check: RowChecker) -> Row | None:
    """yi with sei on the analysis scale, or an estimate with its 95% CI as reported (metafor 4's conv.wald)."""
    yi, sei = _value(values, "yi"), _value(values, "sei")
    estimate, lower, upper = _value(values, "estimate"), _value(values, "ci_lower"), _value(values, "ci_upper")
    if yi is not None and sei is not None:
        check.positive(values, "sei")
        return {"yi": yi, "vi": sei**2, "sei": sei, "converted": "", "skewed": False} if check.ok else None
    if estimate is None or lower is None or upper is None:
        check.fail("give yi with sei, or estimate with ci_lower and ci_upper")
        return None
    if not lower <= estimate <= upper or lower == upper:
        check.fail(f"estimate {estimate:g} must lie within a 95% CI of some width, got {lower:g} to {upper:g}")
        return None
    if ratio:
        if lower <= 0:
            check.fail(f"a ratio and its CI must be greater than 0, got {lower:g}")
            return None
        estimate, lower, upper = math.log(estimate), math.log(lower), math.log(upper)
    sei = (upper - lower) / (2 * conversions.Z_975)
    note = "SE from the 95% CI" + (" of the log ratio" if ratio else "")
    return {"yi": estimate, "vi": sei**2, "sei": sei, "converted": note, "skewed": False}


def plain_row(values: Values, check: RowChecker) -> Row | None:
    check.positive(values, "vi")
    if not check.ok:
        return None
    return {"yi": values["yi"], "vi": values["vi"], "r": None, "r_assumed": False, "converted": "", "skewed": False}


def conversion_notes(studies: pd.DataFrame) -> list[str]:
    """One line naming the studies whose numbers were derived rather than reported, with how."""
    derived = studies[studies["converted"] != ""]
    if derived.empty:
        return []
    listed = "; ".join(f"{row.study} ({row.converted})" for row in derived.itertuples())
    return [f"Derived rather than reported (Cochrane Handbook 6.5.2): {listed}."]
