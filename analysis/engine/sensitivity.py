"""Sensitivity analyses: leave-one-out and a sweep over the assumed pre-post correlation."""

from dataclasses import dataclass

import numpy as np

from .dataset import effect_table
from .pooling import PooledEffect, pool


@dataclass(frozen=True)
class Omission:
    omitted: str
    result: PooledEffect


def leave_one_out(yi, vi, labels, *, method="REML", knha=False):
    """Refit the same model k times, each time without one study."""
    yi, vi = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    keep = np.ones(len(yi), dtype=bool)
    omissions = []
    for index, label in enumerate(labels):
        keep[index] = False
        omissions.append(Omission(str(label), pool(yi[keep], vi[keep], method=method, knha=knha)))
        keep[index] = True
    return omissions


@dataclass(frozen=True)
class CorrelationScenario:
    assumed_r: float
    result: PooledEffect


def correlation_sweep(frame, measure, correlations=(0.3, 0.5, 0.7, 0.9), *, method="REML", knha=False, **options):
    """Pool again for each assumed pre-post correlation; studies reporting their own r keep it."""
    scenarios = []
    for r in correlations:
        table = effect_table(frame, measure, default_r=r, **options)
        scenarios.append(CorrelationScenario(r, pool(table.yi, table.vi, method=method, knha=knha)))
    return scenarios
