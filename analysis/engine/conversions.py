"""Means and SDs from what studies report instead.

Median with IQR and/or range to mean and SD, as metafor's ``conv.fivenum`` (method "luo/wan/shi"): means follow
Luo et al. (2018), SDs Wan et al. (2014) and Shi et al. (2020). Shi et al. (2023) skewness tests flag data too
skewed for a normal-based conversion; metafor returns NA then, here the caller decides what to do.

SDs from standard errors, confidence intervals, t statistics and p-values follow the Cochrane Handbook 6.5.2.2
(one group) and 6.5.2.3 (a difference between two groups, whose SD is then taken to be common to both).
"""

import math
from dataclasses import dataclass

from scipy.stats import norm
from scipy.stats import t as t_distribution

MIN_MAX = "median, minimum and maximum"
IQR = "median and interquartile range"
IQR_AND_RANGE = "median, interquartile range, minimum and maximum"


@dataclass(frozen=True)
class Conversion:
    mean: float
    sd: float
    reported: str
    skewness_statistic: float
    skewness_critical_value: float

    @property
    def skewed(self) -> bool:
        return self.skewness_statistic > self.skewness_critical_value


def _xi(n: float) -> float:
    return 2 * norm.ppf((n - 0.375) / (n + 0.25))


def _eta(n: float) -> float:
    return 2 * norm.ppf((0.75 * n - 0.125) / (n + 0.25))


def _asymmetry(low: float, median: float, high: float) -> float:
    spread = high - low
    return 0.0 if spread == 0 else abs(low + high - 2 * median) / spread


def median_to_mean_sd(
    n: float | None,
    median: float,
    *,
    q1: float | None = None,
    q3: float | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
) -> Conversion:
    """Estimate mean and SD of a sample of n from its median and quartiles and/or range."""
    has_iqr = q1 is not None and q3 is not None
    has_range = minimum is not None and maximum is not None
    if (q1 is None) != (q3 is None):
        raise ValueError("give both quartiles (q1 and q3) or neither")
    if (minimum is None) != (maximum is None):
        raise ValueError("give both minimum and maximum or neither")
    if not (has_iqr or has_range):
        raise ValueError("a median needs its interquartile range or its range to be converted")
    if n is None or n < 3:
        raise ValueError(f"converting a median needs n of at least 3, got {n}")
    ordered = [v for v in (minimum, q1, median, q3, maximum) if v is not None]
    if ordered != sorted(ordered):
        raise ValueError("values must satisfy minimum ≤ q1 ≤ median ≤ q3 ≤ maximum")

    if q1 is not None and q3 is not None and minimum is not None and maximum is not None:
        w1 = 2.2 / (2.2 + n**0.75)
        w2 = 0.7 - 0.72 / n**0.55
        mean = w1 * (minimum + maximum) / 2 + w2 * (q1 + q3) / 2 + (1 - w1 - w2) * median
        w = 1 / (1 + 0.07 * n**0.6)
        sd = w * (maximum - minimum) / _xi(n) + (1 - w) * (q3 - q1) / _eta(n)
        statistic = max(
            2.65 * math.log(0.6 * n) / math.sqrt(n) * _asymmetry(minimum, median, maximum),
            _asymmetry(q1, median, q3),
        )
        return Conversion(mean, sd, IQR_AND_RANGE, statistic, 3 / math.sqrt(n) - 40 / n**3)
    if minimum is not None and maximum is not None:
        w = 4 / (4 + n**0.75)
        mean = w * (minimum + maximum) / 2 + (1 - w) * median
        sd = (maximum - minimum) / _xi(n)
        critical = 1 / math.log(n + 9) + 2.5 / (n + 1)
        return Conversion(mean, sd, MIN_MAX, _asymmetry(minimum, median, maximum), critical)
    assert q1 is not None and q3 is not None  # the only case left
    w = 0.7 + 0.39 / n
    mean = w * (q1 + q3) / 2 + (1 - w) * median
    sd = (q3 - q1) / _eta(n)
    return Conversion(mean, sd, IQR, _asymmetry(q1, median, q3), 2.65 / math.sqrt(n) - 6 / n**2)


# Cochrane Handbook 6.5.2.2-6.5.2.3: a CI from fewer than this many participants per group was computed with t.
SMALL_SAMPLE = 60
Z_975 = float(norm.ppf(0.975))


def _critical_value(small: bool, df: float) -> float:
    return float(t_distribution.ppf(0.975, df)) if small else Z_975


def sd_from_se(se: float, n: float) -> float:
    """SD of a group's outcome from the standard error of its mean (Handbook 6.5.2.2)."""
    return se * math.sqrt(n)


def sd_from_ci(lower: float, upper: float, n: float) -> tuple[float, str]:
    """SD from the 95% CI of a group's mean: t on n − 1 df below 60 participants, else 1.96 (Handbook 6.5.2.2)."""
    small = n < SMALL_SAMPLE
    crit = _critical_value(small, n - 1)
    how = f"t on {n - 1:g} df" if small else "z"
    return math.sqrt(n) * (upper - lower) / (2 * crit), f"SD from 95% CI ({how})"


def difference_se_from_ci(lower: float, upper: float, n1: float, n2: float) -> tuple[float, str]:
    """SE of a mean difference from its 95% CI: t on n1 + n2 − 2 df if a group has fewer than 60 (Handbook 6.5.2.3)."""
    small = min(n1, n2) < SMALL_SAMPLE
    crit = _critical_value(small, n1 + n2 - 2)
    how = f"t on {n1 + n2 - 2:g} df" if small else "z"
    return (upper - lower) / (2 * crit), f"SD common to both groups from the 95% CI of the difference ({how})"


def difference_se_from_t(difference: float, t: float) -> float:
    """SE of a mean difference from the t statistic of the two-sample t test (Handbook 6.5.2.3)."""
    return abs(difference / t)


def t_from_p(p: float, n1: float, n2: float) -> float:
    """|t| of a two-sided two-sample t test with the given p-value, on n1 + n2 − 2 df (Handbook 6.5.2.3)."""
    return float(t_distribution.isf(p / 2, n1 + n2 - 2))


def common_sd(difference_se: float, n1: float, n2: float) -> float:
    """The SD both groups share, from the SE of their mean difference: SE / √(1/n1 + 1/n2) (Handbook 6.5.2.3)."""
    return difference_se / math.sqrt(1 / n1 + 1 / n2)
