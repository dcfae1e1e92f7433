"""Forest plots drawn as SVG directly, for the results page; no Django here.

matplotlib lays out and renders every text of a figure (twice, for the tight bounding box) and writes each glyph as
a path: a 250-row forest plot took about 16 s and 1.5 MB (docs/benchmarks.md, issue 17). Here a row is a few SVG
elements at positions fixed in advance, the texts are SVG text in the page's font, and the same plot takes
milliseconds and a tenth of the bytes. The PNG download is still drawn by matplotlib (analysis/plots.py), from the
same rows and columns. The drawing uses presentation attributes only, never style, which the pages'
Content-Security-Policy blocks. The same results always give the same bytes.
"""

import math
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

from appraisal.plots import ForestColumns

from .plots import Row, forest_rows, group_cells, group_header

ROW = 18  # px per row
FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
FONT_SIZE = 12
TOP = 44  # the column headings
AXIS = 70  # the axis, its label and the direction labels under the last row
FOOTNOTE = 20
INDENT = 14  # a study's name under its subgroup's heading
RISK_COLUMN = 22  # px per risk-of-bias column, right of the weights


@dataclass(frozen=True)
class Columns:
    """x positions in px: the study names (left-aligned), each group's column (right edges), the plot, the
    estimate (left-aligned) and the weight (right edge)."""

    width: int
    study: int
    groups: tuple[int, int] | None
    plot: tuple[int, int]
    estimate: int
    weight: int


WITH_GROUPS = Columns(width=980, study=8, groups=(345, 440), plot=(460, 720), estimate=732, weight=960)
WITHOUT_GROUPS = Columns(width=780, study=8, groups=None, plot=(270, 530), estimate=542, weight=760)


def _nice_ticks(low: float, high: float, ratio: bool) -> list[float]:
    """Round tick values within [low, high] (shown scale): 1-2-5 steps, or for ratios 1-2-5 multiples of powers of
    ten on the log axis, thinned to 1-5 and then powers of ten when there would be more than seven."""
    if ratio:
        exponents = range(math.floor(math.log10(low)) - 1, math.ceil(math.log10(high)) + 2)
        for multiples in ((1, 2, 5), (1, 5), (1,)):
            ticks = [m * 10.0**e for e in exponents for m in multiples if low <= m * 10.0**e <= high]
            if len(ticks) <= 7:
                break
        return ticks
    raw = (high - low) / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    return [round(first + i * step, 10) for i in range(int((high - first) / step + 1e-9) + 1)]


def _tick_text(value: float) -> str:
    return f"{value:g}"


class _Canvas:
    """An SVG document built element by element (never as text), with the plot's font."""

    def __init__(self, width: int, height: int, label: str) -> None:
        self.root = ElementTree.Element(
            "svg",
            {
                "xmlns": "http://www.w3.org/2000/svg",
                "width": str(width),
                "height": str(height),
                "viewBox": f"0 0 {width} {height}",
                "role": "img",
                "aria-label": f"Forest plot: {label}",
                "font-family": FONT,
                "font-size": str(FONT_SIZE),
                "fill": "#111",
            },
        )

    def add(self, tag: str, text: str = "", **attributes: Any) -> None:
        element = ElementTree.SubElement(
            self.root, tag, {key.replace("_", "-"): _attribute(value) for key, value in attributes.items()}
        )
        if text:
            element.text = text

    def text(self, x: float, y: float, text: str, anchor: str = "start", **attributes: Any) -> None:
        self.add("text", text, x=x, y=y, text_anchor=anchor, dominant_baseline="middle", **attributes)

    def bytes(self) -> bytes:
        return ElementTree.tostring(self.root, encoding="unicode").encode()


