"""GRADE proposals from the numbers an analysis already has: for each domain a proposed change of certainty and why.

Pure functions on numbers. Each proposal is only that: the lead confirms or changes it with a reason. The thresholds
are named below, each with its source; where GRADE leaves a cut-off to judgement, the value is Tandem's default and
says so. Sources: GRADE guidelines series, J Clin Epidemiol 2011 (Guyatt et al.): 3 (Balshem, rating the quality of
evidence, 64:401), 4 (risk of bias, 64:407), 5 (publication bias, 64:1277), 6 (imprecision, 64:1283),
7 (inconsistency, 64:1294), 8 (indirectness, 64:1303), 9 (rating up, 64:1311); GRADE guidelines 18 (Schünemann
et al. 2019, 111:105: non-randomised studies assessed with ROBINS-I start high); GRADE handbook (Schünemann, Brożek,
Guyatt, Oxman, 2013), section 5; Cochrane Handbook version 6 chapters 10.10.2 (I²), 13.3.5.4 (ten studies for
funnel-plot tests) and 14 (summary of findings tables, absolute effects).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from scipy.stats import norm

LEVELS = {4: "high", 3: "moderate", 2: "low", 1: "very low"}
SYMBOLS = {4: "⊕⊕⊕⊕", 3: "⊕⊕⊕◯", 2: "⊕⊕◯◯", 1: "⊕◯◯◯"}
# GRADE 3 (Balshem 2011): randomised trials start high, observational studies low; GRADE 18 (Schünemann 2019):
# non-randomised studies assessed with ROBINS-I start high, since ROBINS-I itself rates their risk of bias down.
START = {"randomised": 4, "observational": 2, "observational_robins_i": 4}
RATIO_MEASURES = ("RR", "OR", "HR")
DIFFERENCE_MEASURES = ("RD", "MD", "SMD")


@dataclass(frozen=True)
class Threshold:
    name: str
    value: float
    source: str


# Risk of bias, GRADE 4 (Guyatt 2011, table 3, after Cochrane Handbook 5.1 table 12.2.d): rate down when the share
# of information from studies at high risk of bias is enough to affect the interpretation. "Enough" is judgement;
# Tandem proposes a majority of the pooled weight, counting studies at high risk, then with some concerns.
HIGH_RISK_SHARE = Threshold("high-risk share of the weight", 0.5, "Tandem default after GRADE 4, table 3")
CONCERNS_SHARE = Threshold("high-risk or some-concerns share", 0.5, "Tandem default after GRADE 4, table 3")
# Inconsistency, GRADE 7 and Cochrane Handbook 10.10.2: I² of 50-90% "may represent substantial heterogeneity".
I2_SUBSTANTIAL = Threshold("I² substantial", 50.0, "Cochrane Handbook 10.10.2; GRADE 7")
# Imprecision, GRADE 6: without a decision threshold set by the panel, a relative risk reduction or increase of 25%
# (RR 0.75 and 1.25) marks appreciable benefit and harm; a CI including both rates down two levels.
APPRECIABLE_RATIO = Threshold("appreciable relative effect", 0.25, "GRADE 6 (Guyatt 2011), default RRR/RRI of 25%")
# Publication bias, GRADE 5 and Cochrane Handbook 13.3.5.4: funnel-plot asymmetry tests need at least 10 studies;
# Egger et al. (BMJ 1997) judged asymmetry at p < 0.10.
MIN_STUDIES_FOR_TEST = Threshold("studies for a small-study test", 10, "Cochrane Handbook 13.3.5.4; GRADE 5")
ASYMMETRY_P = Threshold("small-study test p-value", 0.10, "Egger et al. BMJ 1997;315:629")
# Rating up, GRADE 9 (Guyatt 2011): large effect RR > 2 or < 0.5 (+1), very large RR > 5 or < 0.2 (+2).
LARGE_EFFECT = Threshold("large effect (ratio)", 2.0, "GRADE 9 (Guyatt 2011)")
VERY_LARGE_EFFECT = Threshold("very large effect (ratio)", 5.0, "GRADE 9 (Guyatt 2011)")


@dataclass(frozen=True)
class Proposal:
    domain: str
    change: int  # levels of certainty: 0, -1 or -2 for a domain rated down, +1 or +2 for one rated up
    rule: str
    reason: str
    source: str
    notes: tuple[str, ...] = field(default=())


def risk_of_bias(weights: Sequence[float], risks: Sequence[str]) -> Proposal:
    """From each study's weight in the pooled result and its overall risk of bias, as "low", "some_concerns" or
    "high" (use `risk_category` for ROBINS-I and the other tools)."""
    if len(weights) != len(risks) or not weights:
        raise ValueError("one weight and one risk-of-bias judgement per study are needed")
    unknown = set(risks) - {"low", "some_concerns", "high"}
    if unknown:
        raise ValueError(f"risk of bias must be low, some_concerns or high, not {', '.join(sorted(unknown))}")
    if any(w < 0 or not math.isfinite(w) for w in weights) or sum(weights) <= 0:
        raise ValueError("weights must be non-negative with a positive total")
    total = sum(weights)
    high = sum(w for w, r in zip(weights, risks, strict=True) if r == "high") / total
    concerns = sum(w for w, r in zip(weights, risks, strict=True) if r == "some_concerns") / total
    shares = f"{high:.0%} of the weight from studies at high risk of bias, {concerns:.0%} with some concerns"
    source = "GRADE 4 (Guyatt et al. J Clin Epidemiol 2011;64:407), table 3"
    if high >= HIGH_RISK_SHARE.value:
        return Proposal(
            "risk_of_bias",
            -1,
            "RoB.high-risk-majority",
            f"Serious: {shares}.",
            source,
            ("Very serious (two levels) if the limitations are crucial: the lead's judgement.",),
        )
    if high + concerns >= CONCERNS_SHARE.value:
        return Proposal("risk_of_bias", -1, "RoB.concerns-majority", f"Serious: {shares}.", source)
    return Proposal("risk_of_bias", 0, "RoB.mostly-low", f"Not serious: {shares}.", source)


def risk_category(severity: int | None, scale_top: int) -> str:
    """A tool's overall judgement as low / some_concerns / high: the best level is low, the two most severe of a
    five-level scale (ROBINS-I serious and critical) or the worst of a three-level one are high, the rest (and no
    information) some concerns."""
    if severity == 0:
        return "low"
    if severity is not None and severity >= max(scale_top - 1, 2):
        return "high"
    return "some_concerns"


def _crosses(low: float, high: float, value: float) -> bool:
    return low < value < high


def inconsistency(
    *,
    k: int,
    i2: float | None,
    ci: tuple[float, float],
    prediction: tuple[float, float] | None,
    null: float,
    threshold: float | None = None,
) -> Proposal:
    """From I² (in percent), the confidence and the prediction interval of the pooled effect, on the scale on which
    `null` (1 for ratios, 0 for differences) and the lead's decision threshold, if any, are given."""
    source = "GRADE 7 (Guyatt et al. J Clin Epidemiol 2011;64:1294); Cochrane Handbook 10.10.2"
    if k < 2 or i2 is None:
        return Proposal("inconsistency", 0, "INC.single-study", "Not assessable: a single study.", source)
    lines = [value for value in (null, threshold) if value is not None]
    reasons = []
    if i2 >= I2_SUBSTANTIAL.value:
        reasons.append(f"I² = {i2:.0f}% (substantial heterogeneity from {I2_SUBSTANTIAL.value:.0f}%)")
    if prediction is not None:
        for line in lines:
            if _crosses(*prediction, line) and not _crosses(*ci, line):
                what = "the null" if line == null else "the decision threshold"
                reasons.append(
                    f"the prediction interval ({prediction[0]:.2f} to {prediction[1]:.2f}) crosses {what} ({line:g}), "
                    "which the confidence interval does not: true effects may lie on both sides"
                )
    if reasons:
        return Proposal(
            "inconsistency",
            -1,
            "INC.heterogeneous",
            "Serious: " + "; ".join(reasons) + ".",
            source,
            (
                "Very serious (two levels) if the studies' effects point in opposite directions with little "
                "overlap: the lead's judgement.",
            ),
        )
    return Proposal("inconsistency", 0, "INC.consistent", f"Not serious: I² = {i2:.0f}%.", source)


