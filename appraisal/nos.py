"""Newcastle-Ottawa Scale scores: stars per item and section, the total out of 9, and an optional quality level."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .model import Tool


@dataclass(frozen=True)
class StarScore:
    stars: dict[str, int]  # per section
    total: int
    maximum: int
    quality: (
        str | None
    )  # the tool's quality level (the AHRQ conversion, which is not part of the NOS), if it has levels
    missing: tuple[str, ...]  # items not answered: no total is given until every item is

    @property
    def complete(self) -> bool:
        return not self.missing


def score(tool: Tool, choices: Mapping[str, str | Iterable[str]]) -> StarScore:
    """Stars from the chosen option of each item (several options for an item that allows it, as comparability)."""
    if tool.kind != "stars":
        raise ValueError(f"{tool.code} is not a star-based tool")
    known = {item.code for section in tool.sections for item in section.items}
    unknown = sorted(set(choices) - known)
    if unknown:
        raise ValueError(f"{tool.code} has no item {', '.join(unknown)}")
    stars: dict[str, int] = {}
    missing = []
    for section in tool.sections:
        stars[section.code] = 0
        for item in section.items:
            if item.code not in choices:
                missing.append(item.code)
                continue
            chosen = choices[item.code]
            codes = [chosen] if isinstance(chosen, str) else list(chosen)
            options = {option.code: option for option in item.options}
            for code in codes:
                if code not in options:
                    raise ValueError(f"{item.code}: {code!r} is not one of {', '.join(options)}")
            if len(set(codes)) != len(codes) or (len(codes) > 1 and not item.multiple):
                raise ValueError(f"{item.code}: choose one option" if not item.multiple else f"{item.code}: repeated")
            if not codes:
                missing.append(item.code)
            stars[section.code] += min(item.max_stars, sum(options[code].star for code in codes))
    total = sum(stars.values())
    quality = None
    if not missing:
        quality = next(
            (
                level.code
                for level in tool.quality_levels
                if all(stars[section] >= minimum for section, minimum in level.minimum.items())
            ),
            None,
        )
    return StarScore(stars, total, tool.max_stars, quality, tuple(missing))
