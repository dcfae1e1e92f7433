"""Pooling against published metafor output (wviechtb/metafor@71ae8f5)."""

import csv
import math

import numpy as np
import pytest

from analysis.engine.counts import two_by_two
from analysis.engine.fitting import ModelError, fit, tau2_confidence_interval
from analysis.engine.pooling import pool, riley_prediction_interval
from analysis.engine.subgroups import q_between
from tests.analysis.reference import META_DATA, bcg, printed, printed_like
from tests.analysis.test_effects import normand_mean_differences

METHOD_OF_CASE = {"bcg_rr_reml": "REML", "bcg_rr_reml_predict": "REML", "bcg_rr_dl": "DL", "bcg_rr_ee": "FE"}
METHOD_OF_CASE["bcg_rr_fe"] = "FE"
FIELD_OF_QUANTITY = {
    "k": "k",
    "tau2": "tau2",
    "se_tau2": "se_tau2",
    "tau": "tau",
    "I2_pct": "i2",
    "H2": "h2",
    "Q": "q",
    "Q_df": "q_df",
    "Q_p": "q_p_value",
    "estimate": "estimate",
    "pred": "estimate",
    "se": "se",
    "zval": "z_or_t",
    "pval": "p_value",
    "ci_lb": "ci_lower",
    "ci_ub": "ci_upper",
    "pi_lb": "pi_lower",
    "pi_ub": "pi_upper",
    "pi_lb_z": "pi_lower",
    "pi_ub_z": "pi_upper",
}


def bcg_rows():
    with open(META_DATA / "bcg_expected.csv", newline="") as f:
        return list(csv.DictReader(f))


def bcg_expectations():
    return [pytest.param(row, id=f"{row['case_id']}:{row['quantity']}") for row in bcg_rows()]


def published_subgroup_estimates():
    """The rounded subgroup estimates and SEs from which bcg_expected.csv derives its Q-between."""
    published = {
        (row["case_id"], row["quantity"]): float(row["expected_value"])
        for row in bcg_rows()
        if row["case_id"].startswith("bcg_rr_sub_") and row["quantity"] in ("estimate", "se")
    }
    cases = sorted({case for case, _ in published})
    return [published[case, "estimate"] for case in cases], [published[case, "se"] for case in cases]


def bcg_result(case_id):
    frame, yi, vi = bcg()
    if case_id.startswith("bcg_rr_sub_"):
        subset = (frame.alloc == case_id.removeprefix("bcg_rr_sub_")).to_numpy()
        return pool(yi[subset], vi[subset])
    return pool(yi, vi, method=METHOD_OF_CASE[case_id])


def bcg_value(row):
    case, quantity, call = row["case_id"], row["quantity"], row["call"]
    if case == "bcg_rr_Qbetween_separate_tau2":
        test = q_between(*published_subgroup_estimates())
        return {"Q_between": test.statistic, "df": test.df[0], "p": test.p_value}[quantity]
    result = bcg_result(case)
    if quantity.startswith("exp_"):
        return math.exp(getattr(result, FIELD_OF_QUANTITY[quantity.removeprefix("exp_")]))
    if quantity == "prob_lt_0":
        return result.probability_below(0)
    if quantity.startswith(("pi_lb_t_k-2", "pi_ub_t_k-2")):
        return riley_prediction_interval(result)[0 if quantity.startswith("pi_lb") else 1]
    value = getattr(result, FIELD_OF_QUANTITY[quantity])
    return math.exp(value) if "transf=exp" in call else value


@pytest.mark.parametrize("row", bcg_expectations())
def test_every_value_in_bcg_expected(row):
    value = bcg_value(row)
    expected = row["expected_value"].strip()
    if expected.startswith("<"):
        assert value < float(expected.lstrip("< "))
    else:
        assert value == printed_like(expected)


