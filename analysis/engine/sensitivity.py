"""Sensitivity analyses: leave-one-out and a sweep over the assumed pre-post correlation."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .arrays import BoolArray
from .dataset import FLAG_SKEWED, effect_table
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
        label = str(labels[int(index)])
        try:
            omissions.append(Omission(label, pool_studies(keep)))
        except ModelError as error:
            omissions.append(Omission(label, None, str(error)))
        keep[index] = True
    return omissions


@dataclass(frozen=True)
class CorrelationScenario:
    assumed_r: float
    result: PooledEffect


def correlation_sweep(
    frame: pd.DataFrame,
    measure: str,
    correlations: Sequence[float] = (0.3, 0.5, 0.7, 0.9),
    *,
    method: str = "REML",
    knha: bool = False,
    subgroup: str | None = None,
    skewed: str = FLAG_SKEWED,
) -> list[CorrelationScenario]:
    """Pool again for each assumed pre-post correlation; studies reporting their own r keep it."""
    scenarios = []
    for r in correlations:
        table = effect_table(frame, measure, default_r=r, subgroup=subgroup, skewed=skewed)
        scenarios.append(CorrelationScenario(r, pool(table.yi, table.vi, method=method, knha=knha)))
    return scenarios
