"""One complete meta-analysis of an effect table: overall, per subgroup, small-study tests and leave-one-out."""

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .bias import (
    MIN_STUDIES_FOR_ASYMMETRY_TESTS,
    RankTest,
    RegressionTest,
    egger_classical,
    egger_random_effects,
    rank_test,
)
from .dataset import EffectTable, with_peto_effects
from .fitting import ModelError
from .mantel_haenszel import PETO
from .methods import method_sentence, pooler
from .pooling import PooledEffect
from .sensitivity import Omission, leave_one_out
from .subgroups import SubgroupAnalysis, subgroup_analysis

RESULT_KEYS = (
    "k",
    "estimate",
    "se",
    "ci_lower",
    "ci_upper",
    "pi_lower",
    "pi_upper",
    "z_or_t",
    "p_value",
    "tau2",
    "i2",
    "h2",
    "q",
    "q_df",
    "q_p_value",
)


@dataclass(frozen=True)
class MetaAnalysis:
    table: EffectTable
    method: str
    knha: bool
    overall: PooledEffect
    subgroups: SubgroupAnalysis | None
    egger: RegressionTest | None
    egger_classical: RegressionTest | None
    rank: RankTest | None
    leave_one_out: list[Omission]
    method_note: str

    @property
    def few_studies_for_asymmetry(self) -> bool:
        return self.overall.k < MIN_STUDIES_FOR_ASYMMETRY_TESTS

    def as_json(self) -> dict[str, Any]:
        """Plain data with the keys the CLI and the exports promise; NaN becomes None."""
        data: dict[str, Any] = {
            "measure": self.table.measure,
            "ratio": self.table.ratio,
            "method": self.method,
            "knha": self.knha,
            "overall": _result_json(self.overall),
            "studies": [
                {key: _clean(value) for key, value in row.items()}
                for row in self.table.studies.to_dict(orient="records")
            ],
            "excluded": self.table.excluded,
            "method_note": self.method_note,
        }
        if self.subgroups:
            data["subgroups"] = {label: _result_json(r) for label, r in self.subgroups.subgroups.items()}
            separate, common = self.subgroups.separate_tau2, self.subgroups.common_tau2
            if separate:
                data["subgroup_test"] = {
                    "method": separate.method,
                    "q_between": separate.statistic,
                    "df": separate.df[0],
                    "p_value": separate.p_value,
                }
            if common:
                data["subgroup_test_common_tau2"] = {
                    "method": common.method,
                    "statistic": common.statistic_name,
                    "value": common.statistic,
                    "df": list(common.df),
                    "p_value": common.p_value,
                }
        if self.egger and self.egger_classical and self.rank:
            data["small_study_effects"] = {
                "few_studies_warning": self.few_studies_for_asymmetry,
                "egger": _test_json(self.egger),
                "egger_classical": _test_json(self.egger_classical),
                "rank_test": {"kendall_tau": self.rank.kendall_tau, "p_value": self.rank.p_value},
            }
        data["leave_one_out"] = [_omission_json(o) for o in self.leave_one_out]
        return data


def _sentence(text: str) -> str:
    return f"{text[:1].upper()}{text[1:]}."


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _result_json(result: PooledEffect) -> dict[str, Any]:
    data = {key: _clean(getattr(result, key)) for key in RESULT_KEYS}
    data["statistic"] = result.statistic
    data["tau2_ci"] = [_clean(result.tau2_ci_lower), _clean(result.tau2_ci_upper)]
    return data


def _omission_json(omission: Omission) -> dict[str, Any]:
    if omission.result is None:
        return {"omitted": omission.omitted, **dict.fromkeys(RESULT_KEYS), "problem": omission.problem}
    return {"omitted": omission.omitted, **_result_json(omission.result)}


def _test_json(test: RegressionTest) -> dict[str, Any]:
    return {
        "method": test.method,
        "statistic": test.statistic_name,
        "value": test.statistic,
        "df": test.df,
        "p_value": test.p_value,
        "intercept": test.intercept,
        "intercept_ci": list(test.intercept_ci),
    }


def meta_analyse(
    table: EffectTable, *, method: str = "REML", knha: bool = False, by_subgroup: bool = False
) -> MetaAnalysis:
    """The whole analysis of one table with one method: inverse variance (METHODS), "MH" or "PETO"."""
    if method == PETO:
        table = with_peto_effects(table)
    pool_studies = pooler(table, method, knha)
    every = np.ones(len(table.studies), dtype=bool)
    estimable = table.estimable
    if knha and estimable.sum() < 2:
        raise ModelError("the Hartung-Knapp method needs more studies than coefficients")
    overall = pool_studies(every)
    subgroups = subgroup_analysis(pool_studies, table.studies["subgroup"]) if by_subgroup else None
    yi, vi = table.yi[estimable], table.vi[estimable]
    small_study_method = pool_studies.inverse_variance_method
    enough = estimable.sum() >= 3
    labels = table.studies["study"].tolist()
    return MetaAnalysis(
        table=table,
        method=method,
        knha=knha,
        overall=overall,
        subgroups=subgroups,
        egger=egger_random_effects(yi, vi, method=small_study_method, knha=knha) if enough else None,
        egger_classical=egger_classical(yi, vi) if enough else None,
        rank=rank_test(yi, vi) if enough else None,
        leave_one_out=leave_one_out(pool_studies, labels) if overall.k > 2 else [],
        method_note=" ".join(
            filter(None, [_sentence(overall.method_name), method_sentence(table, method), *table.notes])
        ),
    )
