"""Forest plots drawn as SVG directly (analysis/forest_svg.py): the rows, columns and labels of matplotlib's forest
plot, well-formed SVG without inline styles, the same bytes every time, and hundreds of rows in well under a second."""

import time
from xml.etree import ElementTree

import pandas as pd
import pytest

from analysis.forest_svg import _nice_ticks, forest_svg
from tests.analysis.metafor_reference import REFERENCE, load
from tests.analysis.test_plots import outcome

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: bytes) -> list[str]:
    return [element.text or "" for element in ElementTree.fromstring(svg).iter(f"{SVG}text")]


def test_dichotomous_forest_shows_events_per_group_ratios_and_the_direction():
    frame = pd.DataFrame(load(REFERENCE / "nielweise2007.json")["data"])
    favours = ("Favours CSS catheters", "Favours standard")
    svg = forest_svg(outcome(frame, "RR", "MH"), "Risk ratio", favours=favours, groups=("CSS", "Standard"))
    shown = texts(svg)
    for text in ("Favours CSS catheters", "Favours standard", "CSS", "Standard", "Events/Total", "not estimable"):
        assert text in shown, text
    first = frame.iloc[0]
    assert f"{first.ai:g}/{first.n1i:g}" in shown and f"{first.ci:g}/{first.n2i:g}" in shown
    assert f"{frame.ai.sum():g}/{frame.n1i.sum():g}" in shown, "the pooled row totals each group"
    assert "1" in shown, "a ratio's axis marks the line of no effect"
    assert any(text.startswith("Pooled (k = ") for text in shown)


def test_continuous_and_rate_forests_show_their_group_columns():
    frame = pd.DataFrame(load(REFERENCE / "normand1999.json")["data"])
    shown = texts(forest_svg(outcome(frame, "MD", "REML"), "Mean difference"))
    first = frame.iloc[0]
    assert "Mean (SD) N" in shown and "Intervention" in shown
    assert f"{first.mean1:.2f} ({first.sd1:.2f}) {first.n1:g}" in shown
    frame = pd.DataFrame(load(REFERENCE / "hart1999.json")["data"])
    shown = texts(forest_svg(outcome(frame, "IRR", "MH"), "Rate ratio"))
    assert "Events/Time" in shown and f"{frame.x1i[0]:g}/{frame.t1i[0]:g}" in shown


def test_the_svg_is_the_same_bytes_every_time_and_has_no_inline_style():
    frame = pd.DataFrame(load(REFERENCE / "bcg.json")["data"])
    data = outcome(frame, "OR", "PETO")
    svg = forest_svg(data, "Odds ratio", favours=("a", "b"))
    assert svg == forest_svg(data, "Odds ratio", favours=("a", "b"))
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert not any("style" in element.attrib or element.tag == f"{SVG}style" for element in root.iter())


def test_axis_ticks_are_round_numbers():
    assert _nice_ticks(0.3, 1.7, ratio=True) == [0.5, 1.0]
    assert _nice_ticks(0.05, 30, ratio=True) == pytest.approx([0.05, 0.1, 0.5, 1.0, 5.0, 10.0])
    assert _nice_ticks(-1.3, 0.4, ratio=False) == [-1.0, -0.5, 0.0]


def test_a_forest_plot_of_250_rows_with_subgroups_is_drawn_in_well_under_a_second():
    studies = [
        {
            "study": f"Study {i}",
            "subgroup": "first" if i < 100 else "second",
            "yi": -0.3 + 0.01 * (i % 40),
            "vi": 0.04,
            "ai": 10,
            "n1i": 50,
            "ci": 12,
            "n2i": 50,
            "weight_in_subgroup": 0.4,
        }
        for i in range(250)
    ]
    pooled = {"estimate": -0.2, "ci_lower": -0.3, "ci_upper": -0.1, "k": 125, "i2": 30.0, "tau2": 0.01}
    test = {"method": "separate τ²", "q_between": 1.2, "df": 1, "p_value": 0.27}
    data = {"studies": studies, "subgroups": {"first": pooled, "second": pooled}, "ratio": True, "overall": pooled}
    start = time.perf_counter()
    svg = forest_svg(data | {"subgroup_test": test}, "Risk ratio", favours=("a", "b"))
    assert time.perf_counter() - start < 1.0  # matplotlib took about 16 s (docs/benchmarks.md)
    shown = texts(svg)
    assert "Study 249" in shown and "second" in shown
    assert any(text.startswith("Test for subgroup differences") for text in shown)
