"""The app's numbers equal R's metafor for every two-arm measure and method, on two published data sets each
(sparse and zero-cell 2×2 tables and rates among them): each data set is typed into a review through the real
services, an outcome is defined per measure and method, one run is made, and every pooled result it stores is
compared with the committed metafor reference (tests/data/meta/metafor_reference, written by generate.R)."""

import pandas as pd
import pytest

from analysis.engine.methods import METHODS
from analysis.models import OutcomeDesign
from analysis.outcomes import save_mapping
from analysis.services import run_analysis
from extraction.models import FormField
from tests.analysis.entered import entered_review
from tests.analysis.metafor_reference import REFERENCE, RESULT_FIELDS, close, load

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
ARMS = ("intervention", "comparator")
NUMBER = {"field_type": "number"}
# Where a design's data set columns go on the RCT form ({form field: column} for arm 1 and arm 2), and the fields
# each of the outcome's engine columns reads.
LAYOUTS = {
    "dichotomous": (
        ({"events": "ai", "n_randomised": "n1i"}, {"events": "ci", "n_randomised": "n2i"}),
        {"events": "events", "n": "n_randomised"},
    ),
    "rate": (
        ({"events": "x1i", "person_time": "t1i"}, {"events": "x2i", "person_time": "t2i"}),
        {"events": "events", "person_time": "person_time", "n": "n_randomised"},
    ),
    "continuous": (
        ({"mean": "mean1", "sd": "sd1", "n_randomised": "n1"}, {"mean": "mean2", "sd": "sd2", "n_randomised": "n2"}),
        {"mean": "mean", "sd": "sd", "n": "n_randomised"},
    ),
}
DESIGNS = {
    "dichotomous": (
        OutcomeDesign.DICHOTOMOUS,
        ("RR", "OR", "RD"),
        {"RR": ("MH",), "OR": ("MH", "PETO"), "RD": ("MH",)},
    ),
    "rate": (OutcomeDesign.RATE, ("IRR", "IRD"), {"IRR": ("MH",), "IRD": ("MH",)}),
    "continuous": (OutcomeDesign.CONTINUOUS, ("MD", "SMD"), {}),
    "generic": (OutcomeDesign.GENERIC, ("GEN",), {}),
}
STUDY = {"study_design": "parallel RCT"}
NOMINAL_ARM = {"arm_label": "all participants", "n_randomised": 100}
DATA_SETS = ("nielweise2007", "hahn2001", "hart1999", "nielweise2008", "normand1999", "gibson2002")
GENERIC_DATA_SETS = ("hackshaw1998", "pignon2000")


def _arms(row: dict, design: str) -> list[dict]:
    """The two arms' values on the form. The rate and generic data sets publish no participant counts, which the
    form requires: n only counts participants here (no arm is shared), so those arms get a nominal 100."""
    layouts = LAYOUTS[design][0]
    return [
        {"arm_label": label, "n_randomised": 100} | {key: row[column] for key, column in layout.items()}
        for label, layout in zip(ARMS, layouts, strict=True)
    ]


def _review(personas, reference: dict):
    design, rows = reference["design"], pd.DataFrame(reference["data"]).to_dict(orient="records")
    if design == "generic":
        fields = ("estimate", "ci_lower", "ci_upper") if "estimate" in rows[0] else ("yi", "sei")
        study_fields = [FormField(key=f"gen_{key}", label=key, **NUMBER) for key in fields]
        studies = [(row["study"], STUDY | {f"gen_{key}": row[key] for key in fields}, [NOMINAL_ARM]) for row in rows]
        return entered_review(personas, studies, study_fields=study_fields), {key: f"gen_{key}" for key in fields}
    arm_fields = [FormField(key="person_time", label="Person-time", per_arm=True, **NUMBER)] if design == "rate" else []
    studies = [(row["study"], STUDY, _arms(row, design)) for row in rows]
    return entered_review(personas, studies, arm_fields=arm_fields), LAYOUTS[design][1]


def _expected(reference: dict, measure: str, method: str, knha: bool = False) -> dict | None:
    """metafor's result for the measure and method with escalc's and rma's defaults (add 1/2 to zero cells only,
    double zeros dropped for ratios but not for differences); None where the reference has no such case."""
    for case in reference["cases"]:
        correction = case.get("correction")
        default = correction is None or (
            correction["add"] == 0.5
            and correction["to"] == "only0"
            and correction["drop00"] == (measure in ("RR", "OR", "IRR"))
        )
        if (case["measure"], case["method"], case["knha"]) == (measure, method, knha) and default and "result" in case:
            return case
    return None


def _differences(run, expected: dict[str, dict]) -> list[str]:
    """Every pooled number of the run that differs from metafor's by more than 1e-6 (relative or absolute)."""
    found = []
    for key, result in expected.items():
        stored = run.results["outcomes"][key]["overall"]
        assert {"k", "estimate", "se", "ci_lower", "ci_upper", "q", "tau2"} <= stored.keys(), key
        for field in RESULT_FIELDS:
            if field in stored and result[field] is not None and not close(stored[field], result[field]):
                found.append(f"{key} {field}: {stored[field]!r} != metafor {result[field]!r}")
    return found


@pytest.mark.parametrize("name", DATA_SETS + GENERIC_DATA_SETS)
def test_the_app_pools_a_published_data_set_as_metafor_does_by_every_method(personas, name):
    reference = load(REFERENCE / f"{name}.json")
    review, columns = _review(personas, reference)
    design, measures, common_effect = DESIGNS[reference["design"]]
    expected = {}
    for measure in measures:
        for method in (*METHODS, *common_effect.get(measure, ())):
            key = f"{measure}_{method}".lower()
            case = _expected(reference, measure, method)
            save_mapping(
                review=review,
                user=personas.lead,
                mapping=None,
                key=key,
                label=key,
                group_field="",
                design=design,
                measure=measure,
                method=method,
                columns=columns,
                ratio=bool(case.get("ratio")),
                arm_field="" if design == OutcomeDesign.GENERIC else "arm_label",
                comparisons=[] if design == OutcomeDesign.GENERIC else [list(ARMS)],
            )
            expected[key] = case["result"]
    assert len(expected) == len(measures) * len(METHODS) + sum(map(len, common_effect.values()))
    assert _differences(run_analysis(review=review, user=personas.lead), expected) == []
    # Hartung-Knapp, a run's option, reaches every inverse-variance outcome (metafor's reference has it for REML).
    knha = {f"{m}_reml".lower(): case["result"] for m in measures if (case := _expected(reference, m, "REML", True))}
    assert knha and _differences(run_analysis(review=review, user=personas.lead, knha=True), knha) == []