def imprecision(
    *,
    measure: str,
    ci: tuple[float, float],
    null: float,
    mid: tuple[float, float] | None = None,
    participants: int | None = None,
    optimal_information_size: int | None = None,
) -> Proposal:
    """From the confidence interval of the pooled effect and, when the lead sets them, the thresholds of a minimally
    important benefit and harm (`mid`, on the effect's scale: RR 0.75 and 1.25, or MD -5 and 5); for dichotomous
    outcomes also the participants against the optimal information size."""
    source = "GRADE 6 (Guyatt et al. J Clin Epidemiol 2011;64:1283)"
    low, high = ci
    appreciable = mid
    if appreciable is None and measure in RATIO_MEASURES:
        appreciable = (1 - APPRECIABLE_RATIO.value, 1 + APPRECIABLE_RATIO.value)
    interval = f"the confidence interval ({low:.2f} to {high:.2f})"
    if appreciable is not None and low <= min(appreciable) and high >= max(appreciable):
        return Proposal(
            "imprecision",
            -2,
            "IMP.benefit-and-harm",
            f"Very serious: {interval} includes both appreciable benefit and appreciable harm "
            f"({min(appreciable):g} and {max(appreciable):g}).",
            source,
        )
    reasons = []
    if _crosses(low, high, null):
        reasons.append(f"{interval} crosses the null ({null:g})")
    elif mid is not None and any(_crosses(low, high, line) for line in mid):
        reasons.append(f"{interval} crosses the minimally important difference ({', '.join(f'{m:g}' for m in mid)})")
    if participants is not None and optimal_information_size is not None and participants < optimal_information_size:
        reasons.append(
            f"{participants} participants, fewer than the optimal information size of {optimal_information_size}"
        )
    if reasons:
        return Proposal("imprecision", -1, "IMP.imprecise", "Serious: " + "; ".join(reasons) + ".", source)
    return Proposal("imprecision", 0, "IMP.precise", f"Not serious: {interval} excludes the null.", source)


