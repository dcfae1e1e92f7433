"""Sensitivity analyses by risk of bias (Cochrane Handbook 7.7 and 10.14): the pooled effect restricted to studies
at low risk, and to studies at low risk or with some concerns, and subgroups by each study's overall risk of bias,
all with the outcome's own method. Pure: the categories come from the caller."""

from collections.abc import Sequence
from typing import Any

import numpy as np

from .analysis import _result_json
from .dataset import EffectTable, with_peto_effects
from .fitting import ModelError
from .mantel_haenszel import PETO
from .methods import pooler
from .subgroups import subgroup_analysis

NOT_ASSESSED = "not_assessed"
RESTRICTIONS = (("low", ("low",)), ("low_or_some_concerns", ("low", "some_concerns")))


def by_risk_of_bias(
    table: EffectTable, categories: Sequence[str | None], *, method: str, knha: bool = False
) -> dict[str, Any]:
    """`categories`: each study's (the table's rows, in order) overall risk of bias as low, some_concerns or high;
    None where it has none. A restriction or subgroup that cannot be pooled says why instead of a result."""
    if len(categories) != len(table.studies):
        raise ValueError("one risk-of-bias category per study is needed")
    if method == PETO:
        table = with_peto_effects(table)
    pool = pooler(table, method, knha)
    groups = np.array([category or NOT_ASSESSED for category in categories])
    restricted: dict[str, Any] = {}
    for name, kept in RESTRICTIONS:
        mask = np.isin(groups, kept)
        if not mask.any():
            restricted[name] = {"problem": "no study"}
            continue
        try:
            restricted[name] = _result_json(pool(mask))
        except ModelError as error:
            restricted[name] = {"problem": str(error), "k": int(mask.sum())}
    result: dict[str, Any] = {"restricted": restricted, "subgroups": {}, "subgroup_test": None}
    if len(set(groups)) > 1:
        try:
            analysis = subgroup_analysis(pool, groups)
        except ModelError as error:
            result["subgroup_problem"] = str(error)
        else:
            result["subgroups"] = {label: _result_json(r) for label, r in analysis.subgroups.items()}
            if analysis.separate_tau2:
                test = analysis.separate_tau2
                result["subgroup_test"] = {
                    "method": test.method,
                    "q_between": test.statistic,
                    "df": test.df[0],
                    "p_value": test.p_value,
                }
    return result
