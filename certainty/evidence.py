"""One outcome's evidence as GRADE reads it, from an analysis run's stored results, and Tandem's proposal for each
GRADE domain (appraisal/grade.py holds the rules and their sources). Pure: plain dictionaries and numbers in, no
Django, so that each domain's proposal is tested on constructed cases (tests/certainty/test_evidence.py)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from appraisal import grade

# The domains rated down, in the order of a summary-of-findings table, then the one rated up from the data.
DOWN = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
UP = ("large_effect",)
DOMAIN_LABELS = {
    "risk_of_bias": "Risk of bias",
    "inconsistency": "Inconsistency",
    "indirectness": "Indirectness",
    "imprecision": "Imprecision",
    "publication_bias": "Publication bias",
    "large_effect": "Large effect",
}
# Without the lead's own, the relative risk reduction the optimal information size is computed for (GRADE 6).
OIS_RELATIVE_RISK_REDUCTION = 0.25


@dataclass(frozen=True)
class Settings:
    """What the lead sets for an outcome: where its evidence starts, the minimally important difference (on the
    effect's scale: ratios as ratios), and the assumed risk without the intervention (a proportion)."""

    start: str = "randomised"
    mid: tuple[float, float] | None = None
    control_risk: float | None = None


@dataclass(frozen=True)
class Evidence:
    label: str
    measure: str
    ratio: bool
    k: int
    participants: int | None
    estimate: float  # on the effect's scale (ratios as ratios, not logs)
    ci: tuple[float, float]
    prediction: tuple[float, float] | None
    i2: float | None
    small_study_p: float | None
    dichotomous: bool
    control_risk: float | None  # the studies' control arms' events over participants, dichotomous only
    weights: dict[str, float]  # row name -> share of the pooled weight

    @property
    def null(self) -> float:
        return 1.0 if self.ratio else 0.0


def _finite(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


def read(outcome: Mapping[str, Any]) -> Evidence:
    """The evidence of one outcome of a run's results (analysis/services.py writes them)."""
    overall, studies = outcome["overall"], [s for s in outcome["studies"] if _finite(s.get("vi"))]
    ratio = bool(outcome.get("ratio"))
    shown = math.exp if ratio else float
    tau2 = overall.get("tau2") or 0.0
    # The overall pooled result's own weights (inverse variance with its τ²): the stored ones are per subgroup.
    inverse = {s["study"]: 1 / (s["vi"] + tau2) for s in studies if s["vi"] + tau2 > 0}
    total = sum(inverse.values()) or 1.0
    dichotomous = bool(studies) and all(_finite(s.get("ci")) and _finite(s.get("n2i")) for s in studies)
    control_risk = None
    if dichotomous:
        control_total = sum(s["n2i"] for s in studies)
        control_risk = sum(s["ci"] for s in studies) / control_total if control_total else None
    participants = overall.get("patients")
    if participants is None and studies and all(_finite(s.get("n")) for s in studies):
        participants = sum(s["n"] for s in studies)
    if participants is None and dichotomous and all(_finite(s.get("n1i")) for s in studies):
        participants = sum(s["n1i"] + s["n2i"] for s in studies)
    pi = (overall.get("pi_lower"), overall.get("pi_upper"))
    egger = (outcome.get("small_study_effects") or {}).get("egger") or {}
    return Evidence(
        label=outcome.get("label", ""),
        measure=outcome.get("measure", ""),
        ratio=ratio,
        k=int(overall["k"]),
        participants=None if participants is None else round(participants),
        estimate=shown(overall["estimate"]),
        ci=(shown(overall["ci_lower"]), shown(overall["ci_upper"])),
        prediction=(shown(pi[0]), shown(pi[1])) if all(_finite(v) for v in pi) and overall["k"] > 2 else None,
        i2=overall.get("i2"),
        small_study_p=egger.get("p_value"),
        dichotomous=dichotomous,
        control_risk=control_risk,
        weights={name: weight / total for name, weight in inverse.items()},
    )


def propose(
    evidence: Evidence, risks: Mapping[str, str | None], settings: Settings = Settings()
) -> dict[str, grade.Proposal]:
    """Tandem's proposal for each domain. `risks` maps each row name of the evidence to its overall risk of bias as
    low / some_concerns / high, or None where the study has no settled assessment (counted as some concerns, and
    said so)."""
    proposals = {
        "risk_of_bias": _risk_of_bias(evidence, risks),
        "inconsistency": grade.inconsistency(
            k=evidence.k, i2=evidence.i2, ci=evidence.ci, prediction=evidence.prediction, null=evidence.null
        ),
        "indirectness": replace(
            grade.indirectness(change=0),
            reason="Not serious unless the lead judges otherwise: the data cannot tell whether the population, "
            "intervention, comparator and outcome match the question.",
        ),
        "imprecision": grade.imprecision(
            measure=evidence.measure,
            ci=evidence.ci,
            null=evidence.null,
            mid=settings.mid,
            participants=evidence.participants if evidence.dichotomous else None,
            optimal_information_size=_ois(evidence, settings),
        ),
        "publication_bias": grade.publication_bias(k=evidence.k, p_value=evidence.small_study_p),
    }
    if grade.START[settings.start] < 4:
        proposals["large_effect"] = grade.large_effect(
            measure=evidence.measure, estimate=evidence.estimate, ci=evidence.ci
        )
    return proposals


def _risk_of_bias(evidence: Evidence, risks: Mapping[str, str | None]) -> grade.Proposal:
    names = list(evidence.weights)
    if not names:
        return grade.Proposal("risk_of_bias", 0, "RoB.no-studies", "Not assessable: no study is estimable.", "")
    unassessed = [name for name in names if not risks.get(name)]
    proposal = grade.risk_of_bias(
        [evidence.weights[name] for name in names], [risks.get(name) or "some_concerns" for name in names]
    )
    if unassessed:
        note = f"Not assessed (counted as some concerns): {', '.join(unassessed)}."
        proposal = replace(proposal, notes=(*proposal.notes, note))
    return proposal


def _ois(evidence: Evidence, settings: Settings) -> int | None:
    risk = settings.control_risk if settings.control_risk is not None else evidence.control_risk
    if not evidence.dichotomous or risk is None or not 0 < risk < 1:
        return None
    return grade.optimal_information_size(control_risk=risk, relative_risk_reduction=OIS_RELATIVE_RISK_REDUCTION)


def absolute(evidence: Evidence, settings: Settings) -> grade.AbsoluteEffect | None:
    """Anticipated absolute effects per 1,000 of a dichotomous outcome with RR, OR or RD: the lead's assumed control
    risk, else the studies' control arms'."""
    risk = settings.control_risk if settings.control_risk is not None else evidence.control_risk
    if not evidence.dichotomous or risk is None or evidence.measure not in ("RR", "OR", "RD", "HR"):
        return None
    return grade.absolute_effect(
        measure=evidence.measure, estimate=evidence.estimate, ci=evidence.ci, control_risk=risk
    )
