"""Risk-of-bias plots as robvis draws them (traffic lights, weighted summary bars) and the columns beside a forest
plot; matplotlib figures with no Django. Render them with `reviews.figures.render`, which writes SVG with
presentation attributes instead of the inline styles the pages' Content-Security-Policy blocks.

Colours and symbols come from the tool file (robvis's "cochrane" palette: McGuinness LA, Higgins JPT. Risk-of-bias
VISualization (robvis). Res Syn Meth 2021;12:55-61).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.hashsalt"] = "tandem"  # the same judgements always give the same SVG
from matplotlib.axes import Axes  # noqa: E402 - after choosing the backend
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import Circle, Rectangle  # noqa: E402

from .model import Tool  # noqa: E402

OVERALL = "Overall"
OVERALL_FILL = "#d3d3d3"  # robvis shades the overall column
EMPTY = "#ffffff"


@dataclass(frozen=True)
class Assessment:
    """One study's (or one result's) judgements: domain code -> judgement code, and the overall judgement."""

    study: str
    domains: Mapping[str, str]
    overall: str | None = None


@dataclass(frozen=True)
class Cell:
    judgement: str
    label: str
    symbol: str
    colour: str


@dataclass(frozen=True)
class ForestColumns:
    """The risk-of-bias columns to place beside a forest plot, one row per study in the order given."""

    headings: tuple[str, ...]  # "D1" .. "D5", then "O"
    rows: dict[str, tuple[Cell | None, ...]]  # study -> a cell per heading; None where not judged
    key: tuple[tuple[str, str], ...]  # ("D1", "Bias arising from the randomization process"), ..., ("O", "Overall")
    legend: tuple[Cell, ...]  # the tool's judgements, best first


def _cell(tool: Tool, code: str | None) -> Cell | None:
    if not code:
        return None
    judgement = tool.judgement(code)
    return Cell(judgement.code, judgement.label, judgement.symbol, judgement.colour)


def forest_columns(tool: Tool, assessments: Sequence[Assessment], variant: str | None = None) -> ForestColumns:
    """Per study, each domain's judgement and the overall one as coloured symbols, as RevMan shows beside a forest
    plot; `draw_forest_columns` draws them into the forest plot's axes."""
    domains = [tool.domain(code) for code in tool.variant(variant).domains]
    rows = {
        a.study: tuple(_cell(tool, a.domains.get(d.code)) for d in domains) + (_cell(tool, a.overall),)
        for a in assessments
    }
    key = tuple((d.short, d.name) for d in domains) + (("O", OVERALL),)
    legend = tuple(Cell(j.code, j.label, j.symbol, j.colour) for j in tool.judgements)
    return ForestColumns(tuple(k for k, _ in key), rows, key, legend)


def draw_forest_columns(
    ax: Axes,
    columns: ForestColumns,
    rows: Mapping[str, float],
    *,
    left: float,
    step: float = 0.05,
    heading_y: float | None = None,
) -> None:
    """Draw the columns into a forest plot's axes: x in axes fractions from `left`, y in data units per study."""
    for index, heading in enumerate(columns.headings):
        x = left + index * step
        if heading_y is not None:
            ax.annotate(heading, (x, heading_y), xycoords=("axes fraction", "data"), ha="center", weight="bold")
        for study, y in rows.items():
            cell = columns.rows.get(study, ())[index] if study in columns.rows else None
            if cell is None:
                continue
            ax.annotate(
                cell.symbol,
                (x, y),
                xycoords=("axes fraction", "data"),
                ha="center",
                va="center",
                size=7,
                bbox={
                    "boxstyle": "circle,pad=0.25",
                    "facecolor": cell.colour,
                    "edgecolor": "#333333",
                    "linewidth": 0.5,
                },
            )


