"""Median to mean/SD against metafor's conv.fivenum (docs/reference/conv.fivenum.html, metafor 5.1-12)."""

import pytest

from analysis.engine.conversions import IQR, IQR_AND_RANGE, MIN_MAX, median_to_mean_sd
from tests.analysis.reference import printed


def test_median_and_range():
    c = median_to_mean_sd(20, 6, minimum=2, maximum=14)
    assert (c.mean, c.sd) == (printed(6.594468, 6), printed(3.211576, 6))
    assert c.reported == MIN_MAX
    assert (c.skewness_statistic, c.skewness_critical_value) == (printed(0.333, 3), printed(0.416, 3))
    assert not c.skewed


def test_median_and_interquartile_range():
    c = median_to_mean_sd(20, 6, q1=4, q3=10)
    assert (c.mean, c.sd) == (printed(6.719500, 6), printed(4.787076, 6))
    assert c.reported == IQR
    assert (c.skewness_statistic, c.skewness_critical_value) == (printed(0.333, 3), printed(0.578, 3))


def test_all_five_numbers():
    c = median_to_mean_sd(20, 6, q1=4, q3=10, minimum=2, maximum=14)
    assert (c.mean, c.sd) == (printed(6.938841, 6), printed(3.679435, 6))
    assert c.reported == IQR_AND_RANGE
    assert (c.skewness_statistic, c.skewness_critical_value) == (printed(0.491, 3), printed(0.666, 3))


def test_skewed_data_are_flagged():
    c = median_to_mean_sd(20, 6, q1=4, q3=14, minimum=2, maximum=20)
    assert c.skewness_statistic == printed(0.818, 3)
    assert c.skewed


def test_zero_spread_gives_zero_sd_rather_than_dividing_by_zero():
    c = median_to_mean_sd(15, 0, q1=0, q3=0)
    assert (c.mean, c.sd, c.skewed) == (0, 0, False)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"q1": 1}, "both quartiles"),
        ({"minimum": 1}, "both minimum and maximum"),
        ({}, "needs its interquartile range or its range"),
        ({"q1": 7, "q3": 9}, "minimum ≤ q1 ≤ median"),
    ],
)
def test_incomplete_or_disordered_summaries_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        median_to_mean_sd(20, 6, **kwargs)
