"""Describing pooled groups of patients: no Django, plain numbers."""

import math


def combined_mean_sd(ns, means, sds):
    """Mean and SD of several groups taken as one (Cochrane Handbook 6.5.2.10, applied group by group).

    Groups missing a mean are left out; a group with a mean but no SD adds to the mean only, and then the SD
    is None because it cannot be known."""
    groups = [(n, m, s) for n, m, s in zip(ns, means, sds, strict=True) if n and m is not None and not _nan(m)]
    if not groups:
        return None, None
    total = sum(n for n, _, _ in groups)
    mean = sum(n * m for n, m, _ in groups) / total
    if any(s is None or _nan(s) for _, _, s in groups) or total < 2:
        return mean, None
    within = sum((n - 1) * s**2 for n, _, s in groups)
    between = sum(n * (m - mean) ** 2 for n, m, _ in groups)
    return mean, math.sqrt((within + between) / (total - 1))


def _nan(value):
    return isinstance(value, float) and math.isnan(value)
