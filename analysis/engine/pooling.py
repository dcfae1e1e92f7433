"""Pooled effect of a set of studies, with every number a report needs.

The effect's own test (``z_or_t``, ``p_value``) and the heterogeneity test
(``q``, ``q_df``, ``q_p_value``) are separate fields with separate labels, so a
heterogeneity p-value is never read as the effect's.
"""

import math
from dataclasses import dataclass

from scipy import special

from .arrays import Numbers, floats
from .fitting import COMMON_EFFECT, METHOD_NAMES, fit, tau2_confidence_interval

LEVEL = 0.95
# Common-effect methods on counts (analysis.engine.mantel_haenszel), beside the inverse-variance METHODS of fitting.
COUNT_METHOD_NAMES = {"MH": "common effect (Mantel-Haenszel)", "PETO": "common effect (Peto odds ratio)"}


@dataclass(frozen=True)
class PooledEffect:
    k: int
    method: str
    knha: bool
    estimate: float
    se: float
    ci_lower: float
    ci_upper: float
    pi_lower: float
    pi_upper: float
    statistic: str  # "z", or "t" with Hartung-Knapp
    df: int | None  # degrees of freedom of the t statistic
    z_or_t: float
    p_value: float  # of the pooled effect
    tau2: float
    se_tau2: float | None
    tau2_ci_lower: float | None
    tau2_ci_upper: float | None
    i2: float | None
    h2: float | None
    q: float
    q_df: int
    q_p_value: float  # of the heterogeneity test, not of the effect
    weights: tuple[float, ...]

    @property
    def tau(self) -> float:
        return math.sqrt(self.tau2)

    @property
    def method_name(self) -> str:
        if self.method in COUNT_METHOD_NAMES:
            return COUNT_METHOD_NAMES[self.method]
        name = METHOD_NAMES[self.method]
        if self.method != COMMON_EFFECT:
            name = f"random effects, τ² by {name}"
        return f"{name}, Hartung-Knapp" if self.knha else name

    def probability_below(self, threshold: float = 0.0) -> float:
        """Probability that the true effect in a new setting lies below threshold (metafor's ``predict(prob=)``)."""
        spread = math.sqrt(self.se**2 + self.tau2)
        if self.df is None:
            return float(special.ndtr((threshold - self.estimate) / spread))
        return float(special.stdtr(self.df, (threshold - self.estimate) / spread))

    def effect_line(self) -> str:
        return (
            f"Pooled effect: {self.estimate:.4f} (95% CI {self.ci_lower:.4f} to {self.ci_upper:.4f}); "
            f"test of the effect: {self.statistic} = {self.z_or_t:.4f}, {format_p(self.p_value)}"
        )

    def heterogeneity_line(self) -> str:
        i2 = "n/a" if self.i2 is None else f"{self.i2:.2f}%"
        return (
            f"Heterogeneity: τ² = {self.tau2:.4f}, I² = {i2}; "
            f"test of heterogeneity: Q = {self.q:.4f}, df = {self.q_df}, {format_p(self.q_p_value)}"
        )


def format_p_value(p: float | None) -> str:
    """A p-value for a table cell: "0.0123", "< .0001" or "n/a"."""
    if p is None or math.isnan(p):
        return "n/a"
    return "< .0001" if p < 0.0001 else f"{p:.4f}"


def format_p(p: float | None) -> str:
    """A p-value for a sentence: "p = 0.0123", "p < .0001" or "p not available"."""
    text = format_p_value(p)
    if text == "n/a":
        return "p not available"
    return f"p {text}" if text.startswith("<") else f"p = {text}"


def prediction_interval(estimate: float, se: float, tau2: float, critical_value: float) -> tuple[float, float]:
    """μ̂ ± crit·√(SE² + τ²). metafor's default crit is z (t on k − p df with Hartung-Knapp); Riley's is t on k − 2."""
    half_width = critical_value * math.sqrt(se**2 + tau2)
    return estimate - half_width, estimate + half_width


def riley_prediction_interval(result: PooledEffect, level: float = LEVEL) -> tuple[float, float]:
    """Prediction interval of Higgins et al. (2009) / Riley et al. (2011) with t on k − 2 df."""
    if result.k < 3:
        return math.nan, math.nan
    return prediction_interval(
        result.estimate, result.se, result.tau2, float(special.stdtrit(result.k - 2, (1 + level) / 2))
    )


def pool(yi: Numbers, vi: Numbers, *, method: str = "REML", knha: bool = False, level: float = LEVEL) -> PooledEffect:
    """Pool effect sizes yi with sampling variances vi."""
    model = fit(yi, vi, method=method, knha=knha)
    estimate = float(model.beta[0])
    se = math.sqrt(model.vcov[0, 0])
    crit = model.critical_value(level)
    statistic, p_value = model.coefficient_test(0)
    tau2_ci: tuple[float | None, float | None] = (None, None)
    if method != COMMON_EFFECT and model.qe_df > 0:
        tau2_ci = tau2_confidence_interval(yi, vi, level=level)["tau2"]
    pi_lower, pi_upper = prediction_interval(estimate, se, model.tau2, crit)
    return PooledEffect(
        k=model.k,
        method=method,
        knha=knha,
        estimate=estimate,
        se=se,
        ci_lower=estimate - crit * se,
        ci_upper=estimate + crit * se,
        pi_lower=pi_lower,
        pi_upper=pi_upper,
        statistic="t" if knha else "z",
        df=model.residual_df if knha else None,
        z_or_t=float(statistic),
        p_value=float(p_value),
        tau2=model.tau2,
        se_tau2=model.se_tau2,
        tau2_ci_lower=tau2_ci[0],
        tau2_ci_upper=tau2_ci[1],
        i2=model.i2,
        h2=model.h2,
        q=model.qe,
        q_df=model.qe_df,
        q_p_value=model.qe_p_value,
        weights=tuple(float(w) for w in model.weights),
    )


def common_effect(
    method: str,
    *,
    estimate: float,
    se: float,
    weights: Numbers,
    q: float,
    q_df: int,
    q_p_value: float,
    i2: float | None,
    h2: float | None,
    level: float = LEVEL,
) -> PooledEffect:
    """A common-effect result computed elsewhere (Mantel-Haenszel, Peto): z test, CI, and a PI equal to the CI."""
    crit = float(special.ndtri((1 + level) / 2))
    z = estimate / se
    weights = floats(weights)
    total = float(weights.sum())
    return PooledEffect(
        k=len(weights),
        method=method,
        knha=False,
        estimate=estimate,
        se=se,
        ci_lower=estimate - crit * se,
        ci_upper=estimate + crit * se,
        pi_lower=estimate - crit * se,
        pi_upper=estimate + crit * se,
        statistic="z",
        df=None,
        z_or_t=z,
        p_value=float(2 * special.ndtr(-abs(z))),
        tau2=0.0,
        se_tau2=None,
        tau2_ci_lower=None,
        tau2_ci_upper=None,
        i2=i2,
        h2=h2,
        q=q,
        q_df=q_df,
        q_p_value=q_p_value,
        weights=tuple(100 * float(w) / total if total > 0 else 0.0 for w in weights),
    )
