"""Describing pooled groups of patients: no Django, plain numbers."""

import math
from collections.abc import Sequence


def combined_mean_sd(
    ns: Sequence[float | None], means: Sequence[float | None], sds: Sequence[float | None]
) -> tuple[float | None, float | None]:
    """Mean and SD of several groups taken as one (Cochrane Handbook 6.5.2.10, applied group by group).

    Groups missing a mean are left out; a group with a mean but no SD adds to the mean only, and then the SD
    is None because it cannot be known."""
    groups = [(n, m, s) for n, m, s in zip(ns, means, sds, strict=True) if n and m is not None and not _nan(m)]
    if not groups:
        return None, None
    total = sum(n for n, _, _ in groups)
    mean = sum(n * m for n, m, _ in groups) / total
    spreads = [(n, s) for n, _, s in groups if s is not None and not _nan(s)]
    if len(spreads) < len(groups) or total < 2:
        return mean, None
    within = sum((n - 1) * s**2 for n, s in spreads)
    between = sum(n * (m - mean) ** 2 for n, m, _ in groups)
    return mean, math.sqrt((within + between) / (total - 1))


def _nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)
