"""Risk-of-bias tools as data files: read one, check every entry, and say which file and entry is wrong.

A tool with an algorithm is also checked as a whole: every combination of answers the form allows matches at most
one rule of each table (exactly one where the table says it is complete), and so do the overall rules for every
combination of domain judgements. A tool that loads can therefore always say which rule suggested a judgement.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from .algorithm import answer_combinations, holds, judgement_combinations
from .model import (
    NOT_APPLICABLE,
    WORST,
    Condition,
    Domain,
    Judgement,
    Option,
    Overall,
    Part,
    QualityLevel,
    Question,
    Rule,
    Section,
    StarItem,
    StarOption,
    Tool,
    ToolError,
    Variant,
)
from .stars import assessable

TOOLS_DIR = Path(__file__).parent / "tools"
BUILT_IN = ("rob2", "robins_i", "nos_cohort", "nos_case_control")
KINDS = ("domains", "stars", "custom")


@cache
def load(code: str) -> Tool:
    """One of the tools that ship with Tandem, by its file name: `load("rob2")`."""
    if code not in BUILT_IN:
        raise ToolError(f"no built-in tool {code!r}; the tools are {', '.join(BUILT_IN)}")
    return load_file(TOOLS_DIR / f"{code}.json")


def load_file(path: Path) -> Tool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ToolError(f"{path.name}: cannot be read: {error}") from error
    except json.JSONDecodeError as error:
        raise ToolError(f"{path.name}: line {error.lineno}: not JSON: {error.msg}") from error
    return parse(data, path.name)


def parse(data: Any, name: str = "tool") -> Tool:
    """A tool from its JSON data (a built-in file, or the custom tool a lead defines); ToolError when invalid."""
    return _Reader(name).tool(data)


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name

    def fail(self, path: str, message: str) -> ToolError:
        return ToolError(f"{self.name}: {path}: {message}")

    def get(self, obj: Any, key: str, path: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if not isinstance(obj, dict):
            raise self.fail(path, "expected an object")
        if key not in obj:
            if default is ...:
                raise self.fail(f"{path}.{key}".lstrip("."), "is missing")
            return default
        value = obj[key]
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
            raise self.fail(f"{path}.{key}".lstrip("."), f"expected {_KIND_NAMES.get(names, names)}")
        if isinstance(value, str) and not value.strip() and default is ...:
            raise self.fail(f"{path}.{key}".lstrip("."), "is empty")
        return value

    def items(self, obj: Any, key: str, path: str, default: Any = ...) -> list[tuple[str, Any]]:
        values = self.get(obj, key, path, list, default)
        return [(f"{path}.{key}[{i}]".lstrip("."), value) for i, value in enumerate(values)]

    def unique(self, codes: list[str], path: str, what: str) -> None:
        seen = set()
        for code in codes:
            if code in seen:
                raise self.fail(path, f"two {what} have the code {code!r}")
            seen.add(code)

    def tool(self, data: Any) -> Tool:
        kind = self.get(data, "kind", "", str)
        if kind not in KINDS:
            raise self.fail("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
        head = Tool(
            code=self.get(data, "code", "", str),
            name=self.get(data, "name", "", str),
            kind=kind,
            version=self.get(data, "version", "", str, ""),
            citation=self.get(data, "citation", "", str, ""),
            licence=self.get(data, "licence", "", str, ""),
        )
        if kind == "stars":
            return self.star_tool(data, head)
        if kind == "custom":
            for key in ("overall", "variants"):
                if key in data:
                    raise self.fail(key, "a custom tool has no algorithm: the assessor judges every domain")
        answers = tuple(
            Option(self.get(a, "code", p, str), self.get(a, "label", p, str))
            for p, a in self.items(data, "answers", "")
        )
        self.unique([a.code for a in answers], "answers", "answers")
        judgements = tuple(self.judgement(p, j) for p, j in self.items(data, "judgements", ""))
        self.unique([j.code for j in judgements], "judgements", "judgements")
        if not judgements:
            raise self.fail("judgements", "a tool needs at least one judgement")
        if all(j.severity is None for j in judgements):
            raise self.fail("judgements", "at least one judgement needs a severity (0: the best)")
        codes = {j.code for j in judgements}
        answer_codes = {a.code for a in answers} | {NOT_APPLICABLE}
        domains = tuple(
            self.domain(p, d, answer_codes, codes, custom=kind == "custom") for p, d in self.items(data, "domains", "")
        )
        self.unique([d.code for d in domains], "domains", "domains")
        if not domains:
            raise self.fail("domains", "a tool needs at least one domain")
        domain_codes = [d.code for d in domains]
        variants = tuple(self.variant(p, v, domain_codes) for p, v in self.items(data, "variants", "", []))
        if not variants:
            variants = (Variant("all", "All domains", tuple(domain_codes)),)
        overall = self.overall(data["overall"], codes, len(variants[0].domains)) if "overall" in data else None
        if overall:
            sizes = {len(v.domains) for v in variants}
            for size in sizes - {len(variants[0].domains)}:
                self.check_overall(overall, codes, size)
        return replace(
            head,
            answers=answers,
            judgements=judgements,
            domains=domains,
            variants=variants,
            overall=overall,
        )

    def judgement(self, path: str, data: Any) -> Judgement:
        severity = self.get(data, "severity", path, (int, type(None)))
        return Judgement(
            code=self.get(data, "code", path, str),
            label=self.get(data, "label", path, str),
            severity=severity,
            colour=self.get(data, "colour", path, str, "#cccccc"),
            symbol=self.get(data, "symbol", path, str, ""),
        )

    def domain(self, path: str, data: Any, answers: set[str], judgements: set[str], custom: bool) -> Domain:
        code = self.get(data, "code", path, str)
        questions: list[Question] = []
        for qpath, q in self.items(data, "questions", path):
            options = tuple(self.get(q, "options", qpath, list))
            for i, option in enumerate(options):
                if option not in answers:
                    raise self.fail(f"{qpath}.options[{i}]", f"{option!r} is not one of the tool's answers")
            if not options:
                raise self.fail(f"{qpath}.options", "a question needs at least one answer")
            asked_if = self.get(q, "asked_if", qpath, dict, None)
            earlier = {x.code: x for x in questions}
            if asked_if is not None:
                self.condition(asked_if, f"{qpath}.asked_if", earlier, judgements=None)
            questions.append(
                Question(
                    self.get(q, "code", qpath, str),
                    self.get(q, "text", qpath, str),
                    options,
                    asked_if,
                    self.get(q, "note", qpath, str, ""),
                )
            )
        self.unique([q.code for q in questions], f"{path}.questions", "questions")
        by_code = {q.code: q for q in questions}
        parts = []
        if "algorithm" in data:
            if custom:
                raise self.fail(f"{path}.algorithm", "a custom tool has no algorithm: the assessor judges the domain")
            for ppath, p in self.items(data["algorithm"], "parts", f"{path}.algorithm"):
                rules = tuple(self.rule(rpath, r, by_code, judgements) for rpath, r in self.items(p, "rules", ppath))
                self.unique([r.code for r in rules], f"{ppath}.rules", "rules")
                parts.append(Part(self.get(p, "code", ppath, str), rules, self.get(p, "complete", ppath, bool)))
        domain = Domain(
            code,
            self.get(data, "short", path, str),
            self.get(data, "name", path, str),
            tuple(questions),
            tuple(parts),
            self.get(data, "source", path, str, ""),
        )
        for index, part in enumerate(domain.parts):
            self.check_table(domain, part, f"{path}.algorithm.parts[{index}]")
        return domain

    def rule(self, path: str, data: Any, questions: dict[str, Question] | None, judgements: set[str]) -> Rule:
        judgement = self.get(data, "judgement", path, str)
        if judgement not in judgements and not (questions is None and judgement == WORST):
            raise self.fail(f"{path}.judgement", f"{judgement!r} is not one of the tool's judgements")
        when = self.get(data, "when", path, dict)
        self.condition(when, f"{path}.when", questions, judgements if questions is None else None)
        return Rule(self.get(data, "code", path, str), when, judgement, self.get(data, "because", path, str))

    def condition(
        self, data: Condition, path: str, questions: dict[str, Question] | None, judgements: set[str] | None
    ) -> None:
        """Question leaves in a domain (only on the questions given: the earlier ones), judgement leaves overall."""
        keys = set(data)
        if keys in ({"all"}, {"any"}):
            (key,) = keys
            for cpath, child in self.items(data, key, path):
                self.condition(child, cpath, questions, judgements)
            if not data[key]:
                raise self.fail(f"{path}.{key}", "is empty")
        elif keys == {"not"}:
            self.condition(self.get(data, "not", path, dict), f"{path}.not", questions, judgements)
        elif keys == {"question", "in"} and questions is not None:
            code = self.get(data, "question", path, str)
            if code not in questions:
                raise self.fail(f"{path}.question", f"{code!r} is not an earlier question of this domain")
            allowed = set(questions[code].options) | {NOT_APPLICABLE}
            for i, answer in enumerate(self.get(data, "in", path, list)):
                if answer not in allowed:
                    raise self.fail(f"{path}.in[{i}]", f"{answer!r} is not an answer to {code}")
        elif judgements is not None and keys in ({"any_domain"}, {"every_domain"}, {"at_least", "domains"}):
            key = "domains" if "domains" in keys else next(iter(keys))
            for i, code in enumerate(self.get(data, key, path, list)):
                if code not in judgements:
                    raise self.fail(f"{path}.{key}[{i}]", f"{code!r} is not one of the tool's judgements")
            if "at_least" in keys:
                self.get(data, "at_least", path, int)
        else:
            raise self.fail(path, f"not a condition: {json.dumps(data)}")

    def check_table(self, domain: Domain, part: Part, path: str) -> None:
        for answers in answer_combinations(domain):
            matched = [rule.code for rule in part.rules if holds(rule.when, answers)]
            if len(matched) > 1 or (part.complete and not matched):
                shown = ", ".join(f"{q} {a}" for q, a in answers.items())
                problem = f"match rules {' and '.join(matched)}" if matched else "match no rule"
                raise self.fail(f"{path}.rules", f"the answers {shown} {problem}")

    def variant(self, path: str, data: Any, domains: list[str]) -> Variant:
        codes = tuple(self.get(data, "domains", path, list))
        for i, code in enumerate(codes):
            if code not in domains:
                raise self.fail(f"{path}.domains[{i}]", f"{code!r} is not a domain of the tool")
        return Variant(self.get(data, "code", path, str), self.get(data, "label", path, str), codes)

    def overall(self, data: Any, judgements: set[str], size: int) -> Overall:
        rules = tuple(self.rule(p, r, None, judgements) for p, r in self.items(data, "rules", "overall"))
        considerations = tuple(
            self.rule(p, r, None, judgements) for p, r in self.items(data, "considerations", "overall", [])
        )
        self.unique([r.code for r in rules + considerations], "overall", "rules")
        overall = Overall(rules, considerations, self.get(data, "source", "overall", str, ""))
        self.check_overall(overall, judgements, size)
        return overall

    def check_overall(self, overall: Overall, judgements: set[str], size: int) -> None:
        tool = Tool(
            code="",
            name="",
            kind="domains",
            version="",
            citation="",
            licence="",
            judgements=tuple(Judgement(j, j, None, "", "") for j in sorted(judgements)),
        )
        for combination in judgement_combinations(tool, size):
            matched = [rule.code for rule in overall.rules if holds(rule.when, judgements=combination)]
            if len(matched) != 1:
                problem = f"match rules {' and '.join(matched)}" if matched else "match no rule"
                raise self.fail("overall.rules", f"the domain judgements {', '.join(combination)} {problem}")

    def star_tool(self, data: Any, head: Tool) -> Tool:
        sections = []
        for spath, s in self.items(data, "sections", ""):
            items = []
            for ipath, item in self.items(s, "items", spath):
                options = tuple(
                    StarOption(
                        self.get(o, "code", opath, str),
                        self.get(o, "text", opath, str),
                        self.get(o, "star", opath, bool),
                    )
                    for opath, o in self.items(item, "options", ipath)
                )
                self.unique([o.code for o in options], f"{ipath}.options", "options")
                max_stars = self.get(item, "max_stars", ipath, int)
                multiple = self.get(item, "multiple", ipath, bool, False)
                reachable = sum(o.star for o in options) if multiple else int(any(o.star for o in options))
                if reachable != max_stars:
                    raise self.fail(f"{ipath}.max_stars", f"is {max_stars} but the options give at most {reachable}")
                items.append(
                    StarItem(
                        self.get(item, "code", ipath, str),
                        self.get(item, "text", ipath, str),
                        options,
                        max_stars,
                        multiple,
                    )
                )
            sections.append(Section(self.get(s, "code", spath, str), self.get(s, "name", spath, str), tuple(items)))
        self.unique([s.code for s in sections], "sections", "sections")
        self.unique([i.code for s in sections for i in s.items], "sections", "items")
        levels = []
        for lpath, level in self.items(data, "quality_levels", "", []):
            minimum = self.get(level, "minimum", lpath, dict)
            for section, stars in minimum.items():
                if section not in {s.code for s in sections}:
                    raise self.fail(f"{lpath}.minimum.{section}", "is not a section of the tool")
                if not isinstance(stars, int) or isinstance(stars, bool):
                    raise self.fail(f"{lpath}.minimum.{section}", "expected a whole number")
            levels.append(
                QualityLevel(self.get(level, "code", lpath, str), self.get(level, "label", lpath, str), dict(minimum))
            )
        if levels and levels[-1].minimum:
            raise self.fail("quality_levels", "the last level must have no minimum, so that every score has a level")
        star_tool = replace(
            head,
            sections=tuple(sections),
            quality_levels=tuple(levels),
            quality_source=self.get(data, "quality_source", "", str, ""),
        )
        return assessable(star_tool)  # also as domains, for the assessment forms and the plots


_KIND_NAMES = {
    "str": "text",
    "list": "a list",
    "dict": "an object",
    "int": "a whole number",
    "bool": "true or false",
    "int or NoneType": "a whole number or null",
}
