import argparse
import json
import math
from pathlib import Path

import pandas as pd
from django.core.management.base import BaseCommand, CommandError

from analysis.engine.analysis import meta_analyse
from analysis.engine.counts import CORRECTION_TARGETS, ContinuityCorrection
from analysis.engine.dataset import EXCLUDE_SKEWED, FLAG_SKEWED, MEASURE_NAMES, MEASURES, DataError, effect_table
from analysis.engine.fitting import ModelError
from analysis.engine.methods import ALL_METHODS
from analysis.engine.pooling import format_p, format_p_value
from analysis.engine.subgroups import SubgroupTest


class Command(BaseCommand):
    help = (
        "Meta-analyse a CSV of study summaries, one row per study (metafor's column names). "
        "Two groups, dichotomous (RR, OR, RD): study, ai, n1i, ci, n2i (events and totals, intervention then "
        "comparator). Rates (IRR, IRD): study, x1i, t1i, x2i, t2i (events and person-time). Continuous (MD, SMD): "
        "study, n1, mean1, sd1, n2, mean2, sd2, where a group may give se1, ci_lower1 and ci_upper1, or median1 "
        "with q1_1, q3_1 and/or min1, max1 instead of its SD (and both groups md_se, md_ci_lower and "
        "md_ci_upper, t or p). Generic (GEN): study, yi, sei, or study, estimate, ci_lower, ci_upper. Within-arm "
        "change (SMCR, SMCC, MC): study, n, mean_pre, sd_pre, mean_post, sd_post (optional r; median_pre, "
        "q1_pre, ... instead of a mean and SD). PLAIN: study, yi, vi."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--measure", choices=MEASURES, default="SMCR")
        parser.add_argument(
            "--method",
            choices=ALL_METHODS,
            default="REML",
            help="a τ² estimator or FE (inverse variance); MH: Mantel-Haenszel (RR, OR, RD, IRR, IRD); PETO (OR)",
        )
        parser.add_argument("--knha", action="store_true", help="Hartung-Knapp t-based test and CI")
        parser.add_argument("--r", type=float, default=0.5, help="pre-post correlation for studies without r")
        parser.add_argument("--subgroup", help="column whose values define subgroups")
        parser.add_argument("--skewed", choices=(FLAG_SKEWED, EXCLUDE_SKEWED), default=FLAG_SKEWED)
        parser.add_argument(
            "--cc", type=float, default=0.5, metavar="ADD", help="continuity correction for zero counts (escalc add)"
        )
        parser.add_argument(
            "--cc-to",
            choices=CORRECTION_TARGETS,
            default="only0",
            help="which studies get it (escalc to): those with a zero, all, all if any has a zero, none",
        )
        parser.add_argument(
            "--drop00",
            action=argparse.BooleanOptionalAction,
            help="leave out studies without events (or with only events) in both groups; default: for RR, OR, "
            "IRR and Peto but not RD and IRD",
        )
        parser.add_argument("--ratio", action="store_true", help="GEN: estimate and CI are ratios (HR, OR, RR)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        try:
            frame = pd.read_csv(options["file"], dtype=str, keep_default_na=False, skipinitialspace=True)
        except FileNotFoundError as exc:
            raise CommandError(f"{options['file']}: no such file") from exc
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise CommandError(f"{options['file']}: not a readable CSV file: {exc}") from exc
        try:
            correction = ContinuityCorrection(add=options["cc"], to=options["cc_to"], drop00=options["drop00"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        try:
            table = effect_table(
                frame,
                options["measure"],
                default_r=options["r"],
                subgroup=options["subgroup"],
                skewed=options["skewed"],
                correction=correction,
                ratio=options["ratio"],
            )
            result = meta_analyse(
                table, method=options["method"], knha=options["knha"], by_subgroup=bool(options["subgroup"])
            )
        except (DataError, ModelError) as exc:
            raise CommandError(f"{options['file']}:\n{exc}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(self._report(result))

    def _report(self, result):
        overall = result.overall
        lines = [
            f"Measure: {result.table.measure} ({MEASURE_NAMES[result.table.measure]})",
            f"Model: {overall.method_name}",
            "",
            f"{'study':<30} {'yi':>9} {'vi':>9} {'weight %':>9}  notes",
        ]
        for row, weight in zip(result.table.studies.itertuples(), overall.weights, strict=True):
            notes = [f"r = {row.r:g} assumed" if getattr(row, "r_assumed", False) else "", row.converted]
            notes.append("SKEWED: conversion doubtful" if row.skewed else "")
            note = "; ".join(n for n in notes if n)
            lines.append(f"{row.study[:30]:<30} {_number(row.yi)} {_number(row.vi)} {weight:>9.2f}  {note}")
        lines += result.table.excluded
        lines += ["", "Method: " + result.method_note]
        if result.subgroups:
            for label, subgroup in result.subgroups.subgroups.items():
                lines += ["", f"Subgroup {label} (k = {subgroup.k})", *self._result_lines(subgroup, result.table.ratio)]
            lines.append("")
            for test in (result.subgroups.separate_tau2, result.subgroups.common_tau2):
                if test:
                    lines.append(self._subgroup_line(test))
        lines += ["", f"Overall (k = {overall.k})", *self._result_lines(overall, result.table.ratio)]
        if result.egger:
            lines += ["", "Small-study effects"]
            if result.few_studies_for_asymmetry:
                lines.append("  Warning: fewer than 10 studies; these tests have little power.")
            for test in (result.egger, result.egger_classical):
                lines.append(f"  {test.method}: {test.statistic_name} = {test.statistic:.4f}, {format_p(test.p_value)}")
            lines.append(
                f"  Begg's rank test: Kendall's tau = {result.rank.kendall_tau:.4f}, {format_p(result.rank.p_value)}"
            )
        if result.leave_one_out:
            lines += ["", "Leave-one-out", f"  {'omitted':<30} {'estimate':>9} {'95% CI':>20} {'p':>8} {'I2 %':>7}"]
            for omission in result.leave_one_out:
                r = omission.result
                if r is None:
                    lines.append(f"  {omission.omitted[:30]:<30} {omission.problem}")
                    continue
                ci = f"{r.ci_lower:.4f} to {r.ci_upper:.4f}"
                i2 = "" if r.i2 is None else f"{r.i2:.2f}"
                lines.append(
                    f"  {omission.omitted[:30]:<30} {r.estimate:>9.4f} {ci:>20} {format_p_value(r.p_value):>8} {i2:>7}"
                )
        return "\n".join(lines) + "\n"

    @staticmethod
    def _result_lines(result, ratio):
        lines = [f"  {result.effect_line()}"]
        if ratio:
            lines.append(
                f"  As a ratio: {math.exp(result.estimate):.4f} "
                f"(95% CI {math.exp(result.ci_lower):.4f} to {math.exp(result.ci_upper):.4f})"
            )
        lines.append(f"  {result.heterogeneity_line()}")
        lines.append(f"  95% prediction interval: {result.pi_lower:.4f} to {result.pi_upper:.4f}")
        return lines

    @staticmethod
    def _subgroup_line(test: SubgroupTest):
        df = ", ".join(str(d) for d in test.df)
        return (
            f"Test for subgroup differences, {test.method}: "
            f"{test.statistic_name} = {test.statistic:.4f}, df = {df}, {format_p(test.p_value)}"
        )


def _number(value: float) -> str:
    """A study's effect or variance in its column; "n/a" where the study has none of its own."""
    return f"{value:>9.4f}" if math.isfinite(value) else f"{'n/a':>9}"