def _attribute(value: Any) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def forest_svg(
    outcome: dict[str, Any],
    effect_label: str,
    *,
    favours: tuple[str, str] | None = None,
    groups: tuple[str, str] = ("Intervention", "Comparator"),
    risk_of_bias: ForestColumns | None = None,
) -> bytes:
    """The forest plot of analysis/plots.py's ``forest``, with the same rows, columns and labels, as SVG bytes;
    ``risk_of_bias`` adds a coloured symbol per domain and the overall judgement right of the weights."""
    studies = outcome["studies"]
    ratio = bool(outcome.get("ratio"))
    shown = math.exp if ratio else float
    with_groups = bool(studies) and group_cells(studies[0]) is not None
    columns = WITH_GROUPS if with_groups else WITHOUT_GROUPS
    rows = forest_rows(outcome, shown, with_groups)
    test = outcome.get("subgroup_test")
    body = len(rows) * ROW
    height = TOP + body + AXIS + (FOOTNOTE if test else 0)
    risk_columns = len(risk_of_bias.headings) if risk_of_bias else 0
    canvas = _Canvas(columns.width + risk_columns * RISK_COLUMN, height, effect_label)
    scale = _Scale(rows, columns.plot, ratio)

    heading_y = TOP - 26
    canvas.text(columns.estimate, heading_y, "Estimate [95% CI]", font_weight="bold")
    canvas.text(columns.weight, heading_y, "Weight", "end", font_weight="bold")
    if with_groups and columns.groups:
        for x, name in zip(columns.groups, groups, strict=True):
            canvas.text(x, heading_y, name, "end", font_weight="bold")
            canvas.text(x, heading_y + 16, group_header(studies[0]), "end", font_size=10, fill="#555")
    if risk_of_bias:
        _draw_risk_of_bias(canvas, risk_of_bias, rows, left=columns.width, heading_y=heading_y)
    plot_left, plot_right = columns.plot
    null_x = scale(0.0)
    canvas.add("line", x1=null_x, y1=TOP, x2=null_x, y2=TOP + body, stroke="#888", stroke_width=0.8)
    for number, row in enumerate(rows):
        y = TOP + number * ROW + ROW / 2
        if row.kind == "gap":
            continue
        if row.kind == "heading":
            canvas.text(columns.study, y, row.label, font_weight="bold")
        else:
            canvas.text(columns.study + INDENT, y, row.label)
        if row.cells and columns.groups:
            for x, cell in zip(columns.groups, row.cells, strict=True):
                canvas.text(x, y, cell, "end")
        if row.estimate_text:
            canvas.text(columns.estimate, y, row.estimate_text)
            canvas.text(columns.weight, y, row.weight_text, "end")
        if row.effect is None:
            continue
        estimate, lower, upper = (scale(value) for value in row.effect)
        if row.kind == "pooled":
            points = [(lower, y), (estimate, y - 6), (upper, y), (estimate, y + 6)]
            canvas.add(
                "polygon", points=" ".join(f"{_attribute(x)},{_attribute(p)}" for x, p in points), fill=row.colour
            )
            continue
        canvas.add("line", x1=lower, y1=y, x2=upper, y2=y, stroke="#333", stroke_width=1)
        side = 3 + math.sqrt(row.weight) * 1.2
        canvas.add("rect", x=estimate - side / 2, y=y - side / 2, width=side, height=side, fill=row.colour)

    axis_y = TOP + body
    canvas.add("line", x1=plot_left, y1=axis_y, x2=plot_right, y2=axis_y, stroke="#333", stroke_width=0.8)
    for tick in _nice_ticks(*scale.shown_limits, ratio):
        x = scale.shown(tick)
        canvas.add("line", x1=x, y1=axis_y, x2=x, y2=axis_y + 4, stroke="#333", stroke_width=0.8)
        canvas.text(x, axis_y + 13, _tick_text(tick), "middle", font_size=10)
    if favours:
        canvas.text(null_x - 6, axis_y + 30, favours[0], "end", font_size=10, font_style="italic")
        canvas.text(null_x + 6, axis_y + 30, favours[1], "start", font_size=10, font_style="italic")
    canvas.text((plot_left + plot_right) / 2, axis_y + (48 if favours else 32), effect_label, "middle")
    if test:
        footnote = (
            f"Test for subgroup differences ({test['method']}): Q = {test['q_between']:.2f}, "
            f"df = {test['df']}, p = {test['p_value']:.4f}"
        )
        canvas.text(columns.study, height - FOOTNOTE / 2, footnote, font_size=10)
    return canvas.bytes()


def _draw_risk_of_bias(canvas: _Canvas, columns: ForestColumns, rows: list[Row], *, left: int, heading_y: int) -> None:
    """A column per heading (domains, then overall): each study's judgement as its symbol on its colour, as RevMan
    draws them; a study without a judgement in a column is left blank there."""
    for index, heading in enumerate(columns.headings):
        x = left + index * RISK_COLUMN + RISK_COLUMN / 2
        canvas.text(x, heading_y, heading, "middle", font_weight="bold")
        for number, row in enumerate(rows):
            cells = columns.rows.get(row.label) if row.kind == "study" else None
            cell = cells[index] if cells else None
            if cell is None:
                continue
            y = TOP + number * ROW + ROW / 2
            canvas.add("circle", cx=x, cy=y, r=7.5, fill=cell.colour)
            canvas.text(x, y, cell.symbol, "middle", font_size=9, font_weight="bold", fill="#fff")


class _Scale:
    """Effects on the analysis scale (log for ratios) to x in px, over every row's interval and the null, padded."""

    def __init__(self, rows: list[Row], plot: tuple[int, int], ratio: bool) -> None:
        points = [value for row in rows if row.effect for value in row.effect[1:] if math.isfinite(value)]
        points.append(0.0)  # the line of no effect: log 1, or 0
        low, high = min(points), max(points)
        pad = (high - low) * 0.05 or 0.5
        self.low, self.high = low - pad, high + pad
        self.left, self.right = plot
        self.ratio = ratio

    @property
    def shown_limits(self) -> tuple[float, float]:
        if self.ratio:
            return math.exp(self.low), math.exp(self.high)
        return self.low, self.high

    def __call__(self, point: float) -> float:
        point = min(max(point, self.low), self.high)  # an infinite bound ends at the plot's edge
        return self.left + (point - self.low) / (self.high - self.low) * (self.right - self.left)

    def shown(self, value: float) -> float:
        """x of a value on the shown scale (a ratio, or a difference)."""
        return self(math.log(value) if self.ratio else value)
