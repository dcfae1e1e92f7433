"""Invariants of pooling that must hold for any data, checked with hypothesis."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.engine.fitting import ESTIMATORS, METHODS
from analysis.engine.pooling import pool

studies = st.integers(min_value=2, max_value=25).flatmap(
    lambda k: st.tuples(
        st.lists(st.floats(-5, 5, allow_nan=False), min_size=k, max_size=k),
        st.lists(st.floats(1e-3, 2, allow_nan=False), min_size=k, max_size=k),
    )
)
SAME = {"rel": 1e-6, "abs": 1e-9}
# Iterative estimators stop once τ² moves less than metafor's 1e-5, so the order of the studies can move the
# stopping point (and what depends on τ²) by that much.
CONVERGED = {"rel": 1e-4, "abs": 1e-5}


@pytest.mark.parametrize("method", METHODS)
@given(data=studies)
def test_estimate_lies_within_the_study_effects_and_tau2_is_never_negative(method, data):
    yi, vi = data
    r = pool(yi, vi, method=method)
    assert min(yi) - 1e-9 <= r.estimate <= max(yi) + 1e-9
    assert r.tau2 >= 0
    assert r.ci_lower <= r.estimate <= r.ci_upper
    assert r.pi_lower <= r.ci_lower and r.pi_upper >= r.ci_upper
    assert sum(r.weights) == pytest.approx(100)


@pytest.mark.parametrize("method", METHODS)
@given(data=studies, seed=st.integers(0, 2**32 - 1))
def test_permuting_the_studies_changes_nothing(method, data, seed):
    yi, vi = map(np.array, data)
    order = np.random.default_rng(seed).permutation(len(yi))
    a, b = pool(yi, vi, method=method), pool(yi[order], vi[order], method=method)
    assert b.q == pytest.approx(a.q, **SAME)
    for name in ("estimate", "se", "tau2", "z_or_t"):
        assert getattr(b, name) == pytest.approx(getattr(a, name), **CONVERGED)
    assert np.array(b.weights) == pytest.approx(np.array(a.weights)[order], **CONVERGED)


@pytest.mark.parametrize("method", ESTIMATORS)
@given(data=studies)
def test_random_effects_equals_common_effect_when_tau2_is_zero(method, data):
    yi, vi = data
    common = pool(yi, vi, method="FE")
    random = pool(yi, vi, method=method)
    if random.tau2 == 0:
        assert random.estimate == pytest.approx(common.estimate, **SAME)
        assert random.se == pytest.approx(common.se, **SAME)


@pytest.mark.parametrize("method", ESTIMATORS)
@given(effect=st.floats(-3, 3), variances=st.lists(st.floats(1e-3, 2), min_size=2, max_size=20))
def test_homogeneous_studies_give_tau2_zero_and_the_common_effect(method, effect, variances):
    yi = [effect] * len(variances)
    random, common = pool(yi, variances, method=method), pool(yi, variances, method="FE")
    assert random.tau2 == 0
    assert (random.estimate, random.se) == (pytest.approx(common.estimate, **SAME), pytest.approx(common.se, **SAME))
