"""The summary of findings of a review: each analysed outcome of its newest current run, with Tandem's proposals
and the lead's judgements (reads), and the lead's writes (settings per outcome, a judgement per domain)."""

from dataclasses import dataclass, replace

from django.db import transaction

from analysis.models import AnalysisRun
from appraisal import grade
from appraisal.grade_inputs import SettledRisks
from appraisal.models import Design, ToolCode
from reviews.access import LEAD_ONLY, person, require_role

from .evidence import DOMAIN_LABELS, DOWN, Evidence, Settings, absolute, propose, read
from .models import GradeJudgement, OutcomeGrading, Start


class GradeError(Exception):
    """A GRADE write that cannot be done; the message says why."""


@dataclass(frozen=True)
class DomainRow:
    domain: str
    label: str
    proposal: grade.Proposal
    judgement: GradeJudgement | None  # the lead's, in force; None: still only proposed

    @property
    def change(self) -> int:
        return self.judgement.change if self.judgement else self.proposal.change

    @property
    def reason(self) -> str:
        return self.judgement.reason if self.judgement else self.proposal.reason


@dataclass(frozen=True)
class OutcomeRow:
    key: str
    evidence: Evidence
    settings: Settings
    inferred_start: bool  # the start comes from the studies' designs, not from the lead
    domains: list[DomainRow]
    certainty: grade.Certainty
    absolute: grade.AbsoluteEffect | None

    @property
    def confirmed(self) -> bool:
        return all(row.judgement is not None for row in self.domains)

    @property
    def footnotes(self) -> list[str]:
        """Why the certainty moved: every domain rated down or up, in the lead's words (or the proposal's)."""
        return [f"{row.label}: {row.reason}" for row in self.domains if row.change]


def current_run(review) -> AnalysisRun | None:
    """The newest finished run whose data are still the locked extraction's."""
    return review.analysis_runs.done().filter(stale=False).first()


def study_risks(
    settled: SettledRisks, key: str, evidence: Evidence
) -> tuple[dict[str, str | None], set[tuple[str, str]]]:
    """Each of the evidence's rows' overall risk of bias (low / some_concerns / high; None: no settled overall
    judgement), and the (design, tool) of the studies assessed."""
    risks = settled.rows((key, evidence.label), evidence.weights)
    return (
        {name: risk.category if risk else None for name, risk in risks.items()},
        {(risk.design, risk.tool) for risk in risks.values() if risk},
    )


def _start(assessed: set[tuple[str, str]]) -> str:
    """The start the studies' designs suggest: randomised trials high; non-randomised studies high when every one
    is assessed with ROBINS-I (GRADE 18: ROBINS-I rates their bias), else low; without assessments, randomised until
    the lead says otherwise."""
    if all(design == Design.RANDOMISED for design, _ in assessed):
        return Start.RANDOMISED
    if all(tool == ToolCode.ROBINS_I for design, tool in assessed if design != Design.RANDOMISED):
        return Start.OBSERVATIONAL_ROBINS_I
    return Start.OBSERVATIONAL


def outcome_rows(review, run: AnalysisRun) -> list[OutcomeRow]:
    """The summary of findings: one row per analysed outcome of the run."""
    gradings = {g.outcome: g for g in OutcomeGrading.objects.filter(review=review)}
    judged: dict[tuple[str, str], GradeJudgement] = {
        (j.outcome, j.domain): j for j in GradeJudgement.objects.filter(review=review).in_force()
    }
    settled = SettledRisks(review)
    rows = []
    for key, outcome in run.results.get("outcomes", {}).items():
        evidence = read(outcome)
        risks, assessed = study_risks(settled, key, evidence)
        grading = gradings.get(key)
        settings = Settings(start=_start(assessed))
        if grading is not None:
            mid = (grading.mid_lower, grading.mid_upper) if grading.mid_lower is not None else None
            settings = Settings(start=grading.start, mid=mid, control_risk=grading.control_risk)
        proposals = propose(evidence, risks, settings)
        domains = [
            DomainRow(domain, DOMAIN_LABELS[domain], proposal, judged.get((key, domain)))
            for domain, proposal in proposals.items()
        ]
        certainty = grade.certainty(settings.start, [replace(row.proposal, change=row.change) for row in domains])
        rows.append(
            OutcomeRow(key, evidence, settings, grading is None, domains, certainty, absolute(evidence, settings))
        )
    return rows


