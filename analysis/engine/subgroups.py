"""Subgroup analysis and the two common tests for subgroup differences.

* separate τ² (RevMan, R's meta with ``tau.common=FALSE``): each subgroup is pooled
  on its own and the subgroup estimates are compared with a Q-between statistic;
* common τ² (metafor): one mixed-effects model with the subgroup as a factor and a
  single τ², tested with the Wald QM statistic (an F test with Hartung-Knapp).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from .arrays import Numbers, floats
from .fitting import ModelError, fit
from .methods import InverseVariance, Pooler
from .pooling import PooledEffect

SEPARATE_TAU2 = "separate τ² per subgroup: Q-between of the subgroup estimates (RevMan / meta)"
COMMON_TAU2 = "common τ²: Wald QM of a mixed-effects model with subgroup as moderator (metafor)"


@dataclass(frozen=True)
class SubgroupTest:
    method: str
    statistic_name: str  # "Q" or "F"
    statistic: float
    df: tuple[int, ...]  # (df,) for χ², (df1, df2) for F
    p_value: float


@dataclass(frozen=True)
class SubgroupAnalysis:
    subgroups: dict[str, PooledEffect]
    separate_tau2: SubgroupTest | None
    common_tau2: SubgroupTest | None


def q_between(estimates: Numbers, standard_errors: Numbers) -> SubgroupTest:
    """Q-between: heterogeneity of subgroup estimates around their inverse-variance mean, on G − 1 df."""
    values = floats(estimates)
    weights = 1 / floats(standard_errors) ** 2
    centre = np.sum(weights * values) / np.sum(weights)
    q = float(np.sum(weights * (values - centre) ** 2))
    df = values.size - 1
    return SubgroupTest(SEPARATE_TAU2, "Q", q, (df,), float(special.chdtrc(df, q)))


def common_tau2_test(
    yi: Numbers, vi: Numbers, groups: Numbers, *, method: str = "REML", knha: bool = False
) -> SubgroupTest:
    """Wald test of the subgroup factor in one mixed-effects model with a common τ²."""
    labels = pd.Series(groups).astype(str).reset_index(drop=True)
    dummies = pd.get_dummies(labels, drop_first=True, dtype=float)
    X = np.column_stack([np.ones(len(labels)), dummies.to_numpy()])
    model = fit(yi, vi, X, method=method, knha=knha)
    statistic, p_value = model.wald_test(range(1, X.shape[1]))
    m = X.shape[1] - 1
    if knha:
        return SubgroupTest(COMMON_TAU2, "F", float(statistic), (m, model.residual_df), float(p_value))
    return SubgroupTest(COMMON_TAU2, "Q", float(statistic), (m,), float(p_value))


def subgroup_analysis(pool_studies: Pooler, groups: Numbers) -> SubgroupAnalysis:
    """Pool each subgroup with the same method and test whether the subgroups differ: both ways where the
    method is inverse variance, by Q-between only for Mantel-Haenszel and Peto."""
    members = pd.Series(groups).astype(str).reset_index(drop=True)
    labels = list(dict.fromkeys(members))
    subgroups = {}
    for label in labels:
        try:
            subgroups[label] = pool_studies((members == label).to_numpy())
        except ModelError as error:
            raise ModelError(f"subgroup {label!r}: {error}") from error
    if len(labels) < 2:
        return SubgroupAnalysis(subgroups, None, None)
    separate = q_between([r.estimate for r in subgroups.values()], [r.se for r in subgroups.values()])
    common = None
    if isinstance(pool_studies, InverseVariance):
        used = pool_studies.contributing
        yi, vi, kept = pool_studies.yi[used], pool_studies.vi[used], members[used].reset_index(drop=True)
        if len(yi) > kept.nunique() > 1:
            common = common_tau2_test(yi, vi, kept, method=pool_studies.method, knha=pool_studies.knha)
    return SubgroupAnalysis(subgroups, separate, common)
