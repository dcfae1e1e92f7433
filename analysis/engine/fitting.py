"""Fixed- and random/mixed-effects models for effect sizes, as metafor's ``rma.uni``.

The model is yi = Xβ + ui + εi with εi ~ N(0, vi) known and ui ~ N(0, τ²).
All quantities use the projection P = W − WX(X'WX)⁻¹X'W through traces and
quadratic forms, never as a k×k matrix, so ten thousand studies fit in
milliseconds and little memory.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

from .arrays import FloatArray, Numbers

COMMON_EFFECT = "FE"
ESTIMATORS = ("REML", "DL", "PM", "ML", "HE", "SJ")
METHODS = (*ESTIMATORS, COMMON_EFFECT)
METHOD_NAMES = {
    "REML": "restricted maximum likelihood",
    "DL": "DerSimonian-Laird",
    "PM": "Paule-Mandel",
    "ML": "maximum likelihood",
    "HE": "Hedges",
    "SJ": "Sidik-Jonkman",
    "FE": "common effect (inverse variance)",
}

# metafor's defaults, kept so that iterative estimates stop exactly where metafor's do.
FISHER_SCORING_THRESHOLD = 1e-5
FISHER_SCORING_MAX_ITERATIONS = 100
LOG_LIKELIHOOD_TOLERANCE = np.finfo(float).eps ** 0.25


class ModelError(ValueError):
    """The data cannot be fitted: too few studies, invalid variances or no convergence."""


class _Projection:
    """P = W − WX(X'WX)⁻¹X'W for diagonal weights w, applied to the outcome y."""

    def __init__(self, X: FloatArray, w: FloatArray, y: FloatArray) -> None:
        self.X = X
        self.w = w
        # One coefficient (a plain pooled estimate): every product below is a sum over studies, and scalar
        # arithmetic spares numpy's small-matrix overhead, which dominated leave-one-out and the τ² searches.
        self._x2: FloatArray | None = None
        if X.shape[1] == 1:
            x = X[:, 0]
            self._x2 = x * x
            information = float(np.dot(w, self._x2))
            self.a_inv: FloatArray = np.array([[1 / information]])
            self.beta: FloatArray = np.array([np.dot(w * x, y) / information])
            self.residuals: FloatArray = y - x * self.beta[0]
        else:
            xtw = X.T * w
            try:
                self.a_inv = np.linalg.inv(xtw @ X)
            except np.linalg.LinAlgError as exc:
                raise ModelError("the model's design matrix is singular: a moderator does not vary") from exc
            self.beta = self.a_inv @ (xtw @ y)
            self.residuals = y - X @ self.beta
        self.py = w * self.residuals

    def _inner(self, c: FloatArray) -> FloatArray:
        """(X'WX)⁻¹ X'CX for C = diag(c)."""
        return self.a_inv @ ((self.X.T * c) @ self.X)

    def _inner_trace(self, c: FloatArray) -> float:
        if self._x2 is not None:
            return float(self.a_inv[0, 0] * np.dot(c, self._x2))
        return float(np.trace(self._inner(c)))

    def quadratic(self) -> float:
        """y'Py: the (generalised) Q statistic."""
        return float(self.residuals @ self.py)

    def quadratic_squared(self) -> float:
        """y'PPy."""
        return float(self.py @ self.py)

    def trace(self, d: FloatArray | float = 1.0) -> float:
        """tr(PD) for D = diag(d)."""
        return float(np.sum(self.w * d)) - self._inner_trace(self.w**2 * d)

    def trace_product(self, d1: FloatArray | float = 1.0, d2: FloatArray | float = 1.0) -> float:
        """tr(P D1 P D2) for diagonal D1, D2."""
        w = self.w
        first, second = w**2 * d1, w**2 * d2
        if self._x2 is not None:
            cross = self._inner_trace(first) * self._inner_trace(second)
        else:
            cross = float(np.trace(self._inner(first) @ self._inner(second)))
        return float(np.sum(w**2 * d1 * d2)) - 2 * self._inner_trace(w**3 * d1 * d2) + cross

    def log_det_information(self) -> float:
        if self._x2 is not None:
            return -math.log(float(self.a_inv[0, 0]))
        return float(np.linalg.slogdet(np.linalg.inv(self.a_inv))[1])


@dataclass(frozen=True)
class ModelFit:
    """A fitted model; ``vcov`` already carries the Hartung-Knapp scaling when ``knha`` is set."""

    k: int
    p: int
    method: str
    knha: bool
    beta: FloatArray
    vcov: FloatArray
    tau2: float
    se_tau2: float | None
    qe: float
    qe_df: int
    qe_p_value: float
    i2: float | None
    h2: float | None
    weights: FloatArray

    @property
    def residual_df(self) -> int:
        return self.k - self.p

    def critical_value(self, level: float = 0.95) -> float:
        tail = (1 + level) / 2
        return float(special.stdtrit(self.residual_df, tail) if self.knha else special.ndtri(tail))

    def coefficient_test(self, index: int) -> tuple[float, float]:
        """(statistic, p-value) for one coefficient: z, or t on k − p df with Hartung-Knapp."""
        se = math.sqrt(self.vcov[index, index])
        statistic = float(self.beta[index] / se) if se > 0 else math.copysign(math.inf, self.beta[index])
        if self.knha:
            return statistic, 2 * float(special.stdtr(self.residual_df, -abs(statistic)))
        return statistic, 2 * float(special.ndtr(-abs(statistic)))

    def wald_test(self, indices: Iterable[int]) -> tuple[float, float]:
        """Omnibus test of several coefficients: QM on χ² (m df), or F(m, k − p) = QM/m with Hartung-Knapp."""
        indices = list(indices)
        b = self.beta[indices]
        qm = float(b @ np.linalg.solve(self.vcov[np.ix_(indices, indices)], b))
        m = len(indices)
        if self.knha:
            return qm / m, float(special.fdtrc(m, self.residual_df, qm / m))
        return qm, float(special.chdtrc(m, qm))


def _check_inputs(yi: Numbers, vi: Numbers, X: Numbers | None) -> tuple[FloatArray, FloatArray, FloatArray]:
    y = np.asarray(yi, dtype=float).ravel()
    v = np.asarray(vi, dtype=float).ravel()
    if y.shape != v.shape:
        raise ModelError("effect sizes and variances differ in number")
    if y.size == 0:
        raise ModelError("no studies to pool")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(v))):
        raise ModelError("effect sizes and variances must be finite numbers")
    if np.any(v <= 0):
        raise ModelError("sampling variances must be positive")
    X = np.ones((y.size, 1)) if X is None else np.asarray(X, dtype=float).reshape(y.size, -1)
    if X.shape[1] > y.size:
        raise ModelError(f"{X.shape[1]} coefficients cannot be estimated from {y.size} studies")
    return y, v, X


