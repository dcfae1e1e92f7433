"""Tandem's GRADE proposal for each domain, on outcomes constructed so that one domain's rule fires."""

import math

import pytest

from appraisal.grade_inputs import study_key
from certainty.evidence import Settings, absolute, propose, read


def outcome(*, studies, estimate=-0.5, ci=(-0.8, -0.2), pi=None, i2=10.0, tau2=0.0, ratio=False, measure="MD", **extra):
    rows = [{"study": name, "yi": -0.5, "vi": vi, **fields} for name, vi, fields in studies]
    overall = {
        "k": len(rows),
        "estimate": estimate,
        "ci_lower": ci[0],
        "ci_upper": ci[1],
        "pi_lower": (pi or ci)[0],
        "pi_upper": (pi or ci)[1],
        "i2": i2,
        "tau2": tau2,
    }
    return {"label": "Relapse", "measure": measure, "ratio": ratio, "overall": overall, "studies": rows, **extra}


THREE = [("A 2001", 0.01, {}), ("B 2002", 0.04, {}), ("C 2003", 0.04, {})]  # weights 4:1:1 of 6


def test_risk_of_bias_rated_down_when_high_risk_studies_carry_most_of_the_weight():
    evidence = read(outcome(studies=THREE))
    assert evidence.weights["A 2001"] == pytest.approx(2 / 3)
    down = propose(evidence, {"A 2001": "high", "B 2002": "low", "C 2003": "low"})["risk_of_bias"]
    assert (down.change, down.rule) == (-1, "RoB.high-risk-majority") and "67% of the weight" in down.reason
    low = propose(evidence, {"A 2001": "low", "B 2002": "high", "C 2003": "high"})["risk_of_bias"]
    assert (low.change, low.rule) == (0, "RoB.mostly-low")


def test_a_study_without_a_settled_assessment_counts_as_some_concerns_and_is_named():
    evidence = read(outcome(studies=THREE))
    proposal = propose(evidence, {"A 2001": None, "B 2002": "low", "C 2003": "low"})["risk_of_bias"]
    assert proposal.change == -1 and proposal.rule == "RoB.concerns-majority"
    assert "Not assessed (counted as some concerns): A 2001." in proposal.notes


def test_the_overall_weights_include_tau2():
    evidence = read(outcome(studies=THREE, tau2=0.06))  # 1/0.07 : 1/0.1 : 1/0.1
    assert evidence.weights["A 2001"] == pytest.approx((1 / 0.07) / (1 / 0.07 + 20))


def test_inconsistency_rated_down_for_i2_or_a_prediction_interval_crossing_the_null():
    risks = dict.fromkeys(("A 2001", "B 2002", "C 2003"), "low")
    assert propose(read(outcome(studies=THREE, i2=72.0)), risks)["inconsistency"].change == -1
    wide = read(outcome(studies=THREE, i2=30.0, pi=(-1.2, 0.3)))
    assert "prediction interval" in propose(wide, risks)["inconsistency"].reason
    assert propose(read(outcome(studies=THREE, i2=30.0)), risks)["inconsistency"].change == 0


def test_imprecision_rated_down_when_the_interval_crosses_the_null_or_the_leads_mid():
    risks = {}
    crossing = read(outcome(studies=THREE, ci=(-0.6, 0.1)))
    assert propose(crossing, risks)["imprecision"].change == -1
    narrow = read(outcome(studies=THREE, ci=(-0.8, -0.2)))
    assert propose(narrow, risks)["imprecision"].change == 0
    assert propose(narrow, risks, Settings(mid=(-0.5, 0.5)))["imprecision"].change == -1


def dichotomous(events=(10, 12), totals=(100, 100), control=(20, 20), estimate=0.55, ci=(0.35, 0.85)):
    studies = [
        (f"T{i} 2010", 0.1, {"ai": a, "n1i": n, "ci": c, "n2i": n})
        for i, (a, n, c) in enumerate(zip(events, totals, control, strict=True))
    ]
    log = (math.log(estimate), math.log(ci[0]), math.log(ci[1]))
    return read(outcome(studies=studies, estimate=log[0], ci=log[1:], ratio=True, measure="RR"))


def test_imprecision_rated_down_for_a_dichotomous_outcome_below_the_optimal_information_size():
    evidence = dichotomous()
    assert evidence.dichotomous and evidence.control_risk == pytest.approx(0.2)
    proposal = propose(evidence, {})["imprecision"]
    assert proposal.change == -1 and "fewer than the optimal information size of 1806" in proposal.reason
    large = dichotomous(events=(100, 120), totals=(1000, 1000), control=(200, 200))
    assert propose(large, {})["imprecision"].change == 0


def test_imprecision_two_levels_when_a_ratios_interval_holds_appreciable_benefit_and_harm():
    evidence = dichotomous(estimate=0.9, ci=(0.6, 1.4))
    assert propose(evidence, {})["imprecision"].change == -2


def test_publication_bias_warns_below_ten_studies_and_tests_from_ten():
    few = read(outcome(studies=THREE, small_study_effects={"egger": {"p_value": 0.01}}))
    assert propose(few, {})["publication_bias"].rule == "PB.too-few-studies"
    ten = [(f"S{i} 2000", 0.05, {}) for i in range(10)]
    tested = read(outcome(studies=ten, small_study_effects={"egger": {"p_value": 0.03}}))
    assert propose(tested, {})["publication_bias"].change == -1


def test_indirectness_waits_for_the_lead_and_large_effect_only_for_observational_evidence():
    evidence = dichotomous(estimate=0.3, ci=(0.2, 0.45))
    proposals = propose(evidence, {})
    assert proposals["indirectness"].change == 0 and "the lead" in proposals["indirectness"].reason
    assert "large_effect" not in proposals
    assert propose(evidence, {}, Settings(start="observational"))["large_effect"].change == 1


def test_absolute_effects_per_1000_from_the_control_arms_or_the_leads_risk():
    evidence = dichotomous(estimate=0.75, ci=(0.6, 0.9))
    effect = absolute(evidence, Settings())
    assert effect is not None and effect.control == pytest.approx(200)
    assert effect.difference == pytest.approx((-50, -80, -20))
    assert absolute(evidence, Settings(control_risk=0.1)).control == pytest.approx(100)
    assert absolute(read(outcome(studies=THREE)), Settings()) is None


def test_row_names_give_the_study_label_and_id():
    assert study_key("Kim 2019") == ("Kim 2019", None)
    assert study_key("Kim 2019 (arm 2)") == ("Kim 2019", None)
    assert study_key("Kim 2019 [14] (arm tocilizumab)") == ("Kim 2019", 14)
