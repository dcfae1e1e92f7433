"""Effect sizes of means with metafor's ``escalc`` conventions (counts are in :mod:`analysis.engine.counts`).

Differences are group 1 minus group 2; for pre-post designs group 1 is the
post-treatment measurement, so a fall in ARR or EDSS gives a negative effect.
Every function takes scalars or numpy arrays and returns ``(yi, vi)``.
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from .arrays import FloatArray, Numbers, floats

DEFAULT_CORRELATION = 0.5


@dataclass(frozen=True)
class EffectSizes:
    yi: FloatArray
    vi: FloatArray


def small_sample_correction(df: Numbers) -> FloatArray:
    """Hedges' exact J(m) = Γ(m/2) / (√(m/2) Γ((m−1)/2)), via log-gamma so large m does not overflow."""
    m = np.asarray(df, dtype=float)
    return np.exp(gammaln(m / 2) - 0.5 * np.log(m / 2) - gammaln((m - 1) / 2))


def change_score_sd(sd_pre: Numbers, sd_post: Numbers, r: Numbers) -> FloatArray:
    """SD of post − pre for a given pre-post correlation r."""
    pre, post, correlation = floats(sd_pre), floats(sd_post), floats(r)
    return floats(np.sqrt(pre**2 + post**2 - 2 * correlation * pre * post))


def standardised_mean_change_raw(
    n: Numbers, mean_pre: Numbers, sd_pre: Numbers, mean_post: Numbers, r: Numbers
) -> EffectSizes:
    """SMCR (Becker 1988): change standardised by the pre-treatment SD; the variance depends on r, g does not."""
    n = np.asarray(n, dtype=float)
    r = np.asarray(r, dtype=float)
    g = small_sample_correction(n - 1) * (np.asarray(mean_post) - np.asarray(mean_pre)) / np.asarray(sd_pre)
    return EffectSizes(yi=g, vi=2 * (1 - r) / n + g**2 / (2 * n))


def standardised_mean_change_change(
    n: Numbers, mean_pre: Numbers, sd_pre: Numbers, mean_post: Numbers, sd_post: Numbers, r: Numbers
) -> EffectSizes:
    """SMCC (Gibbons 1993): change standardised by the SD of the change scores."""
    n = np.asarray(n, dtype=float)
    g = (
        small_sample_correction(n - 1)
        * (np.asarray(mean_post) - np.asarray(mean_pre))
        / change_score_sd(sd_pre, sd_post, r)
    )
    return EffectSizes(yi=g, vi=1 / n + g**2 / (2 * n))


def mean_change(
    n: Numbers, mean_pre: Numbers, sd_pre: Numbers, mean_post: Numbers, sd_post: Numbers, r: Numbers
) -> EffectSizes:
    """MC: raw mean change with variance SD_change² / n."""
    n = np.asarray(n, dtype=float)
    return EffectSizes(
        yi=np.asarray(mean_post, dtype=float) - np.asarray(mean_pre, dtype=float),
        vi=change_score_sd(sd_pre, sd_post, r) ** 2 / n,
    )


def standardised_mean_difference(
    n1: Numbers, mean1: Numbers, sd1: Numbers, n2: Numbers, mean2: Numbers, sd2: Numbers
) -> EffectSizes:
    """SMD as Hedges' g with metafor's default large-sample variance (vtype "LS")."""
    n1, n2, sd1, sd2 = (np.asarray(x, dtype=float) for x in (n1, n2, sd1, sd2))
    pooled_sd = np.sqrt(((n1 - 1) * sd1**2 + (n2 - 1) * sd2**2) / (n1 + n2 - 2))
    g = small_sample_correction(n1 + n2 - 2) * (np.asarray(mean1) - np.asarray(mean2)) / pooled_sd
    return EffectSizes(yi=g, vi=1 / n1 + 1 / n2 + g**2 / (2 * (n1 + n2)))


def mean_difference(
    n1: Numbers, mean1: Numbers, sd1: Numbers, n2: Numbers, mean2: Numbers, sd2: Numbers
) -> EffectSizes:
    """MD with metafor's default heteroscedastic variance sd1²/n1 + sd2²/n2."""
    n1, n2, sd1, sd2 = (np.asarray(x, dtype=float) for x in (n1, n2, sd1, sd2))
    return EffectSizes(
        yi=np.asarray(mean1, dtype=float) - np.asarray(mean2, dtype=float),
        vi=sd1**2 / n1 + sd2**2 / n2,
    )
