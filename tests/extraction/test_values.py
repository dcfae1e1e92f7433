"""Parsing, checking and comparing extracted values (pure functions)."""

from types import SimpleNamespace

import pytest

from extraction import values


def field(field_type="number", **extra):
    spec = {
        "key": "x",
        "label": "X",
        "field_type": field_type,
        "choices": [],
        "min_value": None,
        "max_value": None,
        "positive": False,
        "tolerance": 0.0,
        "sum_of": [],
    }
    return SimpleNamespace(**{**spec, **extra})


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        ("number", "1,50", "1.5"),
        ("number", " −2 ", "-2"),
        ("integer", "12.0", "12"),
        ("yes_no", "Y", "yes"),
        ("date", "2020-02-29", "2020-02-29"),
        ("text", "  two   words ", "two words"),
        ("number", "n.r.", "n.r."),
    ],
)
def test_normalise(kind, text, expected):
    assert values.normalise(field(kind), text) == expected


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("integer", "2.5", "'2.5' is not a whole number"),
        ("date", "29/02/2020", "not a date as YYYY-MM-DD"),
        ("yes_no", "perhaps", "answer yes or no"),
        ("number", "inf", "'inf' is not a number"),
    ],
)
def test_wrong_types_are_named(kind, text, message):
    assert message in values.problems(field(kind), text, required=False)[0]


def test_choices_match_whatever_the_case_and_refuse_others():
    treatment = field("choice", choices=["azathioprine", "tocilizumab"])
    assert values.normalise(treatment, "TOCILIZUMAB") == "tocilizumab"
    assert "is not one of azathioprine, tocilizumab" in values.problems(treatment, "rituximab", required=True)[0]


def test_ranges_and_positive():
    sd = field(positive=True, max_value=10)
    assert values.problems(sd, "0", required=False) == ["X: must be above 0, not 0"]
    assert values.problems(sd, "11", required=False) == ["X: must be at most 10, not 11"]
    assert values.problems(sd, "", required=True) == ["X: required"]


def test_sums_are_checked_only_when_every_part_is_there():
    n = field("integer", key="n", label="n", sum_of=["women", "men"])
    parts = {
        "n": n,
        "women": field("integer", key="women", label="women"),
        "men": field("integer", key="men", label="men"),
    }
    assert values.sum_problems(parts, {"n": "10", "women": "7", "men": ""}) == []
    assert values.sum_problems(parts, {"n": "10", "women": "7", "men": "4"}) == [
        "n: 10 is not women + men (7 + 4 = 11)"
    ]


def test_agreement_rules():
    assert values.agree(field(tolerance=0.05), "35.02", "35.06")
    assert not values.agree(field(tolerance=0.01), "0.20", "0.25")
    assert values.agree(field(), "", " ") and not values.agree(field(), "", "1")
    assert values.agree(field("text"), "Hong  Kong", "hong kong")