def _tau2_dl(X: FloatArray, y: FloatArray, v: FloatArray) -> tuple[float, float]:
    fixed = _Projection(X, 1 / v, y)
    df = y.size - X.shape[1]
    tr_p = fixed.trace()
    tau2 = max(0.0, (fixed.quadratic() - df) / tr_p)
    se = math.sqrt((2 * df + 4 * tau2 * tr_p + 2 * tau2**2 * fixed.trace_product()) / tr_p**2)
    return tau2, se


def _tau2_he(X: FloatArray, y: FloatArray, v: FloatArray) -> tuple[float, float]:
    ordinary = _Projection(X, np.ones_like(v), y)
    df = y.size - X.shape[1]
    tr_pv = ordinary.trace(v)
    tau2 = max(0.0, (ordinary.quadratic() - tr_pv) / df)
    se = math.sqrt((2 * ordinary.trace_product(v, v) + 4 * tau2 * tr_pv + 2 * tau2**2 * df) / df**2)
    return tau2, se


def _tau2_sj(X: FloatArray, y: FloatArray, v: FloatArray) -> tuple[float, float]:
    df = y.size - X.shape[1]
    initial = float(np.var(y)) if np.ptp(y) > 0 else 0.0  # np.var of equal values can round to 1e-34
    weighted = _Projection(X, 1 / (v + initial), y)
    tau2 = max(0.0, initial * weighted.quadratic() / df)
    se = math.sqrt(
        initial**2
        / df**2
        * (
            2 * weighted.trace_product(v, v)
            + 4 * tau2 * weighted.trace_product(v, 1.0)
            + 2 * tau2**2 * weighted.trace_product()
        )
    )
    return tau2, se


