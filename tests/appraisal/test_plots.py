"""Risk-of-bias plots: deterministic bytes, no inline styles, the tool's colours, and the forest-plot columns."""

import pytest

from appraisal.loader import load
from appraisal.plots import Assessment, draw_forest_columns, forest_columns, summary, traffic_light
from reviews.figures import render

ROB2 = load("rob2")
ROBINS_I = load("robins_i")
TRIALS = [
    Assessment(
        "Aronson 1948", {"D1": "low", "D2-assignment": "some_concerns", "D3": "low", "D4": "high", "D5": "low"}, "high"
    ),
    Assessment(
        "Ferguson & Simes 1949",
        {"D1": "some_concerns", "D2-assignment": "low", "D3": "low", "D4": "low", "D5": "low"},
        "some_concerns",
    ),
    Assessment("Rosenthal et al 1960", {"D1": "low", "D3": "low"}),  # not finished: blank cells
]
COHORT = Assessment(
    "NMOSD cohort",
    {
        "D1": "serious",
        "D2": "low",
        "D3": "moderate",
        "D4-assignment": "low",
        "D5": "no_information",
        "D6": "low",
        "D7": "critical",
    },
    "critical",
)


def drawings():
    return {
        "traffic light RoB 2": lambda: traffic_light(ROB2, TRIALS),
        "summary RoB 2 weighted": lambda: summary(ROB2, TRIALS, weights=[30.0, 50.0, 20.0]),
        "traffic light ROBINS-I": lambda: traffic_light(ROBINS_I, [COHORT]),
        "summary ROBINS-I": lambda: summary(ROBINS_I, [COHORT]),
    }


@pytest.mark.parametrize("name", drawings())
@pytest.mark.parametrize("file_format", ["svg", "png"])
def test_the_same_judgements_give_the_same_bytes(name, file_format):
    draw = drawings()[name]
    first, second = render(draw(), file_format), render(draw(), file_format)
    assert first == second and len(first) > 1000


@pytest.mark.parametrize("name", drawings())
def test_svg_has_no_inline_styles_and_uses_the_tools_colours(name):
    svg = render(drawings()[name](), "svg").decode()
    assert "style=" not in svg and "<style" not in svg
    tool = ROBINS_I if "ROBINS" in name else ROB2
    used = {j.colour.lower() for j in tool.judgements} & set(svg.lower().split('"'))
    assert used, "the judgements are drawn in the tool's colours"


def test_traffic_light_shows_each_studys_judgements():
    svg = render(traffic_light(ROB2, TRIALS), "svg").decode().lower()
    assert "#bf0000" in svg and "#02c100" in svg and "#e2df07" in svg  # high, low, some concerns
    assert "#820000" not in svg  # RoB 2 has no critical


def test_summary_refuses_weights_that_do_not_match_the_studies():
    with pytest.raises(ValueError, match="one non-negative weight per study"):
        summary(ROB2, TRIALS, weights=[1.0])


def test_forest_columns_give_each_study_a_cell_per_domain_and_overall():
    columns = forest_columns(ROB2, TRIALS)
    assert columns.headings == ("D1", "D2", "D3", "D4", "D5", "O")
    aronson = columns.rows["Aronson 1948"]
    assert [c.symbol for c in aronson if c] == ["+", "-", "+", "X", "+", "X"]
    assert aronson[3].colour == "#BF0000"
    assert columns.rows["Rosenthal et al 1960"][1] is None and columns.rows["Rosenthal et al 1960"][5] is None
    assert columns.key[1] == ("D2", ROB2.domain("D2-assignment").name)
    assert [c.label for c in columns.legend] == ["Low risk of bias", "Some concerns", "High risk of bias"]


def test_forest_columns_follow_the_variant():
    columns = forest_columns(ROB2, [Assessment("A", {"D2-adhering": "high"})], variant="adhering")
    assert columns.rows["A"][1].judgement == "high"


def test_forest_columns_draw_into_a_forest_plots_axes():
    from matplotlib.figure import Figure

    figure = Figure()
    ax = figure.add_axes((0.1, 0.1, 0.5, 0.8))
    draw_forest_columns(
        ax, forest_columns(ROB2, TRIALS), {"Aronson 1948": 3, "Rosenthal et al 1960": 1}, left=1.05, heading_y=4
    )
    symbols = [t.get_text() for t in ax.texts]
    assert symbols[:1] == ["D1"] and symbols.count("X") == 2 and len(symbols) == 6 + 6 + 2
    assert b"style=" not in render(figure, "svg")
