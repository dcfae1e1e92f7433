"""What a run exports: pooled results as rows, and an R script that recomputes them with metafor."""

from django.template.loader import render_to_string

from .engine.analysis import RESULT_KEYS

POOLED_COLUMNS = [
    "outcome",
    "group",
    "k",
    "patients",
    "estimate",
    "ci_lower",
    "ci_upper",
    "pi_lower",
    "pi_upper",
    "effect_statistic",
    "effect_value",
    "effect_p_value",
    "tau2",
    "i2",
    "q",
    "q_df",
    "heterogeneity_p_value",
    "measure",
    "method",
    "hartung_knapp",
]


def pooled_rows(run) -> list[list]:
    """One row per outcome and treatment (and all studies), then the tests for subgroup differences."""
    rows = [POOLED_COLUMNS]
    tests = [["outcome", "test", "method", "statistic", "value", "df", "p_value"]]
    for key, outcome in run.results["outcomes"].items():
        groups = [("all studies", outcome["overall"]), *outcome.get("subgroups", {}).items()]
        for group, result in groups:
            patients = result.get("patients", sum(s["n"] for s in outcome["studies"]))
            rows.append(
                [
                    key,
                    group,
                    result["k"],
                    patients,
                    result["estimate"],
                    result["ci_lower"],
                    result["ci_upper"],
                    result["pi_lower"],
                    result["pi_upper"],
                    result["statistic"],
                    result["z_or_t"],
                    result["p_value"],
                    result["tau2"],
                    result["i2"],
                    result["q"],
                    result["q_df"],
                    result["q_p_value"],
                    outcome["measure"],  # an outcome's own (a two-arm outcome has one), else the run's
                    outcome["method"],
                    outcome["knha"],
                ]
            )
        if outcome.get("subgroup_test"):
            test = outcome["subgroup_test"]
            tests.append(
                [key, "subgroup differences", test["method"], "Q", test["q_between"], test["df"], test["p_value"]]
            )
        if outcome.get("meta_regression", {}).get("moderator_test"):
            regression = outcome["meta_regression"]
            test = regression["moderator_test"]
            tests.append(
                [
                    key,
                    f"meta-regression on {regression['field']}",
                    regression["method"],
                    test["statistic_name"],
                    test["statistic"],
                    "/".join(str(df) for df in test["df"]),
                    test["p_value"],
                ]
            )
        if outcome.get("subgroup_test_common_tau2"):
            test = outcome["subgroup_test_common_tau2"]
            tests.append(
                [
                    key,
                    "subgroup differences",
                    test["method"],
                    test["statistic"],
                    test["value"],
                    "/".join(str(df) for df in test["df"]),
                    test["p_value"],
                ]
            )
    return rows + [[]] + tests + _regression_rows(run)


REGRESSION_COLUMNS = [
    "outcome",
    "moderator",
    "coefficient",
    "estimate",
    "se",
    "ci_lower",
    "ci_upper",
    "p_value",
    "k",
    "residual_tau2",
    "residual_i2",
    "method",
    "hartung_knapp",
]


def _regression_rows(run) -> list[list]:
    """The outcomes' meta-regressions, a row per coefficient (after a blank line); the tests of their moderators
    are among the tests above. None when no outcome has a moderator."""
    rows = []
    for key, outcome in run.results["outcomes"].items():
        regression = outcome.get("meta_regression", {})
        for row in regression.get("coefficients", ()):
            numbers = [row[name] for name in ("estimate", "se", "ci_lower", "ci_upper", "p_value")]
            model = [regression[name] for name in ("k", "tau2", "i2", "method", "knha")]
            rows.append([key, regression["field"], row["term"], *numbers, *model])
    return [[], REGRESSION_COLUMNS, *rows] if rows else []


def r_script(run) -> str:
    """A metafor script with the run's effect sizes and settings that prints the same pooled numbers."""
    outcomes = [
        {"key": key, **outcome, "counts": _count_columns(outcome["studies"])}
        for key, outcome in run.results["outcomes"].items()
    ]
    tandem_rows = [
        {"outcome": outcome["key"], "subgroup": subgroup, "numbers": [(key, result[key]) for key in RESULT_KEYS]}
        for outcome in outcomes
        for subgroup, result in [(None, outcome["overall"]), *outcome.get("subgroups", {}).items()]
    ]
    context = {"run": run, "test": "knha" if run.knha else "z", "outcomes": outcomes, "tandem_rows": tandem_rows}
    return render_to_string("analysis/metafor.R", context)


# The counts of each study, which Mantel-Haenszel and Peto pool (metafor's names): 2×2 tables, then person-time.
COUNT_COLUMNS = (("ai", "n1i", "ci", "n2i"), ("x1i", "t1i", "x2i", "t2i"))


def _count_columns(studies: list[dict]) -> list[tuple[str, list]]:
    """(column, value per study) of the counts an outcome's studies hold; none for other designs."""
    for names in COUNT_COLUMNS:
        if studies and all(study.get(name) is not None for study in studies for name in names):
            return [(name, [study[name] for study in studies]) for name in names]
    return []
