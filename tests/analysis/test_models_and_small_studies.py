"""Subgroups, meta-regression, small-study tests and leave-one-out against metafor (wviechtb/metafor@71ae8f5)."""

import numpy as np
import pytest

from analysis.engine.bias import egger_classical, egger_random_effects, egger_weighted, funnel_data, rank_test
from analysis.engine.fitting import ModelError, fit
from analysis.engine.methods import InverseVariance
from analysis.engine.regression import meta_regression
from analysis.engine.sensitivity import leave_one_out
from analysis.engine.subgroups import COMMON_TAU2, SEPARATE_TAU2, subgroup_analysis
from tests.analysis.reference import bcg, egger2001, printed


def test_bcg_meta_regression_on_latitude():
    # docs/reference/emmprep.html: rma(yi, vi, mods = ~ ablat, data=dat)
    frame, yi, vi = bcg()
    model = fit(yi, vi, np.column_stack([np.ones(len(yi)), frame.ablat]))
    assert model.tau2 == printed(0.0764, 4)
    assert model.se_tau2 == printed(0.0591, 4)
    assert (model.i2, model.h2) == (printed(68.39, 2), printed(3.16, 2))
    assert (model.qe, model.qe_df) == (printed(30.7331, 4), 11)
    assert model.beta.tolist() == [printed(0.2515, 4), printed(-0.0291, 4)]
    assert np.sqrt(np.diag(model.vcov)).tolist() == [printed(0.2491, 4), printed(0.0072, 4)]
    assert model.wald_test([1])[0] == printed(16.3571, 4)


def test_bcg_meta_regression_as_the_app_stores_it():
    # The same model's printed table: intrcpt 0.2515 (0.2491), z 1.0095, p 0.3127, CI -0.2368 to 0.7397; ablat
    # -0.0291 (0.0072), z -4.0444, p < .0001, CI -0.0432 to -0.0150; QM(df = 1) = 16.3571, p < .0001.
    frame, yi, vi = bcg()
    result = meta_regression(yi, vi, frame.ablat, method="REML", knha=False)
    intercept, slope = result["coefficients"]
    assert [intercept[key] for key in ("estimate", "se", "statistic", "p_value", "ci_lower", "ci_upper")] == [
        printed(value, 4) for value in (0.2515, 0.2491, 1.0095, 0.3127, -0.2368, 0.7397)
    ]
    assert [slope[key] for key in ("estimate", "se", "statistic", "ci_lower", "ci_upper")] == [
        printed(value, 4) for value in (-0.0291, 0.0072, -4.0444, -0.0432, -0.0150)
    ]
    assert slope["p_value"] < 1e-4 and result["moderator_test"]["p_value"] < 1e-4
    assert (result["moderator_test"]["statistic"], result["moderator_test"]["df"]) == (printed(16.3571, 4), [1])
    assert (result["k"], result["tau2"], result["i2"]) == (13, printed(0.0764, 4), printed(68.39, 2))


def test_bcg_subgroups_by_allocation_with_both_tests_named():
    # docs/reference/emmprep.html: QM(df = 2) = 1.7675, p-val = 0.4132 for mods = ~ alloc (common τ²)
    frame, yi, vi = bcg()
    analysis = subgroup_analysis(InverseVariance(yi, vi, "REML", knha=False), frame.alloc)
    assert list(analysis.subgroups) == ["random", "alternate", "systematic"]
    assert analysis.subgroups["random"].estimate == printed(-0.9710, 4)
    assert analysis.common_tau2.method == COMMON_TAU2
    assert (analysis.common_tau2.statistic, analysis.common_tau2.df) == (printed(1.7675, 4), (2,))
    assert analysis.common_tau2.p_value == printed(0.4132, 4)
    assert analysis.separate_tau2.method == SEPARATE_TAU2
    assert analysis.separate_tau2.df == (2,)
    assert analysis.separate_tau2.statistic == pytest.approx(1.8615, abs=2e-4)


def test_subgroup_test_with_hartung_knapp_is_an_f_test():
    frame, yi, vi = bcg()
    common = subgroup_analysis(InverseVariance(yi, vi, "REML", knha=True), frame.alloc).common_tau2
    assert (common.statistic_name, common.df) == ("F", (2, 10))


def test_single_subgroup_has_no_test_for_differences():
    frame, yi, vi = bcg()
    analysis = subgroup_analysis(InverseVariance(yi, vi, "REML", knha=False), ["all"] * len(yi))
    assert analysis.separate_tau2 is None and analysis.common_tau2 is None


MAGNESIUM_WITHOUT_ISIS4 = slice(0, 15)


def test_egger_2001_random_effects_model_without_isis4():
    # docs/reference/regtest.html: res <- rma(yi, vi, data=dat, subset=-16)
    _, yi, vi = egger2001()
    from analysis.engine.pooling import pool

    r = pool(yi[MAGNESIUM_WITHOUT_ISIS4], vi[MAGNESIUM_WITHOUT_ISIS4])
    assert (r.estimate, r.se, r.z_or_t) == (printed(-0.8745, 4), printed(0.2080, 4), printed(-4.2049, 4))
    assert (r.tau2, r.i2, r.q) == (printed(0.1911, 4), printed(38.19, 2), printed(20.9184, 4))
    assert r.q_p_value == printed(0.1037, 4)


