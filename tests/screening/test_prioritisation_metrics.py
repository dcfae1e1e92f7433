"""WSS and RRF as the ASReview literature defines them, on orders small enough to count by hand."""

import pytest

from screening.prioritisation.evaluation import records_to_recall, rrf, wss


def test_wss_counts_the_records_left_when_recall_is_reached():
    # 10 records, relevant ones screened 1st and 3rd: both found after 3, 7 of 10 never read.
    labels = [1, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert records_to_recall(labels, 1.0) == 3
    assert wss(labels, 1.0) == pytest.approx(0.7)
    # 95 % of 2 relevant records needs both: same point, minus the 5 % a random order would save.
    assert wss(labels, 0.95) == pytest.approx(0.65)


def test_recall_of_exactly_95_percent_counts_as_reached():
    # 20 relevant: 19 of them is 95 % exactly (0.95 * 20 is 19.000000000000004 in floating point).
    labels = [1] * 19 + [0] + [1] + [0] * 79
    assert records_to_recall(labels, 0.95) == 19
    assert wss(labels, 0.95) == pytest.approx(81 / 100 - 0.05)
    assert wss(labels, 1.0) == pytest.approx(79 / 100)


def test_an_order_no_better_than_sampling_saves_nothing():
    labels = ([0] * 9 + [1]) * 10  # every tenth record relevant, the last one last
    assert wss(labels, 1.0) == pytest.approx(0.0)
    assert wss(labels, 0.95) == pytest.approx(-0.05)


def test_rrf_is_the_share_found_in_the_first_tenth():
    labels = [1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]  # 21 records: first 2 count
    assert rrf(labels, 0.10) == pytest.approx(1 / 4)
    assert rrf([1, 0, 1, 0, 0, 0, 0, 0, 0, 0], 0.10) == pytest.approx(1 / 2)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: wss([0, 0, 0], 0.95), "no relevant record"),
        (lambda: wss([1, 2, 0], 0.95), "1 \\(relevant\\) or 0"),
        (lambda: wss([1, 0], 1.5), "between 0 and 1"),
        (lambda: rrf([1, 0], 0), "between 0 and 1"),
    ],
)
def test_bad_input_is_refused_with_a_reason(call, message):
    with pytest.raises(ValueError, match=message):
        call()
