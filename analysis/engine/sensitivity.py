"""Sensitivity analyses: leave-one-out and a sweep over the assumed pre-post correlation."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .arrays import BoolArray
from .dataset import effect_table
from .fitting import ModelError
from .methods import Pooler
from .pooling import PooledEffect, pool


@dataclass(frozen=True)
class Omission:
    omitted: str
    result: PooledEffect | None  # None where the rest cannot be pooled (e.g. no events left in one group)
    problem: str = ""


def leave_one_out(pool_studies: Pooler, labels: Sequence[str]) -> list[Omission]:
    """Refit the same model once without each study that contributes to it."""
    keep: BoolArray = np.ones(len(labels), dtype=bool)
    omissions = []
    for index in np.flatnonzero(pool_studies.contributing):
        keep[index] = False
        try:
            omissions.append(Omission(str(labels[index]), pool_studies(keep)))
        except ModelError as error:
            omissions.append(Omission(str(labels[index]), None, str(error)))
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
