"""Forest and funnel plots of one outcome's stored results, drawn with matplotlib; no Django here.

A forest plot of two groups shows, as RevMan does, each group's events/total (or events/person-time, or mean
(SD) n) beside the study, ratios on a log axis around 1, and which side favours which group.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from appraisal.plots import ForestColumns, draw_forest_columns
from reviews.figures import render, without_inline_styles  # noqa: F401 - the stage's plots render through these

COLOURS = ["#1f5fa8", "#b45309", "#047857", "#7c3aed", "#be123c"]
ROW = 0.24  # inches per row
WEIGHT_X = 1.72  # right edge of the weight column, in axes widths
# Forest plot margins in inches, so that the axis label and the footnote never meet, however few the rows.
FOREST_TOP, FOREST_BOTTOM, FOOTNOTE = 0.3, 0.85, 0.12
FAVOURS = ("Favours intervention", "Favours comparator")
# With per-group columns the figure is wider; study names (left-aligned) and each group's column (right-aligned)
# sit left of the plot, at these x positions in figure widths.
GROUPS_FIGURE_WIDTH, GROUPS_PLOT_LEFT, GROUPS_PLOT_WIDTH = 13.0, 0.45, 0.28
STUDY_X, GROUP_COLUMNS_X = 0.01, (0.335, 0.43)
ROB_COLUMN = 0.3  # inches per risk-of-bias column, right of the weights


def _diamond(ax: Axes, y: float, estimate: float, low: float, high: float, colour: str) -> None:
    ax.fill([low, estimate, high, estimate], [y, y + 0.35, y, y - 0.35], color=colour, zorder=3)


def group_cells(study: dict[str, Any]) -> tuple[str, str] | None:
    """Each group's data as RevMan shows them: events/total, events/person-time, or mean (SD) n."""
    if study.get("ai") is not None:
        return f"{study['ai']:g}/{study['n1i']:g}", f"{study['ci']:g}/{study['n2i']:g}"
    if study.get("x1i") is not None:
        return f"{study['x1i']:g}/{study['t1i']:g}", f"{study['x2i']:g}/{study['t2i']:g}"
    if study.get("mean1") is not None:
        return (
            f"{study['mean1']:.2f} ({study['sd1']:.2f}) {study['n1']:g}",
            f"{study['mean2']:.2f} ({study['sd2']:.2f}) {study['n2']:g}",
        )
    return None


def group_totals(members: Sequence[dict[str, Any]]) -> tuple[str, str]:
    """The pooled row's totals per group: events/total, events/person-time, or the number of participants."""
    first = members[0]
    for events1, total1, events2, total2 in (("ai", "n1i", "ci", "n2i"), ("x1i", "t1i", "x2i", "t2i")):
        if first.get(events1) is not None:
            return tuple(  # type: ignore[return-value]
                f"{sum(s[e] for s in members):g}/{sum(s[t] for s in members):g}"
                for e, t in ((events1, total1), (events2, total2))
            )
    return f"{sum(s['n1'] for s in members):g}", f"{sum(s['n2'] for s in members):g}"


def group_header(study: dict[str, Any]) -> str:
    if study.get("ai") is not None:
        return "Events/Total"
    if study.get("x1i") is not None:
        return "Events/Time"
    return "Mean (SD) N"


@dataclass(frozen=True)
class Row:
    """One line of the plot: a heading, a study (its square and CI) or a pooled effect (its diamond)."""

    label: str
    kind: str  # "heading", "study", "pooled" or "gap"
    colour: str = "#333"
    effect: tuple[float, float, float] | None = None  # (estimate, lower, upper) on the analysis scale
    weight: float = 0.0
    estimate_text: str = ""
    weight_text: str = ""
    cells: tuple[str, str] | None = None


