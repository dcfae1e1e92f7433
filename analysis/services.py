"""Running analyses of a locked extraction and keeping their results."""

import math

import pandas as pd
from django.db import transaction

from extraction.services import is_locked
from reviews.access import LEAD_ONLY, require_role

from . import plots
from .engine.analysis import meta_analyse
from .engine.baseline import combined_mean_sd
from .engine.dataset import DataError, effect_table
from .engine.sensitivity import correlation_sweep
from .models import AnalysisRun, Plot, PlotKind, RunStatus
from .outcomes import locked_data, mappings, outcome_frame

SUBGROUP = "subgroup"


class AnalysisError(Exception):
    """The analysis cannot run; the message says why."""


def _number(value):
    number = pd.to_numeric(value, errors="coerce")
    return None if pd.isna(number) else float(number)


def baseline(data: pd.DataFrame, subgroup: str) -> list[dict]:
    """Patients, sex, age and AQP4-IgG status per subgroup (e.g. treatment), like a review's Table 1."""
    rows = []
    if subgroup not in data:
        return rows
    for group, arms in data.groupby(subgroup, sort=True):
        if not group:
            continue
        n = [_number(v) or 0 for v in arms.get("n", [])]
        total = sum(n)

        def reported(key, arms=arms, n=n):
            """Sum over the arms that report the field, and those arms' patients (the base of its percentage)."""
            if key not in arms:
                return None, 0
            pairs = [(v, patients) for v, patients in zip(map(_number, arms[key]), n, strict=True) if v is not None]
            return (int(sum(v for v, _ in pairs)), sum(p for _, p in pairs)) if pairs else (None, 0)

        age_mean, age_sd = combined_mean_sd(
            n,
            [_number(v) for v in arms.get("age_mean", [None] * len(n))],
            [_number(v) for v in arms.get("age_sd", [None] * len(n))],
        )
        row = {
            "group": group,
            "studies": int(arms["study_id"].nunique()),
            "patients": int(total),
            "women": reported("women")[0],
            "men": reported("men")[0],
            "age_mean": age_mean,
            "age_sd": age_sd,
        }
        for status in ("aqp4_positive", "aqp4_negative", "aqp4_unknown"):
            row[status], base = reported(status)
            row[f"{status}_percent"] = 100 * row[status] / base if base else None
        rows.append(row)
    return rows


def _outcome_results(frame, mapping, run):
    options = {"subgroup": SUBGROUP, "skewed": run.median_policy}
    try:
        table = effect_table(frame, run.measure, default_r=run.correlation, **options)
    except DataError as error:
        raise AnalysisError(f"{mapping.label}: " + "; ".join(error.problems)) from error
    if len(table.studies) < 2:
        raise AnalysisError(f"{mapping.label}: fewer than two studies report it")
    analysis = meta_analyse(table, method=run.method, knha=run.knha, by_subgroup=True)
    result = analysis.as_json()
    result["label"] = mapping.label
    result["method_name"] = analysis.overall.method_name
    studies = table.studies.assign(n=frame.set_index("study").loc[table.studies["study"], "n"].to_numpy())
    weights = {}
    for group, pooled in analysis.subgroups.subgroups.items():
        members = studies[studies[SUBGROUP] == group]
        weights.update(zip(members["study"], pooled.weights, strict=True))
        result["subgroups"][group]["patients"] = int(members["n"].sum())
    for study in result["studies"]:
        study["weight_in_subgroup"] = weights.get(study["study"])
        study["n"] = int(studies.loc[studies["study"] == study["study"], "n"].iloc[0])
    result["correlation_sensitivity"] = [
        {
            "assumed_r": s.assumed_r,
            "estimate": s.result.estimate,
            "ci_lower": s.result.ci_lower,
            "ci_upper": s.result.ci_upper,
            "tau2": s.result.tau2,
            "i2": s.result.i2,
        }
        for s in correlation_sweep(frame, run.measure, method=run.method, knha=run.knha, **options)
    ]
    return result


@transaction.atomic  # require_role holds the writer's membership until the run is saved
def queue_analysis(*, review, user, **parameters) -> AnalysisRun:
    """Check that the review can be analysed and keep a queued run of these parameters, for a task worker to
    analyse (analysis/tasks.py): the request that asks for it does no analysis."""
    require_role(review=review, user=user, roles=LEAD_ONLY)
    if not is_locked(review):
        raise AnalysisError("the extraction is not locked: analyses run only on locked data")
    if not mappings(review):
        raise AnalysisError("no outcome is mapped to the extraction form's fields")
    run = AnalysisRun(review=review, created_by=user, **parameters)
    run.full_clean(exclude=["results", "data_fingerprint"])
    run.save()
    return run


def _analyse(run) -> tuple[dict, str]:
    # The extraction may have been unlocked since the run was queued.
    if not is_locked(run.review):
        raise AnalysisError("the extraction was unlocked before the analysis ran: analyses run only on locked data")
    data, fingerprint = locked_data(run.review)
    results = {"outcomes": {}, "baseline": baseline(data, run.subgroup)}
    for mapping in mappings(run.review):
        frame = outcome_frame(data, mapping, run.subgroup)
        results["outcomes"][mapping.key] = _outcome_results(frame, mapping, run)
    return _finite(results), fingerprint


# What a computation stores: refreshing only these keeps the run's loaded review and author.
STORED = ["status", "error", "results", "data_fingerprint"]


def compute_run(run: AnalysisRun) -> AnalysisRun:
    """Analyse a queued run and draw its plots; it ends DONE, or FAILED with the reason the lead is shown. A run
    computed twice (a task retried after its worker died, while the first still ran) is stored once."""
    unfinished = AnalysisRun.objects.unfinished().filter(pk=run.pk)
    if not unfinished.update(status=RunStatus.RUNNING):
        run.refresh_from_db(fields=STORED)
        return run
    try:
        results, fingerprint = _analyse(run)
        svgs = [
            (key, kind, plots.render(draw(outcome, effect_label(run, outcome)), "svg").decode())
            for key, outcome in results["outcomes"].items()
            for kind, draw in ((PlotKind.FOREST, plots.forest), (PlotKind.FUNNEL, plots.funnel))
        ]
    except Exception as exc:
        message = str(exc) if isinstance(exc, AnalysisError) else f"the analysis failed: {exc}"
        unfinished.update(status=RunStatus.FAILED, error=message)
        run.status, run.error = RunStatus.FAILED, message
        raise
    with transaction.atomic():
        # The plots are written with the results, by whichever computation of the run gets here first.
        if unfinished.update(status=RunStatus.DONE, results=results, data_fingerprint=fingerprint):
            Plot.objects.bulk_create(Plot(run=run, outcome=key, kind=kind, svg=svg) for key, kind, svg in svgs)
    run.refresh_from_db(fields=STORED)
    return run


def run_analysis(*, review, user, **parameters) -> AnalysisRun:
    """Queue a run and analyse it at once, for the demo and scripts, which have no worker to wait for."""
    return compute_run(queue_analysis(review=review, user=user, **parameters))


def effect_label(run, outcome: dict) -> str:
    return f"{run.get_measure_display()}: {outcome['label']}, during vs before treatment"


def draw_plot(run, outcome_key: str, kind: str):
    outcome = run.results["outcomes"][outcome_key]
    return {PlotKind.FOREST: plots.forest, PlotKind.FUNNEL: plots.funnel}[kind](outcome, effect_label(run, outcome))


def _finite(value):
    """JSON has no NaN or infinity: they become None."""
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
