"""Small-study effects: Egger's regression test in its classical and metafor forms, Begg's rank test, funnel data."""

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from .arrays import FloatArray, Numbers
from .fitting import ModelError, fit

MIN_STUDIES_FOR_ASYMMETRY_TESTS = 10  # Cochrane Handbook 13.3.5.4: fewer studies give too little power


@dataclass(frozen=True)
class RegressionTest:
    method: str
    statistic_name: str  # "t" or "z"
    statistic: float
    df: int | None
    p_value: float
    intercept: float  # Egger's bias coefficient (classical) or the limit estimate as SE → 0 (metafor)
    intercept_ci: tuple[float, float]


@dataclass(frozen=True)
class RankTest:
    kendall_tau: float
    p_value: float


@dataclass(frozen=True)
class FunnelData:
    yi: FloatArray
    sei: FloatArray
    centre: float
    max_se: float

    def contour(self, level: float = 0.95, points: int = 50) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Pseudo confidence region (se, lower, upper) around the pooled estimate."""
        se = np.linspace(0, self.max_se, points)
        crit = stats.norm.ppf((1 + level) / 2)
        return se, self.centre - crit * se, self.centre + crit * se


def _require_studies(k: int, minimum: int = 3) -> None:
    if k < minimum:
        raise ModelError(f"a small-study test needs at least {minimum} studies, got {k}")


def _ols(X: FloatArray, y: FloatArray, weights: FloatArray | None = None) -> tuple[FloatArray, FloatArray, int]:
    """Least squares with residual-variance scaling, as R's lm(): (beta, covariance, residual df)."""
    w = np.ones_like(y) if weights is None else weights
    xtw = X.T * w
    a_inv = np.linalg.inv(xtw @ X)
    beta = a_inv @ (xtw @ y)
    df = len(y) - X.shape[1]
    sigma2 = float(np.sum(w * (y - X @ beta) ** 2)) / df
    return beta, a_inv * sigma2, df


def egger_classical(yi: Numbers, vi: Numbers, level: float = 0.95) -> RegressionTest:
    """Egger et al. (1997): OLS of yi/sei on 1/sei; the intercept measures asymmetry (t on k − 2 df)."""
    yi, sei = np.asarray(yi, dtype=float), np.sqrt(np.asarray(vi, dtype=float))
    _require_studies(len(yi))
    X = np.column_stack([np.ones_like(sei), 1 / sei])
    beta, cov, df = _ols(X, yi / sei)
    return _t_test("Egger's regression test (classical: OLS of y/SE on 1/SE, intercept)", beta, cov, df, 0, 0, level)


def egger_weighted(yi: Numbers, vi: Numbers, level: float = 0.95) -> RegressionTest:
    """metafor ``regtest(model="lm")``: weighted regression of yi on sei; same t as the classical test."""
    yi, vi = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    _require_studies(len(yi))
    X = np.column_stack([np.ones_like(vi), np.sqrt(vi)])
    beta, cov, df = _ols(X, yi, weights=1 / vi)
    return _t_test(
        "Egger's regression test (weighted regression on SE, metafor model='lm')", beta, cov, df, 1, 0, level
    )


def _t_test(
    method: str, beta: FloatArray, cov: FloatArray, df: int, tested: int, reported: int, level: float
) -> RegressionTest:
    statistic = float(beta[tested] / math.sqrt(cov[tested, tested]))
    half = stats.t.ppf((1 + level) / 2, df) * math.sqrt(cov[reported, reported])
    return RegressionTest(
        method,
        "t",
        statistic,
        df,
        float(2 * stats.t.sf(abs(statistic), df)),
        float(beta[reported]),
        (float(beta[reported] - half), float(beta[reported] + half)),
    )


def egger_random_effects(
    yi: Numbers, vi: Numbers, *, method: str = "REML", knha: bool = False, level: float = 0.95
) -> RegressionTest:
    """metafor's default ``regtest``: mixed-effects meta-regression of yi on sei, test of the sei coefficient."""
    yi, vi = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    _require_studies(len(yi))
    X = np.column_stack([np.ones_like(vi), np.sqrt(vi)])
    model = fit(yi, vi, X, method=method, knha=knha)
    statistic, p_value = model.coefficient_test(1)
    half = model.critical_value(level) * math.sqrt(model.vcov[0, 0])
    return RegressionTest(
        f"Egger's regression test (mixed-effects meta-regression on SE, {method}, metafor default)",
        "t" if knha else "z",
        float(statistic),
        model.residual_df if knha else None,
        float(p_value),
        float(model.beta[0]),
        (float(model.beta[0] - half), float(model.beta[0] + half)),
    )


def rank_test(yi: Numbers, vi: Numbers) -> RankTest:
    """Begg and Mazumdar (1994): Kendall's τ between standardised deviates and variances (metafor ``ranktest``)."""
    yi, vi = np.asarray(yi, dtype=float), np.asarray(vi, dtype=float)
    _require_studies(len(yi))
    w = 1 / vi
    centre = np.sum(w * yi) / np.sum(w)
    deviates = (yi - centre) / np.sqrt(vi - 1 / np.sum(w))
    ties = len(np.unique(deviates)) < len(deviates) or len(np.unique(vi)) < len(vi)
    exact = len(yi) < 50 and not ties
    result = stats.kendalltau(deviates, vi, method="exact" if exact else "asymptotic")
    return RankTest(float(result.statistic), float(result.pvalue))


def funnel_data(yi: Numbers, vi: Numbers, centre: float) -> FunnelData:
    sei = np.sqrt(np.asarray(vi, dtype=float))
    return FunnelData(np.asarray(yi, dtype=float), sei, float(centre), float(sei.max()))
