"""Pooling methods as objects that pool any subset of one table's studies.

Inverse variance (every τ² estimator of :mod:`analysis.engine.fitting`, or a common effect) pools the studies'
own effects; Mantel-Haenszel and Peto pool their counts. Subgroups and leave-one-out ask a pooler for subsets,
so they work the same whatever the method.
"""

from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np

from .arrays import BoolArray, FloatArray
from .dataset import COUNT_DESIGNS, Design, EffectTable
from .fitting import COMMON_EFFECT, METHODS, ModelError
from .mantel_haenszel import (
    MANTEL_HAENSZEL,
    MH_MEASURES,
    PETO,
    VARIANCE_NAMES,
    mantel_haenszel_2x2,
    mantel_haenszel_rates,
    peto,
)
from .pooling import PooledEffect, pool

ALL_METHODS = (*METHODS, MANTEL_HAENSZEL, PETO)


class Pooler(Protocol):
    @property
    def method(self) -> str: ...

    @property
    def contributing(self) -> BoolArray:
        """The studies whose omission can change the result."""
        ...

    @property
    def inverse_variance_method(self) -> str:
        """The inverse-variance model for the small-study tests, which need each study's own effect."""
        ...

    def __call__(self, mask: BoolArray) -> PooledEffect:
        """Pool the studies selected by mask; the weights are those of every selected study (0 if left out)."""
        ...


@dataclass(frozen=True)
class InverseVariance:
    yi: FloatArray
    vi: FloatArray
    method: str
    knha: bool

    @property
    def contributing(self) -> BoolArray:
        return np.isfinite(self.yi) & np.isfinite(self.vi) & (self.vi > 0)

    @property
    def inverse_variance_method(self) -> str:
        return self.method

    def __call__(self, mask: BoolArray) -> PooledEffect:
        used = mask & self.contributing
        if not used.any():
            raise ModelError("no study has an estimate of its own to pool")
        # Hartung-Knapp needs two studies; a subgroup or omission with one is pooled without it.
        result = pool(self.yi[used], self.vi[used], method=self.method, knha=self.knha and used.sum() > 1)
        if used[mask].all():
            return result
        weights = np.zeros(int(mask.sum()))
        weights[used[mask]] = result.weights
        return replace(result, weights=tuple(float(w) for w in weights))


@dataclass(frozen=True)
class CountPooler:
    """Mantel-Haenszel (RR, OR, RD, IRR, IRD) or Peto (OR) on a table's counts."""

    table: EffectTable
    method: str

    @property
    def contributing(self) -> BoolArray:
        return np.ones(len(self.table.studies), dtype=bool)

    @property
    def inverse_variance_method(self) -> str:
        return COMMON_EFFECT

    def __call__(self, mask: BoolArray) -> PooledEffect:
        studies = self.table.studies[mask]
        yi, vi = studies["yi"].to_numpy(dtype=float), studies["vi"].to_numpy(dtype=float)
        measure = self.table.measure
        if self.method == PETO:
            return peto(studies.ai, studies.n1i, studies.ci, studies.n2i, yi)
        if self.table.design is Design.DICHOTOMOUS:
            return mantel_haenszel_2x2(measure, studies.ai, studies.n1i, studies.ci, studies.n2i, yi, vi)
        return mantel_haenszel_rates(measure, studies.x1i, studies.t1i, studies.x2i, studies.t2i, yi, vi)


def pooler(table: EffectTable, method: str, knha: bool = False) -> Pooler:
    """The pooler for a table and method; ModelError if the method does not fit the table's measure."""
    if method in METHODS:
        return InverseVariance(table.yi, table.vi, method, knha)
    if method not in ALL_METHODS:
        raise ModelError(f"unknown method {method!r}: choose one of {', '.join(ALL_METHODS)}")
    if knha:
        raise ModelError("Hartung-Knapp applies to inverse-variance random effects, not to Mantel-Haenszel or Peto")
    if method == PETO and table.measure != "OR":
        raise ModelError(f"Peto's method pools odds ratios: use measure OR, not {table.measure}")
    if method == MANTEL_HAENSZEL and (table.design not in COUNT_DESIGNS or table.measure not in MH_MEASURES):
        raise ModelError(f"Mantel-Haenszel pools counts: use measure {', '.join(MH_MEASURES)}, not {table.measure}")
    return CountPooler(table, method)


def method_sentence(table: EffectTable, method: str) -> str:
    """What the pooled estimate is made of, for the method note."""
    if method == PETO:
        return "Peto odds ratio: Σ(O − E)/ΣV over the counts as reported (rma.peto)."
    if method == MANTEL_HAENSZEL:
        return (
            f"Mantel-Haenszel {table.measure} with the {VARIANCE_NAMES[table.measure]}, over the counts as "
            "reported, every study included (rma.mh); the per-study estimates serve the forest plot and "
            "the test of heterogeneity only."
        )
    return ""