def _generalised_q(X: FloatArray, y: FloatArray, v: FloatArray, tau2: float) -> float:
    return _Projection(X, 1 / (v + tau2), y).quadratic()


def _solve_generalised_q(X: FloatArray, y: FloatArray, v: FloatArray, target: float) -> float:
    """The τ² at which the generalised Q equals target (Q falls as τ² grows); 0 if Q(0) is already below."""
    if _generalised_q(X, y, v, 0.0) <= target:
        return 0.0
    mad = 1.4826 * np.median(np.abs(y - np.median(y)))
    upper = max(100.0, 10 * mad**2)
    while _generalised_q(X, y, v, upper) > target:
        upper *= 10
        if upper > 1e12:
            raise ModelError("τ² is too large to bracket: check the variances")
    return float(optimize.brentq(lambda t: _generalised_q(X, y, v, t) - target, 0.0, upper, xtol=1e-12, rtol=1e-12))


def _tau2_pm(X: FloatArray, y: FloatArray, v: FloatArray) -> tuple[float, float]:
    k, p = X.shape
    tau2 = _solve_generalised_q(X, y, v, k - p)
    se = math.sqrt(2 * k**2 / (k - p)) / float(np.sum(1 / (v + tau2)))
    return tau2, se


def _log_likelihood(X: FloatArray, y: FloatArray, v: FloatArray, tau2: float, restricted: bool) -> float:
    k, p = int(X.shape[0]), int(X.shape[1])
    projection = _Projection(X, 1 / (v + tau2), y)
    ll = -0.5 * float(np.sum(np.log(v + tau2))) - 0.5 * projection.quadratic()
    if restricted:
        return ll - 0.5 * (k - p) * math.log(2 * math.pi) - 0.5 * projection.log_det_information()
    return ll - 0.5 * k * math.log(2 * math.pi)


def _fisher_scoring(X: FloatArray, y: FloatArray, v: FloatArray, restricted: bool) -> float | None:
    """metafor's Fisher scoring from the Hedges estimate with step halving at 0; None if it does not converge."""
    tau2 = _tau2_he(X, y, v)[0]
    for _ in range(FISHER_SCORING_MAX_ITERATIONS):
        projection = _Projection(X, 1 / (v + tau2), y)
        if restricted:
            step = (projection.quadratic_squared() - projection.trace()) / projection.trace_product()
        else:
            w = projection.w
            step = (projection.quadratic_squared() - float(np.sum(w))) / float(np.sum(w**2))
        while tau2 + step < 0:
            step /= 2
        tau2 += step
        if abs(step) <= FISHER_SCORING_THRESHOLD:
            return tau2
    return None


def _maximise_likelihood(X: FloatArray, y: FloatArray, v: FloatArray, restricted: bool) -> float:
    """Direct bounded maximisation, for the data on which Fisher scoring oscillates instead of converging."""
    upper = max(100.0, 10 * float(np.var(y)))
    result = optimize.minimize_scalar(
        lambda t: -_log_likelihood(X, y, v, t, restricted),
        bounds=(0.0, upper),
        method="bounded",
        options={"xatol": 1e-10},
    )
    if not result.success:
        raise ModelError("the (restricted) likelihood for τ² could not be maximised")
    return float(result.x)