def test_egger_tests_match_regtest():
    _, yi, vi = egger2001()
    yi, vi = yi[MAGNESIUM_WITHOUT_ISIS4], vi[MAGNESIUM_WITHOUT_ISIS4]
    weighted = egger_weighted(yi, vi)
    assert (weighted.statistic, weighted.df, weighted.p_value) == (printed(-3.1783, 4), 13, printed(0.0073, 4))
    assert weighted.intercept == printed(-0.1512, 4)
    assert weighted.intercept_ci == (printed(-0.5130, 4), printed(0.2106, 4))
    classical = egger_classical(yi, vi)
    assert (classical.statistic, classical.df) == (printed(-3.1783, 4), 13)
    mixed = egger_random_effects(yi, vi)
    assert (mixed.statistic_name, mixed.statistic, mixed.p_value) == ("z", printed(-2.8062, 4), printed(0.0050, 4))
    assert mixed.intercept == printed(-0.1639, 4)
    assert mixed.intercept_ci == (printed(-0.5681, 4), printed(0.2402, 4))


def test_begg_rank_test_matches_ranktest():
    # docs/reference/ranktest.html (BCG) and the magnesium data with all 16 trials
    _, yi, vi = bcg()
    r = rank_test(yi, vi)
    assert (r.kendall_tau, r.p_value) == (printed(0.0256, 4), printed(0.9524, 4))
    _, yi, vi = egger2001()
    r = rank_test(yi, vi)
    assert (r.kendall_tau, r.p_value) == (printed(0.15, 2), printed(0.4503, 4))


def test_small_study_tests_refuse_fewer_than_three_studies():
    with pytest.raises(ModelError, match="at least 3"):
        egger_classical([0.1, 0.2], [0.01, 0.02])


def test_funnel_data_contour_is_centred_on_the_pooled_estimate():
    _, yi, vi = bcg()
    funnel = funnel_data(yi, vi, -0.7145)
    se, lower, upper = funnel.contour()
    assert se[0] == 0 and lower[0] == upper[0] == -0.7145
    assert funnel.max_se == pytest.approx(np.sqrt(vi).max())
    np.testing.assert_allclose(upper - (-0.7145), (-0.7145) - lower)


# docs/reference/leave1out.html: leave1out(rma(yi, vi, data=dat)) for BCG
# estimate, se, zval, ci.lb, ci.ub, Q, tau2, I2, H2
LEAVE_ONE_OUT = [
    (-0.7071, 0.1900, -3.7223, -1.0794, -0.3348, 151.5826, 0.3362, 93.2259, 14.7622),
    (-0.6540, 0.1807, -3.6195, -1.0082, -0.2999, 145.3176, 0.2926, 92.2540, 12.9098),
    (-0.6856, 0.1857, -3.6916, -1.0495, -0.3216, 150.1970, 0.3207, 92.9354, 14.1551),
    (-0.6284, 0.1766, -3.5580, -0.9746, -0.2822, 96.5626, 0.2628, 90.4125, 10.4302),
    (-0.7642, 0.1918, -3.9845, -1.1401, -0.3883, 151.3200, 0.3278, 92.7634, 13.8187),
    (-0.7109, 0.2003, -3.5499, -1.1034, -0.3184, 128.1867, 0.3596, 90.9118, 11.0033),
    (-0.6552, 0.1805, -3.6307, -1.0090, -0.3015, 145.8296, 0.2930, 92.2777, 12.9495),
    (-0.7948, 0.1799, -4.4184, -1.1473, -0.4422, 67.9858, 0.2732, 87.0314, 7.7109),
    (-0.7412, 0.1967, -3.7686, -1.1267, -0.3557, 152.2051, 0.3495, 93.2133, 14.7346),
    (-0.6530, 0.1843, -3.5439, -1.0142, -0.2919, 139.8271, 0.2987, 92.2322, 12.8737),
    (-0.7579, 0.1958, -3.8708, -1.1416, -0.3741, 151.4655, 0.3405, 91.8110, 12.2114),
    (-0.7598, 0.1821, -4.1727, -1.1167, -0.4029, 150.7868, 0.3082, 92.6782, 13.6579),
    (-0.7775, 0.1855, -4.1908, -1.1412, -0.4139, 149.7884, 0.3037, 92.3444, 13.0623),
]


def test_leave_one_out_matches_leave1out_for_every_study():
    frame, yi, vi = bcg()
    omissions = leave_one_out(InverseVariance(yi, vi, "REML", knha=False), frame.author.tolist())
    assert [o.omitted for o in omissions] == frame.author.tolist()
    for omission, expected in zip(omissions, LEAVE_ONE_OUT, strict=True):
        r = omission.result
        actual = (r.estimate, r.se, r.z_or_t, r.ci_lower, r.ci_upper, r.q, r.tau2, r.i2, r.h2)
        assert actual == tuple(printed(v, 4) for v in expected)
        assert r.k == 12