# test_analysis_example_raudenbush1985.r: teacher expectancy (dat.raudenbush1985), yi and vi as printed there
RAUDENBUSH_YI = [
    0.03,
    0.12,
    -0.14,
    1.18,
    0.26,
    -0.06,
    -0.02,
    -0.32,
    0.27,
    0.80,
    0.54,
    0.18,
    -0.02,
    0.23,
    -0.18,
    -0.06,
    0.30,
    0.07,
    -0.07,
]
RAUDENBUSH_VI = [
    0.0156,
    0.0216,
    0.0279,
    0.1391,
    0.1362,
    0.0106,
    0.0106,
    0.0484,
    0.0269,
    0.0630,
    0.0912,
    0.0497,
    0.0835,
    0.0841,
    0.0253,
    0.0279,
    0.0193,
    0.0088,
    0.0303,
]
# method: (tau2, estimate, se, z, ci_lb, ci_ub), then the same with Hartung-Knapp: (se, t, ci_lb, ci_ub)
RAUDENBUSH = {
    "FE": ((0.0, 0.0604, 0.0365, 1.6553, -0.0111, 0.1318), (0.0515, 1.1733, -0.0477, 0.1685)),
    "ML": ((0.0126, 0.0777, 0.0475, 1.6368, -0.0153, 0.1708), (0.0593, 1.3110, -0.0468, 0.2023)),
    "REML": ((0.0188, 0.0837, 0.0516, 1.6208, -0.0175, 0.1849), (0.0616, 1.3593, -0.0457, 0.2131)),
    "DL": ((0.0259, 0.0893, 0.0558, 1.6009, -0.0200, 0.1987), (0.0636, 1.4050, -0.0442, 0.2229)),
    "HE": ((0.0804, 0.1143, 0.0792, 1.4432, -0.0409, 0.2696), (0.0711, 1.6078, -0.0351, 0.2637)),
}


@pytest.mark.parametrize("method", RAUDENBUSH)
def test_raudenbush_1985_every_estimator_with_and_without_hartung_knapp(method):
    (tau2, estimate, se, z, lower, upper), (se_kh, t, lower_kh, upper_kh) = RAUDENBUSH[method]
    r = pool(RAUDENBUSH_YI, RAUDENBUSH_VI, method=method)
    assert (r.tau2, r.estimate, r.se, r.z_or_t) == (
        printed(tau2, 4),
        printed(estimate, 4),
        printed(se, 4),
        printed(z, 4),
    )
    assert (r.ci_lower, r.ci_upper, r.statistic) == (printed(lower, 4), printed(upper, 4), "z")
    kh = pool(RAUDENBUSH_YI, RAUDENBUSH_VI, method=method, knha=True)
    assert (kh.estimate, kh.se, kh.z_or_t) == (printed(estimate, 4), printed(se_kh, 4), printed(t, 4))
    assert (kh.ci_lower, kh.ci_upper, kh.statistic, kh.df) == (printed(lower_kh, 4), printed(upper_kh, 4), "t", 18)


def test_raudenbush_1985_reml_prediction_interval():
    r = pool(RAUDENBUSH_YI, RAUDENBUSH_VI)
    assert (r.pi_lower, r.pi_upper) == (printed(-0.2036, 4), printed(0.3711, 4))


# test_analysis_example_dersimonian2007.r: CLASP trials, log odds ratios; (tau, estimate, se) per estimator
CLASP = {
    "PM": (0.3681, -0.3811, 0.2060),
    "HE": (0.4410, -0.4035, 0.2327),
    "DL": (0.2323, -0.3240, 0.1540),
    "ML": (0.0023, -0.1974, 0.0694),
    "REML": (0.1843, -0.2980, 0.1343),
    "SJ": (0.4572, -0.4079, 0.2386),
}


def clasp():
    n1 = np.array([156, 303, 565, 1570, 103, 4659])
    n2 = np.array([74, 303, 477, 1565, 105, 4650])
    a = np.array([5, 5, 12, 69, 9, 313])
    c = np.array([8, 17, 9, 94, 11, 352])
    es = two_by_two("OR", a, n1, c, n2)
    return es.yi, es.vi


@pytest.mark.parametrize("method", CLASP)
def test_dersimonian_2007_clasp_every_estimator(method):
    tau, estimate, se = CLASP[method]
    r = pool(*clasp(), method=method)
    assert (r.tau, r.estimate, r.se) == (printed(tau, 4), printed(estimate, 4), printed(se, 4))


