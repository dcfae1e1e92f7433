"""Forest plots of two-group designs: per-group columns as RevMan shows them, ratios on a log axis, direction."""

from pathlib import Path

import pandas as pd
from matplotlib import font_manager

from analysis import plots
from analysis.engine.analysis import meta_analyse
from analysis.engine.dataset import effect_table
from reviews import figures
from tests.analysis.metafor_reference import REFERENCE, load


def outcome(frame: pd.DataFrame, measure: str, method: str) -> dict:
    """An outcome as the app stores it: the analysis's JSON with each study's weight."""
    analysis = meta_analyse(effect_table(frame, measure), method=method)
    data = analysis.as_json()
    for study, weight in zip(data["studies"], analysis.overall.weights, strict=True):
        study["weight_in_subgroup"] = weight
    return data


def svg_text(svg: bytes) -> str:
    """The SVG, in which matplotlib writes each text as a comment beside its glyphs."""
    return svg.decode()


def test_dichotomous_forest_shows_events_per_group_ratios_and_the_direction():
    frame = pd.DataFrame(load(REFERENCE / "nielweise2007.json")["data"])
    favours = ("Favours CSS catheters", "Favours standard")
    figure = plots.forest(outcome(frame, "RR", "MH"), "Risk ratio", favours=favours, groups=("CSS", "Standard"))
    svg = svg_text(plots.render(figure, "svg"))
    assert figure.axes[0].get_xscale() == "log"
    for text in ("Favours CSS catheters", "Favours standard", "CSS", "Standard", "Events/Total", "not estimable"):
        assert f"<!-- {text} -->" in svg, text
    first = frame.iloc[0]
    assert f"<!-- {first.ai:g}/{first.n1i:g} -->" in svg and f"<!-- {first.ci:g}/{first.n2i:g} -->" in svg
    assert f"<!-- {frame.ai.sum():g}/{frame.n1i.sum():g} -->" in svg, "the pooled row totals each group"


def test_continuous_forest_shows_mean_sd_and_n_per_group():
    frame = pd.DataFrame(load(REFERENCE / "normand1999.json")["data"])
    svg = svg_text(plots.render(plots.forest(outcome(frame, "MD", "REML"), "Mean difference"), "svg"))
    first = frame.iloc[0]
    assert "<!-- Mean (SD) N -->" in svg and "<!-- Intervention -->" in svg
    assert f"<!-- {first.mean1:.2f} ({first.sd1:.2f}) {first.n1:g} -->" in svg


def test_rate_forest_shows_events_and_person_time():
    frame = pd.DataFrame(load(REFERENCE / "hart1999.json")["data"])
    svg = svg_text(plots.render(plots.forest(outcome(frame, "IRR", "MH"), "Rate ratio"), "svg"))
    assert "<!-- Events/Time -->" in svg and f"<!-- {frame.x1i[0]:g}/{frame.t1i[0]:g} -->" in svg


def test_plots_are_the_same_bytes_every_time_from_matplotlibs_own_font():
    frame = pd.DataFrame(load(REFERENCE / "bcg.json")["data"])
    data = outcome(frame, "OR", "PETO")
    first = plots.render(plots.forest(data, "Odds ratio", favours=plots.FAVOURS), "svg")
    assert first == plots.render(plots.forest(data, "Odds ratio", favours=plots.FAVOURS), "svg")
    assert plots.render(plots.funnel(data, "log OR"), "svg") == plots.render(plots.funnel(data, "log OR"), "svg")
    assert Path(font_manager.findfont("DejaVu Sans")).resolve().is_relative_to(figures._BUNDLED_FONTS)
