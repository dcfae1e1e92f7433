"""Forest and funnel plots of one outcome's stored results, drawn with matplotlib; no Django here."""

import io
import math
import re

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.hashsalt"] = "tandem"  # the same results always give the same SVG
matplotlib.rcParams["font.size"] = 9
from matplotlib.figure import Figure  # noqa: E402 - after choosing the backend

COLOURS = ["#1f5fa8", "#b45309", "#047857", "#7c3aed", "#be123c"]
ROW = 0.24  # inches per row
WEIGHT_X = 1.72  # right edge of the weight column, in axes widths
# Forest plot margins in inches, so that the axis label and the footnote never meet, however few the rows.
FOREST_TOP, FOREST_BOTTOM, FOOTNOTE = 0.3, 0.85, 0.12


def _diamond(ax, y, estimate, low, high, colour):
    ax.fill([low, estimate, high, estimate], [y, y + 0.35, y, y - 0.35], color=colour, zorder=3)


def forest(outcome: dict, effect_label: str) -> Figure:
    """Studies grouped by subgroup, each subgroup's pooled diamond, and the test for subgroup differences."""
    studies, subgroups = outcome["studies"], outcome.get("subgroups") or {}
    groups = list(subgroups) or [None]
    rows = sum(1 + sum(s["subgroup"] == g for s in studies) + 2 for g in groups) + 2
    height = rows * ROW + FOREST_TOP + FOREST_BOTTOM
    figure = Figure(figsize=(10, height))
    ax = figure.add_axes((0.28, FOREST_BOTTOM / height, 0.4, rows * ROW / height))
    y, labels, ticks, right = rows, [], [], []
    for index, group in enumerate(groups):
        colour = COLOURS[index % len(COLOURS)]
        y -= 1
        labels.append(group or "All studies")
        ticks.append(y)
        right.append((y, "", ""))
        for study in (s for s in studies if s["subgroup"] == group or group is None):
            y -= 1
            se = math.sqrt(study["vi"])
            low, high = study["yi"] - 1.96 * se, study["yi"] + 1.96 * se
            weight = study.get("weight_in_subgroup") or 0
            ax.plot([low, high], [y, y], color="#333", linewidth=1)
            ax.plot(study["yi"], y, "s", color=colour, markersize=3 + math.sqrt(weight), zorder=3)
            labels.append(f"   {study['study']}")
            ticks.append(y)
            right.append((y, f"{study['yi']:.2f} [{low:.2f}, {high:.2f}]", f"{weight:.1f}%"))
        pooled = subgroups.get(group) if group else outcome["overall"]
        y -= 1
        _diamond(ax, y, pooled["estimate"], pooled["ci_lower"], pooled["ci_upper"], colour)
        i2 = "n/a" if pooled["i2"] is None else f"{pooled['i2']:.0f}%"
        labels.append(f"   Pooled (k = {pooled['k']}; I² = {i2}, τ² = {pooled['tau2']:.3f})")
        ticks.append(y)
        right.append((y, f"{pooled['estimate']:.2f} [{pooled['ci_lower']:.2f}, {pooled['ci_upper']:.2f}]", "100%"))
        y -= 1
    ax.axvline(0, color="#888", linewidth=0.8)
    ax.set_yticks(ticks, labels)
    ax.set_ylim(y - 0.5, rows)
    ax.tick_params(axis="y", length=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_xlabel(effect_label)
    for position, text, weight in right:
        ax.annotate(text, (1.02, position), xycoords=("axes fraction", "data"), va="center")
        ax.annotate(weight, (WEIGHT_X, position), xycoords=("axes fraction", "data"), va="center", ha="right")
    ax.annotate("Estimate [95% CI]", (1.02, rows - 0.3), xycoords=("axes fraction", "data"), weight="bold")
    ax.annotate("Weight", (WEIGHT_X, rows - 0.3), xycoords=("axes fraction", "data"), weight="bold", ha="right")
    test = outcome.get("subgroup_test")
    if test:
        footnote = (f"Test for subgroup differences ({test['method']}): Q = {test['q_between']:.2f}, "
                    f"df = {test['df']}, p = {test['p_value']:.4f}")  # fmt: skip
        figure.text(0.02, FOOTNOTE / height, footnote, fontsize=8)
    return figure


def funnel(outcome: dict, effect_label: str) -> Figure:
    """Effect against standard error, with the pseudo 95% confidence region around the overall estimate."""
    studies, centre = outcome["studies"], outcome["overall"]["estimate"]
    figure = Figure(figsize=(6, 4.5))
    ax = figure.add_axes((0.12, 0.12, 0.62, 0.8))
    largest = max(math.sqrt(s["vi"]) for s in studies) * 1.1
    ax.fill([centre - 1.96 * largest, centre, centre + 1.96 * largest], [largest, 0, largest], color="#eef2f7")
    ax.plot([centre - 1.96 * largest, centre, centre + 1.96 * largest], [largest, 0, largest], color="#888",
            linewidth=0.8, linestyle="--")  # fmt: skip
    ax.axvline(centre, color="#555", linewidth=0.8)
    groups = list(dict.fromkeys(s["subgroup"] for s in studies))
    for index, group in enumerate(groups):
        members = [s for s in studies if s["subgroup"] == group]
        ax.scatter([s["yi"] for s in members], [math.sqrt(s["vi"]) for s in members], s=18,
                   color=COLOURS[index % len(COLOURS)], label=group or "studies", zorder=3)  # fmt: skip
    ax.set_ylim(largest, 0)
    ax.set_xlabel(effect_label)
    ax.set_ylabel("Standard error")
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), frameon=False)
    return figure


def render(figure: Figure, file_format: str) -> bytes:
    buffer = io.BytesIO()
    metadata = {"Date": None} if file_format == "svg" else {}
    figure.savefig(buffer, format=file_format, dpi=150, metadata=metadata, bbox_inches="tight")
    if file_format == "svg":
        return without_inline_styles(buffer.getvalue().decode()).encode()
    return buffer.getvalue()


# The properties matplotlib writes in style attributes, each of which SVG also takes as a presentation attribute.
PRESENTATION_ATTRIBUTES = {
    "clip-path",
    "fill",
    "fill-opacity",
    "opacity",
    "stroke",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-opacity",
    "stroke-width",
}
STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>\*\{([^}]*)\}</style>")


def without_inline_styles(svg: str) -> str:
    """The same drawing without style attributes or <style> element, which the pages' Content-Security-Policy ignores
    in an SVG shown within the page: each property becomes a presentation attribute, and matplotlib's one rule for
    every element becomes the root's attributes, inherited by every element that sets none of its own."""

    def attributes(declarations: str) -> str:
        pairs = [declaration.split(":", 1) for declaration in declarations.split(";") if declaration.strip()]
        unknown = {name.strip() for name, _value in pairs} - PRESENTATION_ATTRIBUTES
        if unknown:
            raise ValueError(f"matplotlib wrote the style {', '.join(sorted(unknown))}, which has no SVG attribute")
        return "".join(f' {name.strip()}="{value.strip()}"' for name, value in pairs)

    rule = STYLE_ELEMENT.search(svg)
    if rule:
        svg = STYLE_ELEMENT.sub("", svg).replace("<svg ", f"<svg{attributes(rule.group(1))} ", 1)
    return STYLE_ATTRIBUTE.sub(lambda match: attributes(match.group(1)), svg)
