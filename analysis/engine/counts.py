"""Effect sizes from counts, as metafor's ``escalc``: 2×2 tables (RR, OR, RD, Peto's OR) and person-time (IRR, IRD).

Group 1 is the intervention, group 2 the comparator. Ratios are on the log scale.

Zero cells follow escalc's three arguments, kept in :class:`ContinuityCorrection`:
``add`` (default ½) is added to the cells of ``to`` = "only0" the studies with a zero cell (default), "all"
studies, "if0all" every study when any has a zero cell, or "none"; ``drop00`` leaves out the studies with no
events, or only events, in both groups. escalc's own default keeps them; here, as in RevMan, they are left out
of ratios (RR, OR, Peto's OR, IRR), about which they say nothing, and kept for differences (RD, IRD), to which
they add a difference of 0. Each of the three can be set as escalc's argument is.
"""

from dataclasses import dataclass
from typing import Literal

import numpy as np

from .arrays import BoolArray, FloatArray, Numbers, floats

CorrectionTarget = Literal["only0", "all", "if0all", "none"]
CORRECTION_TARGETS: tuple[CorrectionTarget, ...] = ("only0", "all", "if0all", "none")
TWO_BY_TWO_MEASURES = ("RR", "OR", "RD", "PETO")
PERSON_TIME_MEASURES = ("IRR", "IRD")
DIFFERENCES = ("RD", "IRD")  # double-zero studies are informative for these


@dataclass(frozen=True)
class ContinuityCorrection:
    """escalc's ``add``, ``to`` and ``drop00``; ``drop00=None`` drops double-zero studies from ratios only."""

    add: float = 0.5
    to: CorrectionTarget = "only0"
    drop00: bool | None = None

    def __post_init__(self) -> None:
        if self.to not in CORRECTION_TARGETS:
            choices = ", ".join(CORRECTION_TARGETS)
            raise ValueError(f"unknown continuity correction target {self.to!r}: choose {choices}")
        if not (self.add >= 0 and np.isfinite(self.add)):
            raise ValueError(f"the continuity correction must be a number of at least 0, got {self.add!r}")

    def drops_double_zero(self, measure: str) -> bool:
        return measure not in DIFFERENCES if self.drop00 is None else self.drop00

    def describe(self) -> str:
        return f'add={self.add:g}, to="{self.to}"'


@dataclass(frozen=True)
class CountEffects:
    """Per-study effects; yi and vi are NaN where a study gives no estimate (dropped, or a zero left uncorrected)."""

    yi: FloatArray
    vi: FloatArray
    corrected: BoolArray  # add was added to this study's cells
    dropped: BoolArray  # a double-zero study left out by drop00

    @property
    def estimable(self) -> BoolArray:
        return np.isfinite(self.yi) & np.isfinite(self.vi) & (self.vi > 0)


def _corrected_studies(correction: ContinuityCorrection, has_zero: BoolArray, kept: BoolArray) -> BoolArray:
    if correction.add == 0 or correction.to == "none":
        return np.zeros_like(kept)
    if correction.to == "all":
        return kept.copy()
    if correction.to == "if0all":
        return kept & bool(np.any(has_zero & kept))
    return has_zero & kept


def two_by_two(
    measure: str, ai: Numbers, n1i: Numbers, ci: Numbers, n2i: Numbers, correction: ContinuityCorrection | None = None
) -> CountEffects:
    """escalc for measure RR, OR, RD or PETO from events and totals per group (RD with its default vtype "LS")."""
    if measure not in TWO_BY_TWO_MEASURES:
        raise ValueError(f"unknown measure {measure!r} for 2×2 tables: choose {', '.join(TWO_BY_TWO_MEASURES)}")
    correction = correction or ContinuityCorrection()
    a, c = floats(ai), floats(ci)
    b, d = floats(n1i) - a, floats(n2i) - c
    double_zero = ((a == 0) & (c == 0)) | ((b == 0) & (d == 0))
    dropped = double_zero if correction.drops_double_zero(measure) else np.zeros_like(double_zero)
    has_zero = (a == 0) | (b == 0) | (c == 0) | (d == 0)
    corrected = _corrected_studies(correction, has_zero, ~dropped)
    extra = np.where(corrected, correction.add, 0.0)
    a, b, c, d = a + extra, b + extra, c + extra, d + extra
    n1, n2 = a + b, c + d
    p1, p2 = a / n1, c / n2
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "RR":
            yi, vi = np.log(p1) - np.log(p2), 1 / a - 1 / n1 + 1 / c - 1 / n2
        elif measure == "OR":
            yi, vi = np.log(p1 / (1 - p1)) - np.log(p2 / (1 - p2)), 1 / a + 1 / b + 1 / c + 1 / d
        elif measure == "RD":
            yi, vi = p1 - p2, p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2
        else:
            n = n1 + n2
            expected = (a + c) * n1 / n
            hypergeometric = (a + c) * (b + d) * (n1 / n) * (n2 / n) / (n - 1)
            yi, vi = (a - expected) / hypergeometric, 1 / hypergeometric
    return _effects(yi, vi, corrected, dropped)


def _effects(yi: FloatArray, vi: FloatArray, corrected: BoolArray, dropped: BoolArray) -> CountEffects:
    """NaN for the dropped studies and, as escalc recodes them, for infinite effects of uncorrected zeros."""
    missing = dropped | ~np.isfinite(yi) | ~np.isfinite(vi)
    return CountEffects(np.where(missing, np.nan, yi), np.where(missing, np.nan, vi), corrected, dropped)


def person_time(
    measure: str, x1i: Numbers, t1i: Numbers, x2i: Numbers, t2i: Numbers, correction: ContinuityCorrection | None = None
) -> CountEffects:
    """escalc for measure IRR or IRD from events and person-time per group."""
    if measure not in PERSON_TIME_MEASURES:
        raise ValueError(f"unknown measure {measure!r} for person-time: choose {', '.join(PERSON_TIME_MEASURES)}")
    correction = correction or ContinuityCorrection()
    x1, x2, t1, t2 = floats(x1i), floats(x2i), floats(t1i), floats(t2i)
    double_zero = (x1 == 0) & (x2 == 0)
    dropped = double_zero if correction.drops_double_zero(measure) else np.zeros_like(double_zero)
    corrected = _corrected_studies(correction, (x1 == 0) | (x2 == 0), ~dropped)
    extra = np.where(corrected, correction.add, 0.0)
    x1, x2 = x1 + extra, x2 + extra
    with np.errstate(divide="ignore", invalid="ignore"):
        if measure == "IRR":
            yi, vi = np.log(x1 / t1) - np.log(x2 / t2), 1 / x1 + 1 / x2
        else:
            yi, vi = x1 / t1 - x2 / t2, x1 / t1**2 + x2 / t2**2
    return _effects(yi, vi, corrected, dropped)