def forest_rows(outcome: dict[str, Any], shown: Callable[[float], float], with_groups: bool) -> list[Row]:
    """The plot's lines, top to bottom: per subgroup (or all studies) a heading, its studies and its pooled effect."""
    studies, subgroups = outcome["studies"], outcome.get("subgroups") or {}
    rows = []
    for index, group in enumerate(list(subgroups) or [None]):
        colour = COLOURS[index % len(COLOURS)]
        rows.append(Row(group or "All studies", "heading"))
        members = [s for s in studies if group is None or s["subgroup"] == group]
        for study in members:
            cells = group_cells(study) if with_groups else None
            if study["yi"] is None or study["vi"] is None:
                rows.append(Row(study["study"], "study", estimate_text="not estimable", cells=cells))
                continue
            half = 1.96 * math.sqrt(study["vi"])
            effect = (study["yi"], study["yi"] - half, study["yi"] + half)
            weight = study.get("weight_in_subgroup") or 0
            rows.append(
                Row(
                    study["study"],
                    "study",
                    colour,
                    effect,
                    weight,
                    "{:.2f} [{:.2f}, {:.2f}]".format(*map(shown, effect)),
                    f"{weight:.1f}%",
                    cells,
                )
            )
        pooled = subgroups.get(group) if group else outcome["overall"]
        effect = (pooled["estimate"], pooled["ci_lower"], pooled["ci_upper"])
        i2 = "n/a" if pooled["i2"] is None else f"{pooled['i2']:.0f}%"
        rows.append(
            Row(
                f"Pooled (k = {pooled['k']}; I² = {i2}, τ² = {pooled['tau2']:.3f})",
                "pooled",
                colour,
                effect,
                estimate_text="{:.2f} [{:.2f}, {:.2f}]".format(*map(shown, effect)),
                weight_text="100%",
                cells=group_totals(members) if with_groups else None,
            )
        )
        rows.append(Row("", "gap"))
    return rows


def forest(
    outcome: dict[str, Any],
    effect_label: str,
    *,
    favours: tuple[str, str] | None = None,
    groups: tuple[str, str] = ("Intervention", "Comparator"),
    risk_of_bias: ForestColumns | None = None,
) -> Figure:
    """Studies grouped by subgroup, each subgroup's pooled diamond, and the test for subgroup differences.

    Ratio measures (``outcome["ratio"]``) are drawn as ratios on a log axis; ``favours`` labels the left and
    right of the line of no effect; two-group data add a column per group, headed by ``groups``; ``risk_of_bias``
    adds a column per domain and the overall judgement right of the weights, as RevMan does."""
    studies = outcome["studies"]
    ratio = bool(outcome.get("ratio"))
    shown = math.exp if ratio else float
    with_groups = bool(studies) and group_cells(studies[0]) is not None
    lines = forest_rows(outcome, shown, with_groups)
    rows = len(lines) + 2
    height = rows * ROW + FOREST_TOP + FOREST_BOTTOM
    if with_groups:
        figure_width, left, width = GROUPS_FIGURE_WIDTH, GROUPS_PLOT_LEFT, GROUPS_PLOT_WIDTH
    else:
        figure_width, left, width = 10.0, 0.28, 0.4
    if risk_of_bias:
        # Wider by the columns, with the plot and the text left of it kept where they are, in inches.
        extra = (len(risk_of_bias.headings) + 1) * ROB_COLUMN
        left, width = left * figure_width / (figure_width + extra), width * figure_width / (figure_width + extra)
        figure_width += extra
    figure = Figure(figsize=(figure_width, height))
    ax = figure.add_axes((left, FOREST_BOTTOM / height, width, rows * ROW / height))
    labels, ticks, right = [], [], []
    row_cells: list[tuple[float, str, str]] = []
    study_rows: dict[str, float] = {}
    for number, line in enumerate(lines):
        y = rows - 1 - number
        if line.kind == "gap":
            continue
        labels.append(line.label if line.kind == "heading" else f"   {line.label}")
        ticks.append(y)
        if line.kind == "study":
            study_rows[line.label] = y
        right.append((y, line.estimate_text, line.weight_text))
        if line.cells:
            row_cells.append((y, *line.cells))
        if line.effect is None:
            continue
        estimate, lower, upper = (shown(value) for value in line.effect)
        if line.kind == "pooled":
            _diamond(ax, y, estimate, lower, upper, line.colour)
            continue
        ax.plot([lower, upper], [y, y], color="#333", linewidth=1)
        ax.plot(estimate, y, "s", color=line.colour, markersize=3 + math.sqrt(line.weight), zorder=3)
    y = rows - len(lines)
    null = 1 if ratio else 0
    if ratio:
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.axvline(null, color="#888", linewidth=0.8)
    ax.set_ylim(y - 0.5, rows)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    if with_groups:
        ax.set_yticks([])
        for position, label in zip(ticks, labels, strict=True):
            ax.annotate(label, (_axes_x(STUDY_X), position), xycoords=("axes fraction", "data"), va="center")
    else:
        ax.set_yticks(ticks, labels)
    ax.set_xlabel(effect_label, labelpad=18 if favours else 4)
    for position, text, weight in right:
        ax.annotate(text, (1.02, position), xycoords=("axes fraction", "data"), va="center")
        ax.annotate(weight, (WEIGHT_X, position), xycoords=("axes fraction", "data"), va="center", ha="right")
    ax.annotate("Estimate [95% CI]", (1.02, rows - 0.3), xycoords=("axes fraction", "data"), weight="bold")
    ax.annotate("Weight", (WEIGHT_X, rows - 0.3), xycoords=("axes fraction", "data"), weight="bold", ha="right")
    if with_groups:
        _draw_group_columns(ax, row_cells, groups, group_header(studies[0]), rows)
    if favours:
        _draw_favours(ax, favours, null)
    if risk_of_bias:
        axes_inches = width * figure_width
        step = ROB_COLUMN / axes_inches
        draw_forest_columns(ax, risk_of_bias, study_rows, left=WEIGHT_X + step, step=step, heading_y=rows - 0.3)
    test = outcome.get("subgroup_test")
    if test:
        footnote = (
            f"Test for subgroup differences ({test['method']}): Q = {test['q_between']:.2f}, "
            f"df = {test['df']}, p = {test['p_value']:.4f}"
        )
        figure.text(0.02, FOOTNOTE / height, footnote, fontsize=8)
    return figure