def optimal_information_size(
    *, control_risk: float, relative_risk_reduction: float, alpha: float = 0.05, beta: float = 0.2
) -> int:
    """Participants (both groups) a single trial needs to detect the relative risk reduction with two-sided alpha and
    power 1 - beta, by the usual sample size for two proportions (GRADE 6, the optimal information size)."""
    if not 0 < control_risk < 1 or not 0 < relative_risk_reduction < 1:
        raise ValueError("the control risk and the relative risk reduction must lie strictly between 0 and 1")
    if not 0 < alpha < 1 or not 0 < beta < 1:
        raise ValueError("alpha and beta must lie strictly between 0 and 1")
    treated = control_risk * (1 - relative_risk_reduction)
    z = norm.ppf(1 - alpha / 2) + norm.ppf(1 - beta)
    variance = control_risk * (1 - control_risk) + treated * (1 - treated)
    return 2 * math.ceil(z**2 * variance / (control_risk - treated) ** 2)


def optimal_information_size_continuous(*, sd: float, difference: float, alpha: float = 0.05, beta: float = 0.2) -> int:
    """Participants (both groups) to detect a mean difference with the given standard deviation (GRADE 6)."""
    if sd <= 0 or difference == 0:
        raise ValueError("the standard deviation must be positive and the difference not zero")
    z = norm.ppf(1 - alpha / 2) + norm.ppf(1 - beta)
    return 2 * math.ceil(2 * z**2 * sd**2 / difference**2)


def publication_bias(*, k: int, p_value: float | None) -> Proposal:
    """From a small-study test (Egger's, for example) of the outcome's studies; below ten studies, a warning."""
    source = "GRADE 5 (Guyatt et al. J Clin Epidemiol 2011;64:1277); Cochrane Handbook 13.3.5.4"
    if k < MIN_STUDIES_FOR_TEST.value or p_value is None:
        return Proposal(
            "publication_bias",
            0,
            "PB.too-few-studies",
            f"Not detected, but with {k} studies a test for funnel-plot asymmetry has too little power "
            f"(at least {MIN_STUDIES_FOR_TEST.value:.0f} are needed): the lead judges from the search and "
            "the studies' funding and size.",
            source,
        )
    if p_value < ASYMMETRY_P.value:
        return Proposal(
            "publication_bias",
            -1,
            "PB.asymmetry",
            f"Strongly suspected: the small-study test gives p = {p_value:.3f} (below {ASYMMETRY_P.value:g}).",
            source,
        )
    return Proposal(
        "publication_bias", 0, "PB.no-asymmetry", f"Not detected: the small-study test gives p = {p_value:.3f}.", source
    )


def indirectness(*, change: int, reason: str = "") -> Proposal:
    """The lead's judgement (population, intervention, comparator or outcome differing from the question)."""
    if change not in (0, -1, -2):
        raise ValueError("indirectness rates down by 0, 1 or 2 levels")
    if change and not reason.strip():
        raise ValueError("rating down for indirectness needs a reason")
    level = {0: "Not serious", -1: "Serious", -2: "Very serious"}[change]
    return Proposal(
        "indirectness",
        change,
        "IND.lead",
        f"{level}: {reason.strip() or 'the lead judges the evidence direct'}.",
        "GRADE 8 (Guyatt et al. J Clin Epidemiol 2011;64:1303)",
    )


