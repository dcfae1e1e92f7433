"""GRADE proposals on constructed cases, one domain at a time, and the absolute effects per 1,000."""

import math

import pytest

from appraisal import grade


def test_risk_of_bias_rates_down_when_most_weight_is_from_studies_at_high_risk():
    proposal = grade.risk_of_bias([40, 30, 30], ["high", "high", "low"])
    assert (proposal.change, proposal.rule) == (-1, "RoB.high-risk-majority")
    assert "70% of the weight from studies at high risk" in proposal.reason


def test_risk_of_bias_counts_some_concerns_once_high_risk_is_not_a_majority():
    proposal = grade.risk_of_bias([20, 40, 40], ["high", "some_concerns", "low"])
    assert (proposal.change, proposal.rule) == (-1, "RoB.concerns-majority")


def test_risk_of_bias_is_not_serious_when_most_weight_is_at_low_risk():
    proposal = grade.risk_of_bias([10, 30, 60], ["high", "some_concerns", "low"])
    assert (proposal.change, proposal.rule) == (0, "RoB.mostly-low")


def test_risk_of_bias_refuses_weights_that_do_not_match_the_studies():
    with pytest.raises(ValueError, match="one weight"):
        grade.risk_of_bias([1, 2], ["low"])
    with pytest.raises(ValueError, match="serious"):
        grade.risk_of_bias([1], ["serious"])


@pytest.mark.parametrize(
    ("severity", "top", "category"),
    [
        (0, 2, "low"),
        (1, 2, "some_concerns"),
        (2, 2, "high"),
        (1, 3, "some_concerns"),
        (2, 3, "high"),
        (3, 3, "high"),
        (None, 3, "some_concerns"),
    ],
)
def test_risk_category_of_rob2_and_robins_i_judgements(severity, top, category):
    assert grade.risk_category(severity, top) == category


def test_inconsistency_rates_down_for_substantial_i2():
    proposal = grade.inconsistency(k=5, i2=62.0, ci=(0.5, 0.8), prediction=(0.45, 0.9), null=1.0)
    assert proposal.change == -1 and "I² = 62%" in proposal.reason


def test_inconsistency_rates_down_when_only_the_prediction_interval_crosses_the_decision_threshold():
    proposal = grade.inconsistency(k=6, i2=35.0, ci=(0.55, 0.75), prediction=(0.4, 0.95), null=1.0, threshold=0.8)
    assert proposal.change == -1 and "decision threshold (0.8)" in proposal.reason
    assert "crosses the null" not in proposal.reason


def test_inconsistency_is_not_serious_for_homogeneous_studies_and_not_assessable_for_one():
    assert grade.inconsistency(k=4, i2=10.0, ci=(0.5, 0.8), prediction=(0.45, 0.85), null=1.0).change == 0
    single = grade.inconsistency(k=1, i2=None, ci=(0.5, 0.8), prediction=None, null=1.0)
    assert (single.change, single.rule) == (0, "INC.single-study")


def test_imprecision_two_levels_when_the_interval_holds_appreciable_benefit_and_harm():
    proposal = grade.imprecision(measure="RR", ci=(0.6, 1.4), null=1.0)
    assert (proposal.change, proposal.rule) == (-2, "IMP.benefit-and-harm")


def test_imprecision_one_level_when_the_interval_crosses_the_null():
    assert grade.imprecision(measure="RR", ci=(0.8, 1.1), null=1.0).change == -1
    assert grade.imprecision(measure="MD", ci=(-3.0, 0.5), null=0.0).change == -1


def test_imprecision_one_level_when_the_interval_crosses_the_leads_minimally_important_difference():
    proposal = grade.imprecision(measure="MD", ci=(-8.0, -2.0), null=0.0, mid=(-5.0, 5.0))
    assert proposal.change == -1 and "minimally important difference" in proposal.reason


def test_imprecision_one_level_when_the_optimal_information_size_is_not_met():
    proposal = grade.imprecision(measure="RR", ci=(0.5, 0.8), null=1.0, participants=600, optimal_information_size=1806)
    assert proposal.change == -1 and "fewer than the optimal information size of 1806" in proposal.reason
    met = grade.imprecision(measure="RR", ci=(0.5, 0.8), null=1.0, participants=2000, optimal_information_size=1806)
    assert met.change == 0