def _draw_group_columns(
    ax: Axes, cells: list[tuple[float, str, str]], groups: tuple[str, str], header: str, rows: int
) -> None:
    """A column per group left of the plot, right-aligned under the group's name and what the cells hold."""
    columns = [_axes_x(x) for x in GROUP_COLUMNS_X]
    for x, name in zip(columns, groups, strict=True):
        ax.annotate(name, (x, rows - 0.3), xycoords=("axes fraction", "data"), weight="bold", ha="right")
        ax.annotate(header, (x, rows - 1), xycoords=("axes fraction", "data"), ha="right", fontsize=8, color="#555")
    for y, first, second in cells:
        for x, text in zip(columns, (first, second), strict=True):
            ax.annotate(text, (x, y), xycoords=("axes fraction", "data"), va="center", ha="right")


def _axes_x(figure_x: float) -> float:
    """A position left of the plot, given in figure widths, in the plot's axes widths."""
    return (figure_x - GROUPS_PLOT_LEFT) / GROUPS_PLOT_WIDTH


def _draw_favours(ax: Axes, favours: tuple[str, str], null: float) -> None:
    """The direction labels under the axis, each on its side of the line of no effect."""
    for text, shift, align in ((favours[0], -6, "right"), (favours[1], 6, "left")):
        ax.annotate(
            text,
            (null, 0),
            xycoords=("data", "axes fraction"),
            xytext=(shift, -19),
            textcoords="offset points",
            ha=align,
            va="top",
            fontsize=8,
            style="italic",
        )


def funnel(outcome: dict[str, Any], effect_label: str) -> Figure:
    """Effect against standard error, with the pseudo 95% confidence region around the overall estimate."""
    studies = [s for s in outcome["studies"] if s["yi"] is not None and s["vi"] is not None]
    centre = outcome["overall"]["estimate"]
    figure = Figure(figsize=(6, 4.5))
    ax = figure.add_axes((0.12, 0.12, 0.62, 0.8))
    largest = max(math.sqrt(s["vi"]) for s in studies) * 1.1
    ax.fill([centre - 1.96 * largest, centre, centre + 1.96 * largest], [largest, 0, largest], color="#eef2f7")
    ax.plot(
        [centre - 1.96 * largest, centre, centre + 1.96 * largest],
        [largest, 0, largest],
        color="#888",
        linewidth=0.8,
        linestyle="--",
    )
    ax.axvline(centre, color="#555", linewidth=0.8)
    groups = list(dict.fromkeys(s["subgroup"] for s in studies))
    for index, group in enumerate(groups):
        members = [s for s in studies if s["subgroup"] == group]
        ax.scatter(
            [s["yi"] for s in members],
            [math.sqrt(s["vi"]) for s in members],
            s=18,
            color=COLOURS[index % len(COLOURS)],
            label=group or "studies",
            zorder=3,
        )
    ax.set_ylim(largest, 0)
    ax.set_xlabel(effect_label)
    ax.set_ylabel("Standard error")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
    return figure
