"""The hypergeometric stopping test of Callaghan & Müller-Hansen (2020), on cases with known answers."""

import numpy as np
import pytest

from screening.prioritisation.stopping import estimated_remaining, hypergeometric_test, recall_curve

# The authors' worked example (mcallaghan/rapid-screening, analysis/hyper_criteriaR.md): 100 records,
# 20 relevant among the first 20 screened, then 70 irrelevant ones; recall target 0.9.
EXAMPLE = [1] * 20 + [0] * 70


def test_the_authors_worked_example_with_a_random_sample():
    test = hypergeometric_test(EXAMPLE, total=100, target_recall=0.9, sample_start=20)
    # K_tar = floor(20 / 0.9 - 20 + 1) = 3; urn of 80 records, 70 drawn, none relevant:
    # P(X <= 0) = C(77, 70) / C(80, 70) = (10 * 9 * 8) / (80 * 79 * 78); their R gives 0.001460565.
    assert test.relevant_needed == 3
    assert (test.sample_size, test.relevant_in_sample, test.relevant_seen) == (70, 0, 20)
    assert test.p_value == pytest.approx(720 / (80 * 79 * 78))
    assert test.p_value == pytest.approx(0.001460565, abs=5e-10)
    assert test.stop


def test_ranked_quasi_sampling_takes_the_smallest_p_over_every_recent_run():
    # The authors' h0_p() on the same screening: "Based on the last 70 documents ... 0.00146056475170399".
    test = hypergeometric_test(EXAMPLE, total=100, target_recall=0.9)
    assert test.sample_size == 70
    assert test.p_value == pytest.approx(0.00146056475170399, rel=1e-12)


def test_a_sample_too_small_to_tell_does_not_stop():
    # 50 relevant found among 100 prioritised records of 1000, then 300 drawn at random, none relevant.
    # K_tar = floor(50 / 0.95 - 50 + 1) = 3; P(X <= 0) = (600 * 599 * 598) / (900 * 899 * 898).
    labels = [1] * 50 + [0] * 50 + [0] * 300
    test = hypergeometric_test(labels, total=1000, target_recall=0.95, sample_start=100)
    assert test.relevant_needed == 3
    assert test.p_value == pytest.approx(600 * 599 * 598 / (900 * 899 * 898))
    assert not test.stop
    assert hypergeometric_test(labels, total=1000, target_recall=0.95, confidence=0.6, sample_start=100).stop


def test_the_confidence_is_the_callers():
    test = hypergeometric_test(EXAMPLE, total=100, target_recall=0.9, confidence=0.999, sample_start=20)
    assert test.p_value > 0.001 and not test.stop


def test_screening_everything_always_allows_stopping():
    labels = [1, 0, 0, 1, 0, 1, 0, 0]
    assert hypergeometric_test(labels, total=8, target_recall=1.0).stop
    assert hypergeometric_test(labels, total=8, target_recall=0.95, sample_start=3).p_value == 0


def test_nothing_screened_is_no_evidence():
    test = hypergeometric_test([], total=500)
    assert (test.p_value, test.stop, test.sample_size) == (1.0, False, 0)


def test_a_missed_target_is_rarely_declared_reached():
    # Recall really is 0.90 when random sampling begins (90 of 100 relevant found in the first 300 of
    # 2000 records); a valid test at 95 % confidence declares 0.95 reached in at most 5 % of samples.
    rng = np.random.default_rng(20)
    remaining = np.array([1] * 10 + [0] * 1690)
    stops = 0
    for _ in range(2000):
        sample = rng.permutation(remaining)[:600]
        labels = np.concatenate([[1] * 90 + [0] * 210, sample])
        stops += hypergeometric_test(labels, total=2000, target_recall=0.95, sample_start=300).stop
    assert stops / 2000 <= 0.05


def test_the_recall_curve_counts_relevant_records_found():
    assert recall_curve([0, 1, 1, 0, 1]).tolist() == [0, 1, 2, 2, 3]
    assert recall_curve([]).tolist() == []


def test_the_estimate_of_what_is_left_sums_the_probabilities():
    assert estimated_remaining([0.5, 0.25, 0.25, 0]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="between 0 and 1"):
        estimated_remaining([1.5])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"total": 10, "target_recall": 0}, "target recall"),
        ({"total": 10, "confidence": 1}, "confidence"),
        ({"total": 1}, "only 1 in total"),
        ({"total": 10, "sample_start": 5}, "sample starts at record 5"),
    ],
)
def test_bad_parameters_are_refused_with_a_reason(kwargs, message):
    with pytest.raises(ValueError, match=message):
        hypergeometric_test([1, 0], **kwargs)