def _tau2_likelihood(X: FloatArray, y: FloatArray, v: FloatArray, restricted: bool) -> tuple[float, float]:
    """ML or REML: Fisher scoring as metafor, a direct search where it fails, then metafor's τ² = 0 check."""
    tau2 = _fisher_scoring(X, y, v, restricted)
    if tau2 is None:
        tau2 = _maximise_likelihood(X, y, v, restricted)
    at_zero = _log_likelihood(X, y, v, 0.0, restricted)
    if at_zero - _log_likelihood(X, y, v, tau2, restricted) > LOG_LIKELIHOOD_TOLERANCE and tau2 > 1e-5:
        tau2 = 0.0
    projection = _Projection(X, 1 / (v + tau2), y)
    information = projection.trace_product() if restricted else float(np.sum(projection.w**2))
    return tau2, math.sqrt(2 / information)


_TAU2_ESTIMATORS = {
    "DL": _tau2_dl,
    "HE": _tau2_he,
    "SJ": _tau2_sj,
    "PM": _tau2_pm,
    "ML": lambda X, y, v: _tau2_likelihood(X, y, v, restricted=False),
    "REML": lambda X, y, v: _tau2_likelihood(X, y, v, restricted=True),
}


def fit(yi: Numbers, vi: Numbers, X: Numbers | None = None, *, method: str = "REML", knha: bool = False) -> ModelFit:
    """Fit a common-effect (``method="FE"``) or random/mixed-effects model; X defaults to an intercept."""
    if method not in METHODS:
        raise ModelError(f"unknown method {method!r}: choose one of {', '.join(METHODS)}")
    y, v, X = _check_inputs(yi, vi, X)
    k, p = X.shape
    df = k - p
    fixed = _Projection(X, 1 / v, y)
    qe = fixed.quadratic()
    if df > 0 and method != COMMON_EFFECT:
        tau2, se_tau2 = _TAU2_ESTIMATORS[method](X, y, v)
    else:
        tau2, se_tau2 = 0.0, None
    final = _Projection(X, 1 / (v + tau2), y) if tau2 > 0 else fixed
    vcov = final.a_inv.copy()
    if knha:
        if df < 1:
            raise ModelError("the Hartung-Knapp method needs more studies than coefficients")
        rss = final.quadratic()
        vcov *= rss / df if rss > np.finfo(float).eps else 0.0
    i2, h2 = _heterogeneity(method, qe, df, tau2, fixed)
    return ModelFit(
        k=k,
        p=p,
        method=method,
        knha=knha,
        beta=final.beta,
        vcov=vcov,
        tau2=tau2,
        se_tau2=se_tau2,
        qe=qe,
        qe_df=df,
        qe_p_value=float(special.chdtrc(df, qe)) if df > 0 else math.nan,
        i2=i2,
        h2=h2,
        weights=final.w / final.w.sum() * 100,
    )


def _typical_variance(df: int, fixed: _Projection) -> float:
    return df / fixed.trace()


def _heterogeneity(
    method: str, qe: float, df: int, tau2: float, fixed: _Projection
) -> tuple[float | None, float | None]:
    """I² and H²: from Q for the common-effect model, from τ² and the typical variance otherwise (as metafor)."""
    if df < 1:
        return None, None
    if method == COMMON_EFFECT:
        return (max(0.0, 100 * (qe - df) / qe) if qe > 0 else 0.0), qe / df
    typical = _typical_variance(df, fixed)
    return 100 * tau2 / (typical + tau2), tau2 / typical + 1


def tau2_confidence_interval(
    yi: Numbers, vi: Numbers, X: Numbers | None = None, *, level: float = 0.95
) -> dict[str, tuple[float, float]]:
    """Q-profile confidence interval for τ² and the I²/H² bounds it implies (metafor's ``confint``)."""
    y, v, X = _check_inputs(yi, vi, X)
    k, p = X.shape
    df = k - p
    if df < 1:
        raise ModelError("a confidence interval for τ² needs more studies than coefficients")
    alpha = 1 - level
    lower = _solve_generalised_q(X, y, v, float(special.chdtri(df, alpha / 2)))
    upper = _solve_generalised_q(X, y, v, float(special.chdtri(df, 1 - alpha / 2)))
    typical = _typical_variance(df, _Projection(X, 1 / v, y))
    return {
        "tau2": (lower, upper),
        "i2": (100 * lower / (typical + lower), 100 * upper / (typical + upper)),
        "h2": (lower / typical + 1, upper / typical + 1),
    }
