"""Invariants of count-based effects and Mantel-Haenszel / Peto pooling for any 2×2 tables (hypothesis)."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.engine.counts import two_by_two
from analysis.engine.mantel_haenszel import mantel_haenszel_2x2, peto


@st.composite
def tables(draw):
    """Sparse trials with events somewhere in each group, as every method needs."""
    k = draw(st.integers(2, 12))
    n1 = np.array(draw(st.lists(st.integers(1, 200), min_size=k, max_size=k)))
    n2 = np.array(draw(st.lists(st.integers(1, 200), min_size=k, max_size=k)))
    a = np.array([draw(st.integers(0, min(n, 8))) for n in n1])
    c = np.array([draw(st.integers(0, min(n, 8))) for n in n2])
    a[0], c[-1] = max(a[0], 1), max(c[-1], 1)
    if n1[0] == a[0] and n2[-1] == c[-1]:
        n1[0] += 1  # someone without the event, so that the odds ratio exists
    return a, n1, c, n2


@pytest.mark.parametrize("measure", ["RR", "OR", "RD"])
@given(data=tables())
def test_swapping_the_groups_turns_the_mantel_haenszel_effect_around(measure, data):
    a, n1, c, n2 = data
    forward, backward = (two_by_two(measure, *t) for t in ((a, n1, c, n2), (c, n2, a, n1)))
    one = mantel_haenszel_2x2(measure, a, n1, c, n2, forward.yi, forward.vi)
    other = mantel_haenszel_2x2(measure, c, n2, a, n1, backward.yi, backward.vi)
    assert one.estimate == pytest.approx(-other.estimate, rel=1e-9, abs=1e-12)
    assert one.se == pytest.approx(other.se, rel=1e-9)
    assert one.q == pytest.approx(other.q, rel=1e-6, abs=1e-9)


@given(data=tables())
def test_peto_and_mantel_haenszel_do_not_depend_on_the_order_of_the_studies(data):
    a, n1, c, n2 = data
    order = np.arange(len(a))[::-1]
    es = two_by_two("PETO", a, n1, c, n2)
    first, second = peto(a, n1, c, n2, es.yi), peto(a[order], n1[order], c[order], n2[order], es.yi[order])
    assert first.estimate == pytest.approx(second.estimate, rel=1e-12)
    assert sum(first.weights) == pytest.approx(100)


@given(data=tables())
def test_corrections_leave_tables_without_zero_cells_alone(data):
    a, n1, c, n2 = data
    es = two_by_two("OR", a, n1, c, n2)
    zero = (a == 0) | (c == 0) | (a == n1) | (c == n2)
    assert (es.corrected | es.dropped).tolist() == zero.tolist()
    assert np.isfinite(es.yi[~es.dropped]).all()