def _outcome_row(review, outcome: str) -> tuple[AnalysisRun, OutcomeRow]:
    run = current_run(review)
    if run is None:
        raise GradeError("no current analysis run: run the analysis on the locked extraction first")
    for row in outcome_rows(review, run):
        if row.key == outcome:
            return run, row
    raise GradeError(f"the current analysis has no outcome {outcome!r}")


@transaction.atomic  # require_role holds the writer's membership until the judgement is saved
def judge(*, review, user, outcome: str, domain: str, change: int, reason: str) -> GradeJudgement:
    """The lead confirms or changes Tandem's proposal for one domain of one outcome, with a reason (the table's
    footnote). The history keeps every judgement; the newest is in force."""
    require_role(review=review, user=user, roles=LEAD_ONLY)
    reason = reason.strip()
    if not reason:
        raise GradeError("say why: the reason is the summary-of-findings table's footnote")
    run, row = _outcome_row(review, outcome)
    found = next((d for d in row.domains if d.domain == domain), None)
    if found is None:
        raise GradeError(f"{domain!r} is not judged for this outcome")
    allowed = range(-2, 1) if domain in DOWN else range(0, 3)
    if change not in allowed:
        raise GradeError(f"{found.label.lower()} changes the certainty by {min(allowed)} to {max(allowed)} levels")
    return GradeJudgement.objects.create(
        review=review,
        outcome=outcome,
        domain=domain,
        change=change,
        proposed_change=found.proposal.change,
        proposed_rule=found.proposal.rule,
        proposed_reason=found.proposal.reason,
        reason=reason,
        run=run,
        user=person(user),
    )


@transaction.atomic
def confirm_proposals(*, review, user, outcome: str) -> int:
    """Confirm every domain of the outcome that the lead has not judged yet, each with its proposal's reason."""
    require_role(review=review, user=user, roles=LEAD_ONLY)
    run, row = _outcome_row(review, outcome)
    pending = [d for d in row.domains if d.judgement is None]
    GradeJudgement.objects.bulk_create(
        GradeJudgement(
            review=review,
            outcome=outcome,
            domain=d.domain,
            change=d.proposal.change,
            proposed_change=d.proposal.change,
            proposed_rule=d.proposal.rule,
            proposed_reason=d.proposal.reason,
            reason=d.proposal.reason,
            run=run,
            user=person(user),
        )
        for d in pending
    )
    return len(pending)


@transaction.atomic
def save_settings(
    *,
    review,
    user,
    outcome: str,
    start: str,
    mid_lower: float | None = None,
    mid_upper: float | None = None,
    control_risk: float | None = None,
) -> OutcomeGrading:
    """Where the outcome's evidence starts, its minimally important difference and the assumed control risk."""
    require_role(review=review, user=user, roles=LEAD_ONLY)
    _outcome_row(review, outcome)
    if (mid_lower is None) != (mid_upper is None):
        raise GradeError("give both sides of the minimally important difference, or neither")
    if mid_lower is not None and mid_upper is not None and not mid_lower < mid_upper:
        raise GradeError("the minimally important benefit and harm must be in increasing order")
    if control_risk is not None and not 0 < control_risk < 1:
        raise GradeError("the assumed control risk is a proportion between 0 and 1")
    grading, _ = OutcomeGrading.objects.update_or_create(
        review=review,
        outcome=outcome,
        defaults={"start": start, "mid_lower": mid_lower, "mid_upper": mid_upper, "control_risk": control_risk},
    )
    return grading
