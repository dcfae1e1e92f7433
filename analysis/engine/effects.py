"""Effect sizes with metafor's ``escalc`` conventions.

Differences are group 1 minus group 2; for pre-post designs group 1 is the
post-treatment measurement, so a fall in ARR or EDSS gives a negative effect.
Every function takes scalars or numpy arrays and returns ``(yi, vi)``.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

DEFAULT_CORRELATION = 0.5


@dataclass(frozen=True)
class EffectSizes:
    yi: np.ndarray
    vi: np.ndarray


def small_sample_correction(df):
    """Hedges' exact J(m) = Γ(m/2) / (√(m/2) Γ((m−1)/2)), via log-gamma so large m does not overflow."""
    m = np.asarray(df, dtype=float)
    return np.exp(gammaln(m / 2) - 0.5 * np.log(m / 2) - gammaln((m - 1) / 2))


def change_score_sd(sd_pre, sd_post, r):
    """SD of post − pre for a given pre-post correlation r."""
    sd_pre, sd_post, r = (np.asarray(x, dtype=float) for x in (sd_pre, sd_post, r))
    return np.sqrt(sd_pre**2 + sd_post**2 - 2 * r * sd_pre * sd_post)


def standardised_mean_change_raw(n, mean_pre, sd_pre, mean_post, r):
    """SMCR (Becker 1988): change standardised by the pre-treatment SD; the variance depends on r, g does not."""
    n = np.asarray(n, dtype=float)
    r = np.asarray(r, dtype=float)
    g = small_sample_correction(n - 1) * (np.asarray(mean_post) - np.asarray(mean_pre)) / np.asarray(sd_pre)
    return EffectSizes(yi=g, vi=2 * (1 - r) / n + g**2 / (2 * n))


def standardised_mean_change_change(n, mean_pre, sd_pre, mean_post, sd_post, r):
    """SMCC (Gibbons 1993): change standardised by the SD of the change scores."""
    n = np.asarray(n, dtype=float)
    g = (
        small_sample_correction(n - 1)
        * (np.asarray(mean_post) - np.asarray(mean_pre))
        / change_score_sd(sd_pre, sd_post, r)
    )
    return EffectSizes(yi=g, vi=1 / n + g**2 / (2 * n))


def mean_change(n, mean_pre, sd_pre, mean_post, sd_post, r):
    """MC: raw mean change with variance SD_change² / n."""
    n = np.asarray(n, dtype=float)
    return EffectSizes(
        yi=np.asarray(mean_post, dtype=float) - np.asarray(mean_pre, dtype=float),
        vi=change_score_sd(sd_pre, sd_post, r) ** 2 / n,
    )


def standardised_mean_difference(n1, mean1, sd1, n2, mean2, sd2):
    """SMD as Hedges' g with metafor's default large-sample variance (vtype "LS")."""
    n1, n2, sd1, sd2 = (np.asarray(x, dtype=float) for x in (n1, n2, sd1, sd2))
    pooled_sd = np.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n1 + n2 - 2))
    g = small_sample_correction(n1 + n2 - 2) * (np.asarray(mean1) - np.asarray(mean2)) / pooled_sd
    return EffectSizes(yi=g, vi=1 / n1 + 1 / n2 + g**2 / (2 * (n1 + n2)))


def mean_difference(n1, mean1, sd1, n2, mean2, sd2):
    """MD with metafor's default heteroscedastic variance sd1²/n1 + sd2²/n2."""
    n1, n2, sd1, sd2 = (np.asarray(x, dtype=float) for x in (n1, n2, sd1, sd2))
    return EffectSizes(
        yi=np.asarray(mean1, dtype=float) - np.asarray(mean2, dtype=float),
        vi=sd1**2 / n1 + sd2**2 / n2,
    )


def log_rate_ratio(events1, time1, events2, time2):
    """Log incidence rate ratio (metafor "IRR"); ½ is added to both counts of a study with a zero count."""
    x1, t1, x2, t2 = (np.asarray(x, dtype=float) for x in (events1, time1, events2, time2))
    continuity = np.where((x1 == 0) | (x2 == 0), 0.5, 0.0)
    x1, x2 = x1 + continuity, x2 + continuity
    return EffectSizes(yi=np.log(x1 / t1) - np.log(x2 / t2), vi=1 / x1 + 1 / x2)


def _two_by_two(events1, n1, events2, n2):
    """Cells a, b, c, d of 2×2 tables, with ½ added to every cell of a table that has a zero cell (metafor)."""
    a, n1, c, n2 = (np.asarray(x, dtype=float) for x in (events1, n1, events2, n2))
    b, d = n1 - a, n2 - c
    continuity = np.where((a == 0) | (b == 0) | (c == 0) | (d == 0), 0.5, 0.0)
    return a + continuity, b + continuity, c + continuity, d + continuity


def log_risk_ratio(events1, n1, events2, n2):
    """Log risk ratio (metafor "RR")."""
    a, b, c, d = _two_by_two(events1, n1, events2, n2)
    return EffectSizes(yi=np.log(a / (a + b)) - np.log(c / (c + d)), vi=1 / a - 1 / (a + b) + 1 / c - 1 / (c + d))


def log_odds_ratio(events1, n1, events2, n2):
    """Log odds ratio (metafor "OR")."""
    a, b, c, d = _two_by_two(events1, n1, events2, n2)
    return EffectSizes(yi=np.log(a * d / (b * c)), vi=1 / a + 1 / b + 1 / c + 1 / d)
