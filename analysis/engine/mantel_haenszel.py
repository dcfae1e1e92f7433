"""Common-effect pooling of counts: Mantel-Haenszel (metafor's ``rma.mh``) and Peto's odds ratio (``rma.peto``).

Both pool the counts as given: no continuity correction enters the pooled estimate (rma.mh's and rma.peto's
default second ``add`` of 0), and a double-zero study stays in it (their default second ``drop00`` of FALSE;
it adds nothing to a ratio and a difference of 0 to RD and IRD). The per-study effects, corrected and with
double zeros dropped as escalc does, serve only the test of heterogeneity, whose Q compares them with the
pooled estimate on k − 1 df, k counting the studies with an effect.

Variances: Robins, Breslow and Greenland (1986) for the odds ratio; Greenland and Robins (1985) for the risk
ratio, the risk difference and the rates; the hypergeometric variances for Peto.
"""

import math

import numpy as np
from scipy import special

from .arrays import FloatArray, Numbers, floats
from .fitting import ModelError
from .pooling import PooledEffect, common_effect

MANTEL_HAENSZEL = "MH"
PETO = "PETO"
MH_MEASURES = ("RR", "OR", "RD", "IRR", "IRD")
VARIANCE_NAMES = {
    "OR": "Robins-Breslow-Greenland variance",
    "RR": "Greenland-Robins variance",
    "RD": "Greenland-Robins variance",
    "IRR": "Greenland-Robins variance",
    "IRD": "Greenland-Robins variance",
}


def _heterogeneity(yi: FloatArray, vi: FloatArray, estimate: float) -> tuple[float, int, float, float, float]:
    """(Q, df, p, I², H²) of the per-study effects around the pooled one, as rma.mh: 0, 1, 0 and 1 for one study."""
    has_effect = np.isfinite(yi) & np.isfinite(vi) & (vi > 0)
    yi, vi = yi[has_effect], vi[has_effect]
    df = yi.size - 1
    if df < 1:
        return 0.0, max(df, 0), 1.0, 0.0, 1.0
    q = max(0.0, float(np.sum((yi - estimate) ** 2 / vi)))
    i2 = max(0.0, 100 * (q - df) / q) if q > 0 else 0.0
    return q, df, float(special.chdtrc(df, q)), i2, q / df


def _pooled(
    method: str, estimate: float, se: float, weights: FloatArray, yi: FloatArray, vi: FloatArray
) -> PooledEffect:
    q, df, q_p, i2, h2 = _heterogeneity(yi, vi, estimate)
    return common_effect(method, estimate=estimate, se=se, weights=weights, q=q, q_df=df, q_p_value=q_p, i2=i2, h2=h2)


def mantel_haenszel_2x2(
    measure: str, ai: Numbers, n1i: Numbers, ci: Numbers, n2i: Numbers, yi: Numbers, vi: Numbers
) -> PooledEffect:
    """Mantel-Haenszel RR, OR (log scale) or RD from events and totals; yi, vi are the per-study effects for Q."""
    a, c = floats(ai), floats(ci)
    n1, n2 = floats(n1i), floats(n2i)
    b, d = n1 - a, n2 - c
    n = n1 + n2
    if measure == "OR":
        r, s = a * d / n, b * c / n
        if r.sum() == 0 or s.sum() == 0:
            raise ModelError("the Mantel-Haenszel odds ratio needs a study with events in one group and not the other")
        p, q = (a + d) / n, (b + c) / n
        big_r, big_s = r.sum(), s.sum()
        estimate = math.log(big_r / big_s)
        variance = 0.5 * (np.sum(p * r) / big_r**2 + np.sum(p * s + q * r) / (big_r * big_s) + np.sum(q * s) / big_s**2)
        weights = s
    elif measure == "RR":
        if a.sum() == 0 or c.sum() == 0:
            raise ModelError("the Mantel-Haenszel risk ratio needs events in both groups")
        big_r, big_s = np.sum(a * n2 / n), np.sum(c * n1 / n)
        estimate = math.log(big_r / big_s)
        variance = np.sum(n1 * n2 * (a + c) / n**2 - a * c / n) / (big_r * big_s)
        weights = c * n1 / n
    elif measure == "RD":
        weights = n1 * n2 / n
        total = weights.sum()
        estimate = float(np.sum(a * n2 / n - c * n1 / n) / total)
        variance = (
            estimate * np.sum(c * (n1 / n) ** 2 - a * (n2 / n) ** 2 + (n1 / n) * (n2 / n) * (n2 - n1) / 2)
            + np.sum(a * (n2 - c) / n + c * (n1 - a) / n) / 2
        ) / total**2
    else:
        raise ValueError(f"Mantel-Haenszel for 2×2 tables pools RR, OR or RD, not {measure!r}")
    return _pooled(MANTEL_HAENSZEL, estimate, math.sqrt(variance), weights, floats(yi), floats(vi))


