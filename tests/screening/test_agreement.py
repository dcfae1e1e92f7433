"""Agreement statistics against published worked examples."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screening.agreement import agreement

VOTES = ["include", "exclude", "maybe"]


def pairs_from(table, labels):
    return [(labels[i], labels[j]) for i, row in enumerate(table) for j, count in enumerate(row) for _ in range(count)]


def test_cohens_kappa_and_its_confidence_interval_match_fleiss_and_paik():
    # statpsych ci.kappa(.05, f00=31, f01=12, f10=4, f11=58), after Fleiss & Paik (2003):
    # Cohen kappa 0.6756757, SE 0.07344761, 95% CI 0.5317210 to 0.8196303
    result = agreement(pairs_from([[31, 12], [4, 58]], ["exclude", "include"]))
    assert result.kappa == pytest.approx(0.6756757, abs=5e-8)
    assert result.kappa_se == pytest.approx(0.07344761, abs=5e-9)
    assert result.kappa_ci == (pytest.approx(0.5317210, abs=5e-8), pytest.approx(0.8196303, abs=5e-8))


def test_three_categories_match_gwets_irrcac_example():
    # irrCAC README, cont3x3abstractors: kappa 0.7964094 (SE 0.05891072), AC1 0.8493305,
    # Brennan-Prediger (PABAK for three categories) 0.835, percent agreement 0.89
    result = agreement(pairs_from([[13, 0, 0], [0, 20, 7], [0, 4, 56]], ["ectopic", "aiu", "niu"]))
    assert (result.kappa, result.kappa_se) == (pytest.approx(0.7964094, abs=5e-8), pytest.approx(0.05891072, abs=5e-9))
    assert result.ac1 == pytest.approx(0.8493305, abs=5e-8)
    assert result.pabak == pytest.approx(0.835)
    assert result.percent_agreement == pytest.approx(89.0)


def test_high_prevalence_paradox_kappa_low_ac1_high():
    result = agreement(pairs_from([[90, 5], [4, 1]], ["exclude", "include"]))
    assert result.percent_agreement == pytest.approx(91.0)
    assert result.kappa < 0.2 < 0.8 < result.ac1


def test_perfect_agreement_on_a_single_category_has_no_kappa():
    result = agreement([("exclude", "exclude")] * 10)
    assert (result.percent_agreement, result.kappa) == (100.0, None)


def test_no_pairs():
    assert agreement([]).n == 0


def test_the_kappa_interval_is_cut_to_kappas_range():
    # Wald: 0.5714286 ± 1.959964 × 0.3534798 = −0.1213790 to 1.2642362, but κ cannot exceed 1.
    result = agreement(pairs_from([[4, 1], [0, 1]], ["exclude", "include"]))
    assert result.kappa == pytest.approx(0.5714286, abs=5e-8)
    assert result.kappa_ci == (pytest.approx(-0.1213790, abs=5e-8), 1.0)


@given(st.lists(st.tuples(st.sampled_from(VOTES), st.sampled_from(VOTES)), min_size=1))
def test_the_kappa_interval_holds_kappa_within_minus_one_and_one(pairs):
    result = agreement(pairs)
    if result.kappa is not None:
        low, high = result.kappa_ci
        assert -1 <= low <= result.kappa <= high <= 1