def traffic_light(tool: Tool, assessments: Sequence[Assessment], variant: str | None = None) -> Figure:
    """Studies down, domains and the overall judgement across: a coloured circle with the judgement's symbol each."""
    columns = forest_columns(tool, assessments, variant)
    n_rows, n_cols = len(assessments), len(columns.headings)
    cell = 0.42  # inches per row and column
    label_width = 0.3 + 0.075 * max([len(a.study) for a in assessments] + [5])
    key_lines = len(columns.key) + 1
    legend_width = 2.4
    width = label_width + n_cols * cell + legend_width
    height = (n_rows + 1) * cell + 0.15 * key_lines + 0.35
    figure = Figure(figsize=(width, height))
    ax = figure.add_axes(
        (label_width / width, (0.15 * key_lines + 0.25) / height, n_cols * cell / width, (n_rows + 1) * cell / height)
    )
    ax.set_xlim(0, n_cols)
    ax.set_ylim(0, n_rows + 1)
    ax.set_axis_off()
    ax.add_patch(Rectangle((n_cols - 1, 0), 1, n_rows, facecolor=OVERALL_FILL, edgecolor="none"))
    for column, heading in enumerate(columns.headings):
        ax.text(column + 0.5, n_rows + 0.5, heading, ha="center", va="center", weight="bold")
    for row, assessment in enumerate(assessments):
        y = n_rows - row - 0.5
        ax.text(-0.15, y, assessment.study, ha="right", va="center")
        for column, judged in enumerate(columns.rows[assessment.study]):
            ax.add_patch(Rectangle((column, y - 0.5), 1, 1, facecolor="none", edgecolor="#bbbbbb", linewidth=0.5))
            if judged is None:
                continue
            ax.add_patch(Circle((column + 0.5, y), 0.36, facecolor=judged.colour, edgecolor="#333333", linewidth=0.6))
            ax.text(column + 0.5, y, judged.symbol, ha="center", va="center", weight="bold")
    key = "\n".join(f"{short}: {name}" for short, name in columns.key[:-1])
    figure.text(0.02, 0.02, f"Domains:\n{key}", fontsize=8, va="bottom")
    legend = "\n".join(f"{c.symbol}  {c.label}" for c in columns.legend)
    figure.text(1 - legend_width / width + 0.1 / width, 0.5, f"Judgement\n{legend}", fontsize=8, va="center")
    return figure


def summary(
    tool: Tool, assessments: Sequence[Assessment], weights: Sequence[float] | None = None, variant: str | None = None
) -> Figure:
    """For each domain and overall, the share of studies (or of their weights in the analysis) at each judgement."""
    if weights is not None and (len(weights) != len(assessments) or any(w < 0 for w in weights) or sum(weights) <= 0):
        raise ValueError("one non-negative weight per study, with a positive total")
    shares = weights if weights is not None else [1.0] * len(assessments)
    domains = [tool.domain(code) for code in tool.variant(variant).domains]
    bars = [(OVERALL, [a.overall for a in assessments])] + [
        (d.name, [a.domains.get(d.code) for a in assessments]) for d in domains
    ]
    figure = Figure(figsize=(8, 0.35 * len(bars) + 1.1))
    ax = figure.add_axes((0.42, 0.9 / (0.35 * len(bars) + 1.1), 0.55, 0.35 * len(bars) / (0.35 * len(bars) + 1.1)))
    for row, (_name, judged) in enumerate(bars):
        y = len(bars) - 1 - row
        total = sum(s for s, j in zip(shares, judged, strict=True) if j)
        left = 0.0
        for judgement in tool.judgements:
            share = sum(s for s, j in zip(shares, judged, strict=True) if j == judgement.code) / total if total else 0
            if share:
                ax.barh(
                    y,
                    100 * share,
                    left=100 * left,
                    height=0.7,
                    color=judgement.colour,
                    edgecolor="#000000",
                    linewidth=0.5,
                )
            left += share
    ax.set_yticks(range(len(bars)), [name for name, _ in reversed(bars)])
    ax.get_yticklabels()[-1].set_fontweight("bold")
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, len(bars) - 0.4)
    ax.set_xticks(range(0, 101, 25), [f"{t}%" for t in range(0, 101, 25)])
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    handles = [Rectangle((0, 0), 1, 1, facecolor=j.colour, edgecolor="#000000", linewidth=0.5) for j in tool.judgements]
    ax.legend(
        handles,
        [j.label for j in tool.judgements],
        loc="upper center",
        bbox_to_anchor=(0.2, -0.35 / len(bars) * 4),
        ncols=len(handles),
        frameon=True,
        fontsize=7,
    )
    return figure
