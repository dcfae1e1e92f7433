"""A star tool (Newcastle-Ottawa) in the shape the assessment forms, consensus and plots share with RoB 2 and
ROBINS-I: each section a domain whose questions are its items, judged by its number of stars; the overall judgement
is the tool's quality level. The suggestion is the stars the answers earn (appraisal/nos.py), so an assessor who
gives another number says why, as with any tool. Pure: no Django."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from itertools import combinations

from .algorithm import Fired, Suggestion
from .model import Domain, Judgement, Question, Tool, Variant
from .nos import score

ALL = "all"  # the one variant: every section
JOIN = "+"  # an item that takes several options (comparability) is answered "a+b"
STAR_COLOUR = "#cfe2f3"
# The quality levels take robvis's colours and symbols in order: the best as low risk, the worst as high.
LEVEL_STYLES = (("#02C100", "+"), ("#E2DF07", "-"), ("#BF0000", "X"))


def _options(item) -> tuple[str, ...]:
    codes = [option.code for option in item.options]
    if not item.multiple:
        return tuple(codes)
    return tuple(JOIN.join(chosen) for size in range(1, len(codes) + 1) for chosen in combinations(codes, size))


def _question(item) -> Question:
    texts = "; ".join(f"{o.code}) {o.text}{' ★' if o.star else ''}" for o in item.options)
    several = " (one or more)" if item.multiple else ""
    return Question(item.code, f"{item.text}{several}: {texts}", _options(item), None)


def assessable(tool: Tool) -> Tool:
    """The star tool with domains (its sections), judgements (star counts, then the quality levels) and one
    variant; the sections and levels stay as they are for `nos.score`."""
    shorts = [section.name[:1].upper() for section in tool.sections]
    if len(set(shorts)) != len(shorts):
        shorts = [section.code for section in tool.sections]
    domains = tuple(
        Domain(section.code, short, section.name, tuple(_question(item) for item in section.items), ())
        for section, short in zip(tool.sections, shorts, strict=True)
    )
    most = max(section.max_stars for section in tool.sections)
    stars = tuple(
        Judgement(str(n), f"{n} star{'s' if n != 1 else ''}", None, STAR_COLOUR, str(n)) for n in range(most + 1)
    )
    levels = tuple(
        Judgement(level.code, level.label, severity, *LEVEL_STYLES[min(severity, len(LEVEL_STYLES) - 1)])
        for severity, level in enumerate(tool.quality_levels)
    )
    variant = Variant(ALL, "All sections", tuple(d.code for d in domains))
    return replace(tool, domains=domains, judgements=stars + levels, variants=(variant,))


def suggestions(
    tool: Tool, answers: Mapping[tuple[str, str], str], judgements: Mapping[str, str | None]
) -> dict[str, Suggestion]:
    """{section: its stars} for each section whose items are all answered ({(section, item): "a" or "a+b"}), and
    under "overall" the quality level of the sections' judged stars, once every section is judged."""
    choices = {item: answer.split(JOIN) for (_, item), answer in answers.items() if answer}
    result = score(tool, choices)
    found = {}
    for section in tool.sections:
        missing = tuple(item.code for item in section.items if item.code in result.missing)
        stars = str(result.stars[section.code])
        because = f"{stars} of {section.max_stars} stars from the answers."
        found[section.code] = (
            Suggestion(None, missing=missing) if missing else Suggestion(stars, fired=(Fired("stars", stars, because),))
        )
    judged = {s.code: judgements.get(s.code) for s in tool.sections}
    unjudged = tuple(code for code, stars in judged.items() if not (stars or "").isdigit())
    if unjudged or not tool.quality_levels:
        found["overall"] = Suggestion(None, missing=unjudged)
        return found
    given = {code: int(stars or 0) for code, stars in judged.items()}
    level = next(
        level for level in tool.quality_levels if all(given[code] >= least for code, least in level.minimum.items())
    )
    because = f"{sum(given.values())} stars: {level.label.lower()} by the tool's quality levels."
    found["overall"] = Suggestion(level.code, fired=(Fired("quality", level.code, because),))
    return found
