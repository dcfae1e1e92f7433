"""One complete meta-analysis of an effect table: overall, per subgroup, small-study tests and leave-one-out."""

import math
from dataclasses import dataclass

from .bias import (
    MIN_STUDIES_FOR_ASYMMETRY_TESTS,
    RankTest,
    RegressionTest,
    egger_classical,
    egger_random_effects,
    rank_test,
)
from .dataset import EffectTable
from .pooling import PooledEffect, pool
from .sensitivity import Omission, leave_one_out
from .subgroups import SubgroupAnalysis, subgroup_analysis

RESULT_KEYS = (
    "k", "estimate", "se", "ci_lower", "ci_upper", "pi_lower", "pi_upper", "z_or_t", "p_value",
    "tau2", "i2", "h2", "q", "q_df", "q_p_value",
)  # fmt: skip


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

    @property
    def few_studies_for_asymmetry(self):
        return self.overall.k < MIN_STUDIES_FOR_ASYMMETRY_TESTS

    def as_json(self):
        """Plain data with the keys the CLI and the exports promise; NaN becomes None."""
        data = {
            "measure": self.table.measure,
            "method": self.method,
            "knha": self.knha,
            "overall": _result_json(self.overall),
            "studies": [
                {key: _clean(value) for key, value in row.items()}
                for row in self.table.studies.to_dict(orient="records")
            ],
            "excluded": self.table.excluded,
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
        if self.egger:
            data["small_study_effects"] = {
                "few_studies_warning": self.few_studies_for_asymmetry,
                "egger": _test_json(self.egger),
                "egger_classical": _test_json(self.egger_classical),
                "rank_test": {"kendall_tau": self.rank.kendall_tau, "p_value": self.rank.p_value},
            }
        data["leave_one_out"] = [{"omitted": o.omitted, **_result_json(o.result)} for o in self.leave_one_out]
        return data


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _result_json(result):
    data = {key: _clean(getattr(result, key)) for key in RESULT_KEYS}
    data["statistic"] = result.statistic
    data["tau2_ci"] = [_clean(result.tau2_ci_lower), _clean(result.tau2_ci_upper)]
    return data


def _test_json(test):
    return {
        "method": test.method,
        "statistic": test.statistic_name,
        "value": test.statistic,
        "df": test.df,
        "p_value": test.p_value,
        "intercept": test.intercept,
        "intercept_ci": list(test.intercept_ci),
    }


def meta_analyse(table, *, method="REML", knha=False, by_subgroup=False):
    yi, vi = table.yi, table.vi
    overall = pool(yi, vi, method=method, knha=knha)
    subgroups = None
    if by_subgroup:
        subgroups = subgroup_analysis(yi, vi, table.studies["subgroup"], method=method, knha=knha)
    enough = overall.k >= 3
    return MetaAnalysis(
        table=table,
        method=method,
        knha=knha,
        overall=overall,
        subgroups=subgroups,
        egger=egger_random_effects(yi, vi, method=method, knha=knha) if enough else None,
        egger_classical=egger_classical(yi, vi) if enough else None,
        rank=rank_test(yi, vi) if enough else None,
        leave_one_out=leave_one_out(yi, vi, table.studies["study"], method=method, knha=knha) if overall.k > 2 else [],
    )
