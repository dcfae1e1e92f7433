"""From a table of study summaries to effect sizes: validation that names rows, conversions, assumed r."""

import pandas as pd
import pytest

from analysis.engine.dataset import EXCLUDE_SKEWED, DataError, effect_table
from analysis.engine.pooling import pool
from analysis.engine.sensitivity import correlation_sweep
from tests.analysis.reference import printed, read
from tests.analysis.test_effects import SMCR


def pre_post(**overrides):
    row = {"study": "Smith 2020", "n": "20", "mean_pre": "1.8", "sd_pre": "0.9", "mean_post": "0.4", "sd_post": "0.6"}
    row.update(overrides)
    return row


def problems_of(rows, measure="SMCR", **options):
    with pytest.raises(DataError) as caught:
        effect_table(pd.DataFrame(rows), measure, **options)
    return caught.value.problems


def test_morris_table_gives_the_published_smcr_with_reported_r():
    table = effect_table(read("morris2008.csv"), "SMCR", subgroup="arm")
    assert table.yi[:5].tolist() == [printed(v, 4) for v in SMCR["treatment"][0]]
    assert not table.studies.r_assumed.any()
    assert table.studies.subgroup.tolist() == ["treatment"] * 5 + ["control"] * 5


def test_missing_r_uses_the_assumed_value_and_records_it():
    table = effect_table(pd.DataFrame([pre_post(), pre_post(study="Jones", r="0.8")]), "SMCR", default_r=0.6)
    assert table.studies.r.tolist() == [0.6, 0.8]
    assert table.studies.r_assumed.tolist() == [True, False]


def test_problems_name_the_spreadsheet_row_and_the_study():
    rows = [pre_post(), pre_post(study="Bad SD", sd_pre="-1"), pre_post(study="Tiny", n="1")]
    problems = problems_of(rows)
    assert "row 3 (study 'Bad SD'): sd_pre must not be negative, got -1" in problems
    assert "row 4 (study 'Tiny'): n must be at least 2, got 1" in problems


def test_non_numbers_are_named_with_their_cell():
    assert problems_of([pre_post(), pre_post(mean_pre="about 2")]) == ["row 3: mean_pre is not a number: 'about 2'"]


def test_missing_columns_are_listed():
    frame = pd.DataFrame([{"study": "A", "ai": 10}])
    with pytest.raises(DataError, match="missing columns: n1i, ci, n2i"):
        effect_table(frame, "RR")


def test_missing_values_zero_sd_and_bad_r_are_refused():
    problems = problems_of(
        [pre_post(study="", mean_post=""), pre_post(sd_pre="0"), pre_post(r="1.2")],
    )
    assert problems == [
        "row 2 (study ''): study name missing",
        "row 2 (study ''): mean_post and sd_post missing (and no median_post to convert)",
        "row 3 (study 'Smith 2020'): sd_pre must be greater than 0 to standardise the change, got 0",
        "row 4 (study 'Smith 2020'): r must lie between -1 and 1, got 1.2",
    ]


def test_medians_are_converted_and_flagged():
    row = pre_post(mean_post="", sd_post="", median_post="0.2", q1_post="0", q3_post="0.6")
    table = effect_table(pd.DataFrame([row]), "SMCC")
    assert table.studies.converted[0] == "post: mean and SD from median and interquartile range"
    assert not table.studies.skewed[0]


def test_skewed_medians_are_flagged_or_excluded_by_policy():
    skewed = pre_post(study="Skewed", mean_post="", sd_post="", median_post="0", q1_post="0", q3_post="1")
    rows = [pre_post(), skewed]
    flagged = effect_table(pd.DataFrame(rows), "SMCR")
    assert flagged.studies.skewed.tolist() == [False, True]
    excluded = effect_table(pd.DataFrame(rows), "SMCR", skewed=EXCLUDE_SKEWED)
    assert excluded.studies.study.tolist() == ["Smith 2020"]
    assert excluded.excluded == ["row 3 (study 'Skewed'): excluded, median too skewed to convert to a mean"]


def test_two_group_rate_and_plain_tables():
    edinburgh = {"study": "A", "n1": 155, "mean1": 55, "sd1": 47, "n2": 156, "mean2": 75, "sd2": 64}
    smd = effect_table(pd.DataFrame([edinburgh]), "SMD")
    assert smd.yi[0] == printed(-0.3552, 4)
    rates = pd.DataFrame([{"study": "A", "x1i": 3, "t1i": 10.0, "x2i": 12, "t2i": 10.0}])
    assert effect_table(rates, "IRR").yi[0] == pytest.approx(-1.386294, abs=1e-6)
    plain = [{"study": "A", "yi": 0.1, "vi": 0}]
    assert problems_of(plain, "PLAIN") == ["row 2 (study 'A'): vi must be greater than 0, got 0"]
    assert problems_of([{"study": "A", "x1i": -1, "t1i": 1, "x2i": 1, "t2i": 0}], "IRR") == [
        "row 2 (study 'A'): x1i must be at least 0, got -1",
        "row 2 (study 'A'): t2i must be greater than 0, got 0",
    ]


def test_missing_subgroup_values_are_refused():
    problems = problems_of([pre_post(arm="AZA"), pre_post(arm="")], subgroup="arm")
    assert problems == ["row 3 (study 'Smith 2020'): arm (the subgroup) missing"]


def test_correlation_sweep_refits_with_each_assumed_r():
    frame = read("morris2008.csv").drop(columns="r")
    scenarios = correlation_sweep(frame, "SMCR", (0.3, 0.5, 0.7))
    assert [s.assumed_r for s in scenarios] == [0.3, 0.5, 0.7]
    default = effect_table(frame, "SMCR")
    assert scenarios[1].result == pool(default.yi, default.vi)
    assert len({s.result.se for s in scenarios}) == 3


def test_studies_that_report_r_keep_it_in_the_sweep():
    frame = read("morris2008.csv")
    low, high = correlation_sweep(frame, "SMCC", (0.1, 0.9))
    assert low.result.estimate == high.result.estimate
