"""Effect sizes against metafor's escalc (wviechtb/metafor@71ae8f5 test files named per test)."""

import numpy as np
import pytest

from analysis.engine import effects
from analysis.engine.counts import person_time
from tests.analysis.reference import bcg, printed, read


def morris(arm):
    frame = read("morris2008.csv")
    return frame[frame.arm == arm]


# test_analysis_example_morris2008.r: escalc(measure="SMCR", m1i=m_post, m2i=m_pre, sd1i=sd_pre, ni, ri)
SMCR = {
    "treatment": ([0.5056, 1.0481, 1.8054, 1.4181, 0.0801], [0.0594, 0.0254, 0.2322, 0.1225, 0.0802]),
    "control": ([-0.2365, 0.0958, 0.0000, 0.2667, -0.4250], [0.0544, 0.0173, 0.0511, 0.0232, 0.0864]),
}
# same file, measure="SMCC" with sd1i=sd_post, sd2i=sd_pre
SMCC = {
    "treatment": ([0.5417, 1.0198, 2.6619, 1.9088, 0.0765], [0.0573, 0.0304, 0.5048, 0.2822, 0.0716]),
    "control": ([-0.2213, 0.1219, 0.0000, 0.5575, -0.2126], [0.0512, 0.0240, 0.1111, 0.1050, 0.0730]),
}


@pytest.mark.parametrize("arm", ["treatment", "control"])
def test_standardised_mean_change_raw_matches_morris_2008(arm):
    d = morris(arm)
    es = effects.standardised_mean_change_raw(d.n, d.mean_pre, d.sd_pre, d.mean_post, d.r)
    assert es.yi.tolist() == [printed(v, 4) for v in SMCR[arm][0]]
    assert es.vi.tolist() == [printed(v, 4) for v in SMCR[arm][1]]


@pytest.mark.parametrize("arm", ["treatment", "control"])
def test_standardised_mean_change_change_matches_morris_2008(arm):
    d = morris(arm)
    es = effects.standardised_mean_change_change(d.n, d.mean_pre, d.sd_pre, d.mean_post, d.sd_post, d.r)
    assert es.yi.tolist() == [printed(v, 4) for v in SMCC[arm][0]]
    assert es.vi.tolist() == [printed(v, 4) for v in SMCC[arm][1]]


def test_smcr_estimate_ignores_r_but_its_variance_does_not():
    d = morris("treatment")
    low = effects.standardised_mean_change_raw(d.n, d.mean_pre, d.sd_pre, d.mean_post, 0.2)
    high = effects.standardised_mean_change_raw(d.n, d.mean_pre, d.sd_pre, d.mean_post, 0.8)
    np.testing.assert_allclose(low.yi, high.yi)
    assert np.all(low.vi > high.vi)


def test_a_fall_after_treatment_is_negative():
    es = effects.standardised_mean_change_raw(30, 1.8, 0.9, 0.4, 0.5)
    assert es.yi < 0
    assert effects.mean_change(30, 1.8, 0.9, 0.4, 0.5, 0.5).yi == pytest.approx(-1.4)


def test_mean_change_variance_is_change_sd_squared_over_n():
    # Morris 2008 treatment study 1: SD of the change with r = .47
    es = effects.mean_change(20, 30.6, 15.0, 38.5, 11.6, 0.47)
    assert es.yi == pytest.approx(7.9)
    assert es.vi == pytest.approx((15.0**2 + 11.6**2 - 2 * 0.47 * 15.0 * 11.6) / 20)


def test_standardised_mean_difference_matches_metafor_normand_1999():
    # test_misc_escalc.r: escalc(measure="SMD", ..., data=dat.normand1999, subset=1:4)
    d = read("normand1999.csv").head(4)
    es = effects.standardised_mean_difference(d.n1i, d.m1i, d.sd1i, d.n2i, d.m2i, d.sd2i)
    assert es.yi.tolist() == [printed(v, 4) for v in [-0.3552, -0.3479, -2.3176, -1.8880]]
    assert es.vi.tolist() == [printed(v, 4) for v in [0.0131, 0.0645, 0.0458, 0.1606]]


def normand_mean_differences():
    # test_analysis_example_normand1999.r: MD with the pooled SD given for both groups
    d = read("normand1999.csv")
    pooled = np.sqrt(((d.n1i - 1) * d.sd1i**2 + (d.n2i - 1) * d.sd2i**2) / (d.n1i + d.n2i - 2))
    return effects.mean_difference(d.n1i, d.m1i, pooled, d.n2i, d.m2i, pooled)


def test_mean_difference_matches_normand_1999():
    es = normand_mean_differences()
    assert es.yi.tolist() == [-20, -2, -55, -71, -4, 1, 11, -10, 7]
    expected = [40.5863, 2.0468, 15.2809, 150.2222, 20.1923, 1.2235, 95.3756, 8.0321, 20.6936]
    assert es.vi.tolist() == [printed(v, 4) for v in expected]


def test_log_rate_ratio_matches_rothman_2008():
    # test_analysis_example_rothman2008.r, Table 15-2: smokers vs non-smokers, deaths over 10,000 person-years
    x1 = [32, 104, 206, 186, 102]
    t1 = np.array([52407, 43248, 28612, 12663, 5317]) / 10000
    x2 = [2, 12, 28, 28, 31]
    t2 = np.array([18790, 10673, 5710, 2585, 1462]) / 10000
    es = person_time("IRR", x1, t1, x2, t2)
    half = 1.959963984540054 * np.sqrt(es.vi)
    assert np.exp(es.yi).tolist() == [printed(v, 4) for v in [5.7366, 2.1388, 1.4682, 1.3561, 0.9047]]
    assert np.exp(es.yi - half).tolist() == [printed(v, 4) for v in [1.3748, 1.1767, 0.9894, 0.9115, 0.6053]]
    assert np.exp(es.yi + half).tolist() == [printed(v, 4) for v in [23.9371, 3.8876, 2.1789, 2.0176, 1.3524]]


def test_log_rate_ratio_adds_a_half_to_zero_counts():
    es = person_time("IRR", [0], [10.0], [4], [10.0])
    assert es.yi == pytest.approx(np.log(0.5 / 4.5))
    assert es.vi == pytest.approx(1 / 0.5 + 1 / 4.5)


def test_log_risk_ratio_matches_the_published_bcg_values():
    frame, yi, vi = bcg()
    assert yi.tolist() == [printed(v, 4) for v in frame.yi_logRR_published]
    assert vi.tolist() == [printed(v, 4) for v in frame.vi_published]


def test_exact_small_sample_correction_is_close_to_hedges_approximation_and_finite_for_huge_samples():
    m = np.array([5, 20, 100, 1000])
    np.testing.assert_allclose(effects.small_sample_correction(m), 1 - 3 / (4 * m - 1), atol=2e-3)
    assert effects.small_sample_correction(10**7) == pytest.approx(1.0)
