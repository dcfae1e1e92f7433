"""Two-group designs: what studies report instead of mean and SD, zero cells, generic estimates, method rules."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from analysis.engine import conversions
from analysis.engine.analysis import meta_analyse
from analysis.engine.counts import ContinuityCorrection, person_time, two_by_two
from analysis.engine.dataset import DataError, effect_table
from analysis.engine.fitting import ModelError
from analysis.engine.methods import pooler
from tests.analysis.metafor_reference import REFERENCE, load


def two_group(**overrides):
    row = {"study": "Smith 2020", "n1": 30, "mean1": 12.0, "sd1": 4.0, "n2": 32, "mean2": 15.0, "sd2": 5.0}
    row.update(overrides)
    return {k: v for k, v in row.items() if v is not None}


def table(rows, measure="MD", **options):
    return effect_table(pd.DataFrame(rows), measure, **options)


def problems_of(rows, measure="MD", **options):
    with pytest.raises(DataError) as caught:
        table(rows, measure, **options)
    return caught.value.problems


def test_handbook_example_sd_from_a_small_groups_confidence_interval():
    # Cochrane Handbook 6.5.2.2: n = 25, 95% CI 52 to 58; t on 24 df gives SD = 7.27
    sd, how = conversions.sd_from_ci(52, 58, 25)
    assert sd == pytest.approx(7.27, abs=0.005)
    assert how == "SD from 95% CI (t on 24 df)"
    assert conversions.sd_from_ci(52, 58, 100)[0] == pytest.approx(10 * 6 / (2 * 1.959964), rel=1e-6)


@pytest.mark.parametrize("n", [12, 59, 60, 400])
def test_sd_comes_back_from_the_se_or_the_ci_a_paper_would_print(n):
    sd, mean = 4.2, 10.0
    se = sd / math.sqrt(n)
    crit = stats.t.ppf(0.975, n - 1) if n < 60 else stats.norm.ppf(0.975)
    reported = {"n1": n, "n2": n, "mean2": 8.0, "sd2": 3.0}
    by_se = table([{"study": "A", "mean1": mean, "se1": se, **reported}]).studies.iloc[0]
    by_ci = table(
        [{"study": "A", "mean1": mean, "ci_lower1": mean - crit * se, "ci_upper1": mean + crit * se, **reported}]
    ).studies.iloc[0]
    assert by_se.sd1 == pytest.approx(sd) and by_ci.sd1 == pytest.approx(sd)
    assert by_se.converted == "group 1: SD from SE"
    assert by_ci.converted.startswith("group 1: SD from 95% CI")


def test_common_sd_from_the_difference_se_ci_t_or_p_gives_the_same_mean_difference_variance():
    n1, n2, md, se = 25, 22, 3.8, 1.3
    df = n1 + n2 - 2
    t = md / se
    half = stats.t.ppf(0.975, df) * se
    ways = [{"md_se": se}, {"md_ci_lower": md - half, "md_ci_upper": md + half}, {"t": t}, {"p": 2 * stats.t.sf(t, df)}]
    for way in ways:
        row = {"study": "A", "n1": n1, "mean1": 10 + md, "n2": n2, "mean2": 10.0, **way}
        studies = table([row]).studies
        assert studies.vi[0] == pytest.approx(se**2, rel=1e-9), way
        assert studies.sd1[0] == studies.sd2[0] == pytest.approx(se / math.sqrt(1 / n1 + 1 / n2), rel=1e-9)
        assert "common to both groups" in studies.converted[0]


def test_smd_from_a_p_value_matches_metafor_from_t():
    reference = load(REFERENCE / "michael2013_t.json")
    frame = pd.DataFrame(reference["data"]).drop(columns="t")
    expected = next(case for case in reference["cases"] if case["method"] == "REML")
    smd = effect_table(frame, "SMD")
    np.testing.assert_allclose(smd.yi, expected["yi"], rtol=1e-9)
    np.testing.assert_allclose(smd.vi, expected["vi"], rtol=1e-9)


def test_medians_of_two_groups_are_converted_and_flagged():
    row = two_group(mean1=None, sd1=None, median1=11, q1_1=8, q3_1=15, min1=2, max1=30)
    studies = table([row]).studies
    assert studies.converted[0] == "group 1: mean and SD from median, interquartile range, minimum and maximum"
    assert studies.mean1[0] == pytest.approx(
        conversions.median_to_mean_sd(30, 11, q1=8, q3=15, minimum=2, maximum=30).mean
    )


def test_a_group_without_a_spread_is_named_with_every_way_to_give_one():
    problems = problems_of([two_group(sd2=None), two_group(study="Bad CI", sd1=None, ci_lower1=13, ci_upper1=20)])
    assert problems[0].startswith("row 2 (study 'Smith 2020'): group 2 needs mean2 with sd2, se2 or ci_lower2")
    assert problems[1] == "row 3 (study 'Bad CI'): mean1 12 lies outside its 95% CI 13 to 20"


def test_difference_statistics_are_checked():
    base = {"study": "A", "n1": 20, "mean1": 5, "n2": 20, "mean2": 5}
    assert problems_of([{**base, "t": 2.1}]) == [
        "row 2 (study 'A'): mean1 equals mean2, so t or p says nothing about the SD"
    ]
    assert problems_of([{**base, "mean1": 6, "p": 1.5}]) == ["row 2 (study 'A'): p must lie between 0 and 1, got 1.5"]


def test_two_by_two_rows_are_checked():
    problems = problems_of([{"study": "A", "ai": 12, "n1i": 10, "ci": -1, "n2i": 0}], "RR")
    assert problems == [
        "row 2 (study 'A'): ai (12 events) is more than n1i (10 patients)",
        "row 2 (study 'A'): ci must be at least 0, got -1",
        "row 2 (study 'A'): n2i must be greater than 0, got 0",
    ]


SPARSE = [
    {"study": "A", "ai": 0, "n1i": 20, "ci": 3, "n2i": 20},
    {"study": "B", "ai": 0, "n1i": 15, "ci": 0, "n2i": 16},
    {"study": "C", "ai": 4, "n1i": 30, "ci": 6, "n2i": 30},
]


def test_zero_cells_follow_escalcs_add_to_and_drop00():
    only0 = table(SPARSE, "OR")
    assert only0.studies.corrected.tolist() == [True, False, False]
    assert only0.studies.dropped.tolist() == [False, True, False]
    assert np.isnan(only0.yi[1])
    assert only0.notes == [
        '0.5 added to every cell of the 2×2 table of the studies with a zero (escalc add=0.5, to="only0"): A.',
        "No events, or only events, in both groups, so no estimate of its own (drop00): B.",
    ]
    every = table(SPARSE, "OR", correction=ContinuityCorrection(to="if0all", drop00=False))
    assert every.studies.corrected.all() and not every.studies.dropped.any()
    assert table(SPARSE, "RD").studies.corrected.tolist() == [True, True, False], "RD keeps double zeros"
    none = table(SPARSE, "RR", correction=ContinuityCorrection(add=0))
    assert not none.studies.corrected.any() and np.isnan(none.yi[0])
    assert none.notes[-1] == "A zero count left uncorrected, so no estimate of its own: A."


def test_uncorrected_zero_cells_still_count_in_mantel_haenszel_but_not_in_inverse_variance():
    none = table(SPARSE, "RR", correction=ContinuityCorrection(add=0))
    mh = meta_analyse(none, method="MH")
    assert mh.overall.k == 3 and mh.overall.q_df == 0
    assert mh.overall.weights[0] > 0, "study A adds its comparator events to the Mantel-Haenszel sums"
    iv = meta_analyse(none, method="FE")
    assert iv.overall.k == 1 and iv.overall.weights == (0.0, 0.0, 100.0)


def test_rates_with_zero_counts():
    effects = person_time("IRR", [0, 0, 3], [100, 100, 50], [2, 0, 1], [90, 100, 60])
    assert effects.corrected.tolist() == [True, False, False]
    assert effects.dropped.tolist() == [False, True, False]
    assert effects.yi[0] == pytest.approx(math.log(0.5 / 100) - math.log(2.5 / 90))
    assert not person_time("IRD", [0], [100], [0], [100]).dropped.any()


def test_method_note_says_what_was_added_and_dropped_and_how_it_was_pooled():
    note = meta_analyse(table(SPARSE, "RR"), method="MH").method_note
    assert note.startswith("Common effect (Mantel-Haenszel). Mantel-Haenszel RR with the Greenland-Robins variance")
    assert "0.5 added to every cell" in note and ": A." in note and "(drop00): B." in note
    assert "Robins-Breslow-Greenland" in meta_analyse(table(SPARSE, "OR"), method="MH").method_note
    assert meta_analyse(table([two_group(), two_group(study="B")]), method="REML").method_note == (
        "Random effects, τ² by restricted maximum likelihood."
    )


def test_peto_shows_petos_own_study_estimates():
    frame = [dict(row, ai=row["ai"] + 1) for row in SPARSE]
    peto = meta_analyse(table(frame, "OR"), method="PETO")
    expected = two_by_two("PETO", [1, 1, 5], [20, 15, 30], [3, 0, 6], [20, 16, 30])
    np.testing.assert_allclose(peto.table.yi, expected.yi)


def test_methods_that_do_not_fit_the_measure_are_refused():
    rr, smd = table(SPARSE, "RR"), table([two_group(), two_group(study="B")], "SMD")
    with pytest.raises(ModelError, match="Peto's method pools odds ratios: use measure OR, not RR"):
        pooler(rr, "PETO")
    with pytest.raises(ModelError, match="Mantel-Haenszel pools counts"):
        pooler(smd, "MH")
    with pytest.raises(ModelError, match="Hartung-Knapp applies to inverse-variance"):
        pooler(rr, "MH", knha=True)
    with pytest.raises(ModelError, match="unknown method 'XX'"):
        pooler(rr, "XX")


def test_generic_estimates_with_se_or_with_a_ratio_ci():
    rows = [{"study": "A", "yi": -0.2, "sei": 0.1}, {"study": "B", "estimate": 0.8, "ci_lower": 0.64, "ci_upper": 1.0}]
    generic = table(rows, "GEN", ratio=True)
    assert generic.vi[0] == pytest.approx(0.01)
    assert generic.yi[1] == pytest.approx(math.log(0.8))
    assert generic.vi[1] == pytest.approx(((math.log(1.0) - math.log(0.64)) / (2 * 1.959963985)) ** 2)
    assert generic.studies.converted.tolist() == ["", "SE from the 95% CI of the log ratio"]
    assert generic.ratio


def test_generic_rows_are_checked():
    rows = [
        {"study": "A", "yi": 0.1},
        {"study": "B", "estimate": 2, "ci_lower": 0, "ci_upper": 3},
        {"study": "C", "estimate": 5, "ci_lower": 1, "ci_upper": 3},
    ]
    assert problems_of(rows, "GEN", ratio=True) == [
        "row 2 (study 'A'): give yi with sei, or estimate with ci_lower and ci_upper",
        "row 3 (study 'B'): a ratio and its CI must be greater than 0, got 0",
        "row 4 (study 'C'): estimate 5 must lie within a 95% CI of some width, got 1 to 3",
    ]