def mantel_haenszel_rates(
    measure: str, x1i: Numbers, t1i: Numbers, x2i: Numbers, t2i: Numbers, yi: Numbers, vi: Numbers
) -> PooledEffect:
    """Mantel-Haenszel IRR (log scale) or IRD from events and person-time."""
    x1, x2, t1, t2 = floats(x1i), floats(x2i), floats(t1i), floats(t2i)
    total_time = t1 + t2
    if measure == "IRR":
        if x1.sum() == 0 or x2.sum() == 0:
            raise ModelError("the Mantel-Haenszel rate ratio needs events in both groups")
        big_r, big_s = np.sum(x1 * t2 / total_time), np.sum(x2 * t1 / total_time)
        estimate = math.log(big_r / big_s)
        se = math.sqrt(np.sum((t1 / total_time) * (t2 / total_time) * (x1 + x2)) / (big_r * big_s))
        weights = x2 * t1 / total_time
    elif measure == "IRD":
        weights = t1 * t2 / total_time
        total = weights.sum()
        estimate = float(np.sum((x1 * t2 - x2 * t1) / total_time) / total)
        se = math.sqrt(np.sum(weights**2 * (x1 / t1**2 + x2 / t2**2))) / total
    else:
        raise ValueError(f"Mantel-Haenszel for person-time pools IRR or IRD, not {measure!r}")
    return _pooled(MANTEL_HAENSZEL, estimate, se, weights, floats(yi), floats(vi))


def peto(ai: Numbers, n1i: Numbers, ci: Numbers, n2i: Numbers, yi: Numbers) -> PooledEffect:
    """Peto's log odds ratio: Σ(O − E) / ΣV, with its own Q = Σ(O − E)²/V − (Σ(O − E))²/ΣV (rma.peto).

    ``yi`` (Peto's per-study estimates) only tells which studies count for the df of Q."""
    a, c = floats(ai), floats(ci)
    n1, n2 = floats(n1i), floats(n2i)
    n = n1 + n2
    events = a + c
    observed_minus_expected = a - events * n1 / n
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = np.where(n > 1, events * (n - events) * (n1 / n) * (n2 / n) / (n - 1), 0.0)
    total = variance.sum()
    if total == 0:
        raise ModelError("Peto's method needs a study with both outcomes: every patient had the event, or none did")
    estimate = float(observed_minus_expected.sum() / total)
    informative = variance > 0
    q = max(
        0.0,
        float(np.sum(observed_minus_expected[informative] ** 2 / variance[informative]))
        - float(observed_minus_expected.sum()) ** 2 / total,
    )
    df = int(np.isfinite(floats(yi)).sum()) - 1
    if informative.sum() > 1:
        q_p, i2, h2 = float(special.chdtrc(df, q)), (max(0.0, 100 * (q - df) / q) if q > 0 else 0.0), q / df
    else:
        q_p, i2, h2 = 1.0, 0.0, 1.0
    return common_effect(
        PETO, estimate=estimate, se=math.sqrt(1 / total), weights=variance, q=q, q_df=df, q_p_value=q_p, i2=i2, h2=h2
    )
