"""Rendering every stage's matplotlib figures the same way: matplotlib's bundled fonts and a fixed hash salt, so the
same data always give the same bytes, and SVG without the inline styles the pages' Content-Security-Policy blocks.
No Django here; analysis and risk-of-bias plots import it.
"""

import io
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.hashsalt"] = "tandem"  # the same results always give the same SVG
matplotlib.rcParams["font.size"] = 9
from matplotlib import font_manager  # noqa: E402 - after choosing the backend
from matplotlib.figure import Figure  # noqa: E402

# Text is drawn from matplotlib's own copy of DejaVu Sans, never from a system copy: which of the two matplotlib's
# font cache lists depends on the environment that built the cache, and each copy draws different glyphs.
_BUNDLED_FONTS = Path(matplotlib.get_data_path()).resolve() / "fonts" / "ttf"  # resolved: the venv may be a link
for _path in font_manager.findSystemFonts(fontpaths=[str(_BUNDLED_FONTS)], fontext="ttf"):
    font_manager.fontManager.addfont(_path)
font_manager.fontManager.ttflist = [
    font for font in font_manager.fontManager.ttflist if Path(font.fname).resolve().is_relative_to(_BUNDLED_FONTS)
]


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
