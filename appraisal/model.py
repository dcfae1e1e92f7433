"""The shapes of a risk-of-bias tool once loaded: plain frozen dataclasses, built only by `appraisal.loader`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# A condition is kept as the JSON it was written in (validated by the loader): a leaf on one question's answer
# ({"question": "1.2", "in": ["Y", "PY"]}), a leaf on the domain judgements ({"any_domain": [...]},
# {"every_domain": [...]}, {"at_least": 2, "domains": [...]}), or {"all": [...]}, {"any": [...]}, {"not": ...}.
Condition = dict[str, Any]

NOT_APPLICABLE = "NA"  # the answer every question that is not asked gets, as on the RoB 2 and ROBINS-I forms
WORST = "$worst"  # in a rule, the most severe of the domain judgements that have a severity


class ToolError(ValueError):
    """A tool file that does not hold a valid tool; the message names the file and the path of the bad entry."""


@dataclass(frozen=True)
class Option:
    code: str
    label: str


@dataclass(frozen=True)
class Judgement:
    code: str
    label: str
    severity: int | None  # None: not on the scale (e.g. "No information"), never the worst nor the best
    colour: str
    symbol: str


@dataclass(frozen=True)
class Question:
    code: str
    text: str
    options: tuple[str, ...]  # the answers allowed when the question is asked
    asked_if: Condition | None  # None: always asked
    note: str = ""


@dataclass(frozen=True)
class Rule:
    code: str
    when: Condition
    judgement: str
    because: str


@dataclass(frozen=True)
class Part:
    """One table of rules; a domain's judgement is the most severe of its parts' (RoB 2 domain 2 has two)."""

    code: str
    rules: tuple[Rule, ...]
    complete: bool  # every combination of answers matches a rule; otherwise some are left to the assessor


@dataclass(frozen=True)
class Domain:
    code: str
    short: str  # the column heading in plots: "D1"
    name: str
    questions: tuple[Question, ...]
    parts: tuple[Part, ...]  # empty: the assessor's judgement alone
    source: str = ""

    def question(self, code: str) -> Question:
        return next(q for q in self.questions if q.code == code)


@dataclass(frozen=True)
class Variant:
    code: str
    label: str
    domains: tuple[str, ...]


@dataclass(frozen=True)
class Overall:
    rules: tuple[Rule, ...]
    considerations: tuple[Rule, ...]  # judgements the guidance lets the assessor reach instead, when they apply
    source: str = ""


@dataclass(frozen=True)
class StarOption:
    code: str
    text: str
    star: bool


@dataclass(frozen=True)
class StarItem:
    code: str
    text: str
    options: tuple[StarOption, ...]
    max_stars: int
    multiple: bool  # several options may be chosen (NOS comparability: up to two stars)


@dataclass(frozen=True)
class Section:
    code: str
    name: str
    items: tuple[StarItem, ...]

    @property
    def max_stars(self) -> int:
        return sum(item.max_stars for item in self.items)


@dataclass(frozen=True)
class QualityLevel:
    code: str
    label: str
    minimum: dict[str, int]  # section code -> fewest stars; the first level whose minima all hold applies


@dataclass(frozen=True)
class Tool:
    code: str
    name: str
    kind: str  # "domains" (questions and judgements), "custom" (the same, judged by the assessor alone), "stars" (NOS)
    version: str
    citation: str
    licence: str
    answers: tuple[Option, ...] = ()
    judgements: tuple[Judgement, ...] = ()
    domains: tuple[Domain, ...] = ()
    variants: tuple[Variant, ...] = ()
    overall: Overall | None = None
    sections: tuple[Section, ...] = ()
    quality_levels: tuple[QualityLevel, ...] = ()
    quality_source: str = ""

    def domain(self, code: str) -> Domain:
        for domain in self.domains:
            if domain.code == code:
                return domain
        raise KeyError(f"{self.code} has no domain {code!r}")

    def judgement(self, code: str) -> Judgement:
        for judgement in self.judgements:
            if judgement.code == code:
                return judgement
        raise KeyError(f"{self.code} has no judgement {code!r}")

    def variant(self, code: str | None = None) -> Variant:
        """The domains assessed for one aim (RoB 2: effect of assignment or of adhering); None: the first."""
        if code is None:
            return self.variants[0]
        for variant in self.variants:
            if variant.code == code:
                return variant
        raise KeyError(f"{self.code} has no variant {code!r}")

    @property
    def max_stars(self) -> int:
        return sum(section.max_stars for section in self.sections)