def test_normand_1999_mean_differences_dl_and_reml():
    # test_analysis_example_normand1999.r, Table IX
    es = normand_mean_differences()
    dl = pool(es.yi, es.vi, method="DL")
    assert (dl.estimate, dl.ci_lower, dl.ci_upper) == (printed(-14.0972, 4), printed(-24.4454, 4), printed(-3.7490, 4))
    assert dl.tau2 == printed(218.7216, 4)
    reml = pool(es.yi, es.vi)
    assert (reml.estimate, reml.ci_lower, reml.ci_upper) == (
        printed(-15.1217, 4),
        printed(-32.6716, 4),
        printed(2.4282, 4),
    )
    assert reml.tau2 == printed(685.1965, 4)


def test_q_profile_confidence_interval_for_tau2_bcg():
    # docs/reference/confint.rma.html: confint(rma(yi, vi)) for the BCG data
    _, yi, vi = bcg()
    ci = tau2_confidence_interval(yi, vi)
    assert ci["tau2"] == (printed(0.1197, 4), printed(1.1115, 4))
    # metafor finds the bounds with uniroot(tol = 1.2e-4), so its I²/H² bounds carry that error too.
    assert ci["i2"] == (pytest.approx(81.9177, abs=0.01), pytest.approx(97.6781, abs=0.01))
    assert ci["h2"] == (pytest.approx(5.5303, abs=0.01), pytest.approx(43.0680, abs=0.01))
    r = pool(yi, vi)
    assert (r.tau2_ci_lower, r.tau2_ci_upper) == ci["tau2"]


def test_effect_p_value_and_heterogeneity_p_value_are_separate_and_labelled():
    _, yi, vi = bcg()
    r = pool(yi, vi)
    assert r.p_value == pytest.approx(2 * 3.5e-5, rel=0.2)  # z = -3.97
    assert r.q_p_value == pytest.approx(1.996764590845891e-26, rel=1e-6)
    assert "test of the effect: z = -3.9744, p < .0001" in r.effect_line()
    assert "test of heterogeneity: Q = 152.2330, df = 12, p < .0001" in r.heterogeneity_line()


def test_single_study_pools_to_itself_without_heterogeneity():
    r = pool([0.4], [0.04])
    assert (r.k, r.estimate, r.se, r.tau2, r.q_df, r.i2, r.h2) == (1, 0.4, pytest.approx(0.2), 0.0, 0, None, None)
    assert math.isnan(r.q_p_value)


def test_identical_studies_have_no_heterogeneity():
    r = pool([0.3] * 5, [0.02] * 5)
    assert (r.estimate, r.tau2, r.i2) == (pytest.approx(0.3), 0.0, 0.0)


@pytest.mark.parametrize(
    ("yi", "vi", "message"),
    [
        ([], [], "no studies"),
        ([0.1, 0.2], [0.01], "differ in number"),
        ([0.1, 0.2], [0.01, 0.0], "must be positive"),
        ([0.1, float("nan")], [0.01, 0.02], "finite"),
    ],
)
def test_invalid_input_is_refused_with_a_clear_message(yi, vi, message):
    with pytest.raises(ModelError, match=message):
        pool(yi, vi)


def test_unknown_method_and_singular_moderators_are_refused():
    with pytest.raises(ModelError, match="unknown method"):
        pool([0.1, 0.2], [0.01, 0.01], method="XX")
    with pytest.raises(ModelError, match="singular"):
        fit([0.1, 0.2, 0.3], [0.01] * 3, np.column_stack([np.ones(3), np.ones(3)]))


def test_reml_maximises_the_likelihood_where_fisher_scoring_oscillates():
    # Fisher scoring jumps between ~0.005 and ~0.17 here and metafor stops with "did not converge".
    from analysis.engine.fitting import _log_likelihood

    yi, vi = np.array([0.0, 0, 0, 1, 0]), np.array([1.0, 1, 1, 0.125, 1])
    tau2 = pool(yi, vi).tau2
    X = np.ones((5, 1))
    best = _log_likelihood(X, yi, vi, tau2, restricted=True)
    assert 0.05 < tau2 < 0.2
    assert best >= max(_log_likelihood(X, yi, vi, tau2 + d, restricted=True) for d in (-1e-3, 1e-3))
