"""One evaluator for every tool's rules: which questions are asked, the suggested domain judgement, the overall one.

The rules are data (see `appraisal/tools/*.json`); a suggestion carries the rules that fired, so a page can say why.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from .model import NOT_APPLICABLE, WORST, Condition, Domain, Judgement, Rule, Tool


@dataclass(frozen=True)
class Fired:
    rule: str
    judgement: str
    because: str


@dataclass(frozen=True)
class Suggestion:
    """What the algorithm proposes; `judgement` is None when it proposes nothing (answers missing, or no rule)."""

    judgement: str | None
    fired: tuple[Fired, ...] = ()
    alternatives: tuple[Fired, ...] = ()  # other judgements the guidance lets the assessor choose, with why
    missing: tuple[str, ...] = ()  # questions asked but not answered, or domains not judged

    @property
    def because(self) -> str:
        return " ".join(f.because for f in self.fired)


def holds(condition: Condition, answers: Mapping[str, str] | None = None, judgements: Sequence[str] = ()) -> bool:
    """Whether a condition holds for a domain's answers (question leaves) or a result's domain judgements."""
    answers = answers or {}
    if "all" in condition:
        return all(holds(c, answers, judgements) for c in condition["all"])
    if "any" in condition:
        return any(holds(c, answers, judgements) for c in condition["any"])
    if "not" in condition:
        return not holds(condition["not"], answers, judgements)
    if "question" in condition:
        return answers.get(condition["question"], NOT_APPLICABLE) in condition["in"]
    if "any_domain" in condition:
        return any(j in condition["any_domain"] for j in judgements)
    if "every_domain" in condition:
        return all(j in condition["every_domain"] for j in judgements)
    return sum(j in condition["domains"] for j in judgements) >= condition["at_least"]


def effective_answers(domain: Domain, answers: Mapping[str, str]) -> dict[str, str]:
    """The answers as the algorithm reads them: every question that is not asked is NA, whatever was typed for it
    before an earlier answer changed; questions asked but not answered are left out."""
    effective: dict[str, str] = {}
    for question in domain.questions:
        if question.asked_if is not None and not holds(question.asked_if, effective):
            effective[question.code] = NOT_APPLICABLE
        elif question.code in answers:
            effective[question.code] = answers[question.code]
    return effective


def asked(domain: Domain, answers: Mapping[str, str]) -> list[str]:
    """The questions the form shows, given the answers so far (a question's condition only reads earlier ones)."""
    effective = effective_answers(domain, answers)
    return [q.code for q in domain.questions if q.asked_if is None or holds(q.asked_if, effective)]


def _check_answers(domain: Domain, answers: Mapping[str, str]) -> None:
    for code, answer in answers.items():
        if not any(q.code == code for q in domain.questions):
            raise ValueError(f"{domain.code} has no question {code!r}")
        question = domain.question(code)
        if answer not in question.options and answer != NOT_APPLICABLE:
            raise ValueError(f"{code}: {answer!r} is not one of {', '.join(question.options)}")


def worst(tool: Tool, codes: Sequence[str]) -> str | None:
    """The most severe judgement among codes that have a severity; None when none has."""
    ranked = [tool.judgement(code) for code in codes if tool.judgement(code).severity is not None]
    return max(ranked, key=_severity).code if ranked else None


def _severity(judgement: Judgement) -> int:
    return judgement.severity if judgement.severity is not None else -1


def suggest_domain(tool: Tool, domain_code: str, answers: Mapping[str, str]) -> Suggestion:
    """The domain judgement the tool's algorithm suggests for these answers, with the rule of each part that fired.

    A domain with several parts (RoB 2 domain 2, effect of assignment) takes the most severe part's judgement."""
    domain = tool.domain(domain_code)
    _check_answers(domain, answers)
    effective = effective_answers(domain, answers)
    missing = tuple(q for q in asked(domain, answers) if q not in effective)
    if missing or not domain.parts:
        return Suggestion(None, missing=missing)
    fired = []
    for part in domain.parts:
        matched = [rule for rule in part.rules if holds(rule.when, effective)]
        if not matched:  # an incomplete table (ROBINS-I): this combination is the assessor's to judge
            return Suggestion(None)
        fired.append(_fired(matched[0]))
    return Suggestion(worst(tool, [f.judgement for f in fired]), fired=tuple(fired))


def suggest_overall(tool: Tool, judgements: Mapping[str, str | None], variant: str | None = None) -> Suggestion:
    """The overall judgement from the domain judgements of one result, by the tool's overall rules."""
    if tool.overall is None:
        return Suggestion(None)
    domains = tool.variant(variant).domains
    missing = tuple(d for d in domains if not judgements.get(d))
    if missing:
        return Suggestion(None, missing=missing)
    codes = [judgements[d] or "" for d in domains]
    for code in codes:
        tool.judgement(code)  # raises on a judgement the tool does not have
    matched = [rule for rule in tool.overall.rules if holds(rule.when, judgements=codes)]
    if not matched:
        return Suggestion(None)
    worst_code = worst(tool, codes)
    fired = _fired(matched[0], worst_code)
    alternatives = [
        _fired(rule, worst_code) for rule in tool.overall.considerations if holds(rule.when, judgements=codes)
    ]
    return Suggestion(
        fired.judgement,
        fired=(fired,),
        alternatives=tuple(a for a in alternatives if a.judgement not in ("", fired.judgement)),
    )


def _resolve(judgement: str, worst_code: str | None) -> str:
    return (worst_code or "") if judgement == WORST else judgement


def _fired(rule: Rule, worst_code: str | None = None) -> Fired:
    return Fired(rule.code, _resolve(rule.judgement, worst_code), rule.because)


def answer_combinations(domain: Domain) -> Iterator[dict[str, str]]:
    """Every combination of answers the form allows: each asked question takes each of its options, every other
    question is NA. The loader checks the rules against all of them; the tests compare them with the guidance."""

    def extend(index: int, answers: dict[str, str]) -> Iterator[dict[str, str]]:
        if index == len(domain.questions):
            yield dict(answers)
            return
        question = domain.questions[index]
        shown = question.asked_if is None or holds(question.asked_if, answers)
        for option in question.options if shown else (NOT_APPLICABLE,):
            answers[question.code] = option
            yield from extend(index + 1, answers)
        del answers[question.code]

    yield from extend(0, {})


def judgement_combinations(tool: Tool, count: int) -> Iterator[tuple[str, ...]]:
    """Every multiset of `count` domain judgements; overall rules only count judgements, so order never matters."""
    return itertools.combinations_with_replacement([j.code for j in tool.judgements], count)
