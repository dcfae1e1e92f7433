"""Random-effects meta-regression on one numeric moderator, as metafor's ``rma(yi, vi, mods = ~ x)``."""

import math
from typing import Any

import numpy as np

from .arrays import Numbers
from .fitting import fit

TERMS = ("intercept", "slope")


def meta_regression(
    yi: Numbers, vi: Numbers, moderator: Numbers, *, method: str, knha: bool, level: float = 0.95
) -> dict[str, Any]:
    """Intercept and slope (estimate, SE, CI, test), the test of the moderator (QM on χ², or F with
    Hartung-Knapp), and the residual τ² and I² of the mixed-effects model; raises ModelError if it cannot fit."""
    x = np.asarray(moderator, dtype=float)
    model = fit(yi, vi, np.column_stack([np.ones(x.size), x]), method=method, knha=knha)
    critical = model.critical_value(level)
    coefficients = []
    for index, term in enumerate(TERMS):
        estimate, se = float(model.beta[index]), math.sqrt(model.vcov[index, index])
        statistic, p_value = model.coefficient_test(index)
        coefficients.append(
            {
                "term": term,
                "estimate": estimate,
                "se": se,
                "ci_lower": estimate - critical * se,
                "ci_upper": estimate + critical * se,
                "statistic": statistic,
                "p_value": p_value,
            }
        )
    statistic, p_value = model.wald_test([1])
    return {
        "k": model.k,
        "coefficients": coefficients,
        "moderator_test": {
            "statistic_name": "F" if knha else "QM",
            "statistic": statistic,
            "df": [1, model.residual_df] if knha else [1],
            "p_value": p_value,
        },
        "tau2": model.tau2,
        "i2": model.i2,
        "method": method,
        "knha": knha,
    }