def test_optimal_information_size_for_two_proportions():
    # Control risk 20%, relative risk reduction 25%: 15% with the intervention. Per group
    # (1.959964 + 0.841621)² × (0.2 × 0.8 + 0.15 × 0.85) / 0.05² = 7.848887 × 0.2875 / 0.0025 = 902.6 -> 903.
    assert grade.optimal_information_size(control_risk=0.2, relative_risk_reduction=0.25) == 1806
    # A smaller control risk needs more participants; more power needs more.
    assert grade.optimal_information_size(control_risk=0.05, relative_risk_reduction=0.25) > 1806
    assert grade.optimal_information_size(control_risk=0.2, relative_risk_reduction=0.25, beta=0.1) > 1806
    with pytest.raises(ValueError):
        grade.optimal_information_size(control_risk=0, relative_risk_reduction=0.25)


def test_optimal_information_size_for_a_mean_difference():
    # SMD 0.2: 2 × 7.848887 / 0.04 = 392.4 -> 393 per group.
    assert grade.optimal_information_size_continuous(sd=1.0, difference=0.2) == 786


def test_publication_bias_warns_below_ten_studies_and_tests_from_ten():
    few = grade.publication_bias(k=9, p_value=0.01)
    assert (few.change, few.rule) == (0, "PB.too-few-studies") and "at least 10" in few.reason
    assert grade.publication_bias(k=12, p_value=0.04).change == -1
    assert grade.publication_bias(k=12, p_value=0.30).change == 0


def test_indirectness_is_the_leads_judgement_with_a_reason():
    assert grade.indirectness(change=-1, reason="Adults only").reason == "Serious: Adults only."
    with pytest.raises(ValueError, match="needs a reason"):
        grade.indirectness(change=-1)
    with pytest.raises(ValueError):
        grade.indirectness(change=-3, reason="x")


def test_large_effects_rate_up():
    assert grade.large_effect(measure="RR", estimate=0.3, ci=(0.2, 0.45)).change == 1
    assert grade.large_effect(measure="OR", estimate=7.0, ci=(5.5, 9.0)).change == 2
    assert grade.large_effect(measure="RR", estimate=0.3, ci=(0.08, 1.2)).change == 0
    assert grade.large_effect(measure="RR", estimate=0.7, ci=(0.6, 0.8)).change == 0


def test_certainty_starts_by_design_and_stays_between_very_low_and_high():
    down = grade.Proposal("imprecision", -2, "x", "", "")
    assert grade.certainty("randomised", []).label == "high"
    assert grade.certainty("randomised", [down, grade.risk_of_bias([1], ["high"])]).label == "very low"
    assert grade.certainty("randomised", [down, down]).level == 1
    assert grade.certainty("observational", []).label == "low"
    assert grade.certainty("observational_robins_i", []).label == "high"


def test_observational_evidence_is_rated_up_only_when_nothing_rates_it_down():
    up = grade.large_effect(measure="RR", estimate=0.1, ci=(0.05, 0.2))
    assert grade.certainty("observational", [up]).label == "high"
    assert grade.certainty("observational", [up, grade.publication_bias(k=15, p_value=0.01)]).label == "very low"
    assert grade.certainty("randomised", [up]).upgrades == 0
    assert grade.certainty("observational", [up]).symbols == "⊕⊕⊕⊕"


def test_absolute_effects_per_1000_from_a_risk_ratio():
    effect = grade.absolute_effect(measure="RR", estimate=0.75, ci=(0.6, 0.9), control_risk=0.2)
    assert effect.control == pytest.approx(200)
    assert effect.intervention == pytest.approx((150, 120, 180))
    assert effect.difference == pytest.approx((-50, -80, -20))
    assert [grade.per_1000(d) for d in effect.difference] == ["50 fewer", "80 fewer", "20 fewer"]


def test_absolute_effects_from_an_odds_ratio_and_a_hazard_ratio_and_a_risk_difference():
    odds = grade.absolute_effect(measure="OR", estimate=2.0, ci=(1.0, 4.0), control_risk=0.1)
    assert odds.intervention[0] == pytest.approx(1000 * 0.2 / 1.1)  # odds 1/9 doubled: 2/9, risk 2/11
    hazard = grade.absolute_effect(measure="HR", estimate=0.5, ci=(0.25, 1.0), control_risk=0.36)
    assert hazard.intervention == pytest.approx((200, 1000 * (1 - 0.64**0.25), 360))
    assert math.isclose(
        grade.absolute_effect(measure="RD", estimate=-0.05, ci=(-0.1, 0.0), control_risk=0.2).difference[0], -50
    )
    assert grade.per_1000(12.4) == "12 more"


def test_absolute_effects_refuse_a_continuous_measure_and_a_risk_outside_0_1():
    with pytest.raises(ValueError, match="not MD"):
        grade.absolute_effect(measure="MD", estimate=1, ci=(0, 2), control_risk=0.2)
    with pytest.raises(ValueError, match="proportion"):
        grade.absolute_effect(measure="RR", estimate=1, ci=(0.5, 2), control_risk=20)
