import math

import pytest

from analysis.engine.baseline import combined_mean_sd


def test_two_groups_combine_as_the_cochrane_handbook_formula():
    # Handbook 6.5.2.10: N = n1 + n2, M = (n1 M1 + n2 M2) / N,
    # SD = sqrt(((n1-1)SD1² + (n2-1)SD2² + n1 n2 (M1-M2)² / N) / (N - 1))
    n1, m1, s1, n2, m2, s2 = 20, 40.0, 12.0, 30, 45.0, 10.0
    n = n1 + n2
    expected = math.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2 + n1 * n2 * (m1 - m2) ** 2 / n) / (n - 1))
    mean, sd = combined_mean_sd([n1, n2], [m1, m2], [s1, s2])
    assert mean == pytest.approx(43.0) and sd == pytest.approx(expected)


def test_one_group_is_itself_and_missing_values_are_handled():
    assert combined_mean_sd([10], [5.0], [2.0]) == (5.0, 2.0)
    assert combined_mean_sd([10, 5], [5.0, float("nan")], [2.0, 1.0]) == (5.0, 2.0)
    assert combined_mean_sd([10, 10], [5.0, 7.0], [2.0, None]) == (6.0, None)
    assert combined_mean_sd([], [], []) == (None, None)