def large_effect(*, measure: str, estimate: float, ci: tuple[float, float]) -> Proposal:
    """Rating up observational evidence for a large relative effect whose confidence interval excludes the null."""
    source = "GRADE 9 (Guyatt et al. J Clin Epidemiol 2011;64:1311)"
    if measure not in RATIO_MEASURES:
        return Proposal("large_effect", 0, "UP.not-a-ratio", "Not assessed: the effect is not a ratio.", source)
    size = max(estimate, 1 / estimate)
    if _crosses(*ci, 1.0):
        return Proposal(
            "large_effect", 0, "UP.crosses-null", "None: the confidence interval includes no effect.", source
        )
    if size > VERY_LARGE_EFFECT.value:
        return Proposal("large_effect", 2, "UP.very-large", f"Very large effect: {measure} {estimate:.2f}.", source)
    if size > LARGE_EFFECT.value:
        return Proposal("large_effect", 1, "UP.large", f"Large effect: {measure} {estimate:.2f}.", source)
    return Proposal("large_effect", 0, "UP.not-large", f"None: {measure} {estimate:.2f} is not large.", source)


def lead_upgrade(domain: str, *, applies: bool, reason: str = "") -> Proposal:
    """Dose-response gradient, or plausible confounding that would reduce the effect shown: the lead's judgement."""
    if domain not in ("dose_response", "plausible_confounding"):
        raise ValueError(f"{domain!r} is not a reason to rate up that the lead judges")
    if applies and not reason.strip():
        raise ValueError("rating up needs a reason")
    return Proposal(
        domain,
        1 if applies else 0,
        f"UP.{domain}",
        reason.strip() or "None.",
        "GRADE 9 (Guyatt et al. J Clin Epidemiol 2011;64:1311)",
    )


@dataclass(frozen=True)
class Certainty:
    level: int  # 4 high .. 1 very low
    start: int
    downgrades: int
    upgrades: int

    @property
    def label(self) -> str:
        return LEVELS[self.level]

    @property
    def symbols(self) -> str:
        return SYMBOLS[self.level]


def certainty(design: str, proposals: Sequence[Proposal]) -> Certainty:
    """Start by design, rate down for each domain, rate up (only evidence that starts low, and only when nothing
    rates it down: GRADE 9), bounded to very low..high."""
    if design not in START:
        raise ValueError(f"design must be one of {', '.join(START)}")
    down = -sum(p.change for p in proposals if p.change < 0)
    up = sum(p.change for p in proposals if p.change > 0)
    if START[design] == 4 or down:
        up = 0
    return Certainty(max(1, min(4, START[design] - down + up)), START[design], down, up)


@dataclass(frozen=True)
class AbsoluteEffect:
    """Risks per 1,000 with the control and with the intervention, and their difference, each with its interval."""

    control: float
    intervention: tuple[float, float, float]  # estimate, lower, upper
    difference: tuple[float, float, float]


def absolute_effect(*, measure: str, estimate: float, ci: tuple[float, float], control_risk: float) -> AbsoluteEffect:
    """Anticipated absolute effects for a dichotomous outcome (Cochrane Handbook 14.1.5): the pooled RR, OR or HR on
    its ratio scale (not its log), or the RD, applied to an assumed control risk (a proportion)."""
    if not 0 <= control_risk <= 1:
        raise ValueError("the control risk is a proportion between 0 and 1")

    def risk(effect: float) -> float:
        if measure == "RR":
            value = control_risk * effect
        elif measure == "OR":
            value = effect * control_risk / (1 - control_risk + effect * control_risk)
        elif measure == "HR":
            value = 1 - (1 - control_risk) ** effect
        elif measure == "RD":
            value = control_risk + effect
        else:
            raise ValueError(f"absolute effects are for RR, OR, HR or RD, not {measure}")
        return min(1.0, max(0.0, value))

    if measure in RATIO_MEASURES and min(estimate, *ci) <= 0:
        raise ValueError("a ratio and its confidence interval must be positive")
    risks = tuple(1000 * risk(value) for value in (estimate, *ci))
    control = 1000 * control_risk
    return AbsoluteEffect(
        control,
        (risks[0], min(risks[1:]), max(risks[1:])),
        (risks[0] - control, min(risks[1:]) - control, max(risks[1:]) - control),
    )


def per_1000(value: float) -> str:
    """A difference per 1,000 as a summary-of-findings table words it: "50 fewer", "12 more", "0 fewer"."""
    count = round(abs(value))
    return f"{count} more" if value > 0 and count else f"{count} fewer"
