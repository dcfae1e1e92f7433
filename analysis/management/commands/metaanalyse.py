import json
from pathlib import Path

import pandas as pd
from django.core.management.base import BaseCommand, CommandError

from analysis.engine.analysis import meta_analyse
from analysis.engine.dataset import EXCLUDE_SKEWED, FLAG_SKEWED, MEASURE_NAMES, MEASURES, DataError, effect_table
from analysis.engine.fitting import METHODS, ModelError
from analysis.engine.pooling import format_p, format_p_value
from analysis.engine.subgroups import SubgroupTest


class Command(BaseCommand):
    help = (
        "Meta-analyse a CSV of study summaries. Pre-post measures read study, n, mean_pre, sd_pre, mean_post, "
        "sd_post (optional r; a median_/q1_/q3_/min_/max_ set instead of mean/SD is converted); two-group "
        "measures study, n1, mean1, sd1, n2, mean2, sd2; IRR study, events1, time1, events2, time2; "
        "PLAIN study, yi, vi."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--measure", choices=MEASURES, default="SMCR")
        parser.add_argument("--method", choices=METHODS, default="REML")
        parser.add_argument("--knha", action="store_true", help="Hartung-Knapp t-based test and CI")
        parser.add_argument("--r", type=float, default=0.5, help="pre-post correlation for studies without r")
        parser.add_argument("--subgroup", help="column whose values define subgroups")
        parser.add_argument("--skewed", choices=(FLAG_SKEWED, EXCLUDE_SKEWED), default=FLAG_SKEWED)
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, **options):
        try:
            frame = pd.read_csv(options["file"], dtype=str, keep_default_na=False, skipinitialspace=True)
        except FileNotFoundError as exc:
            raise CommandError(f"{options['file']}: no such file") from exc
        except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
            raise CommandError(f"{options['file']}: not a readable CSV file: {exc}") from exc
        try:
            table = effect_table(
                frame,
                options["measure"],
                default_r=options["r"],
                subgroup=options["subgroup"],
                skewed=options["skewed"],
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
            notes = [f"r = {row.r:g} assumed" if row.r_assumed else ""] + [row.converted]
            notes.append("SKEWED: conversion doubtful" if row.skewed else "")
            note = "; ".join(n for n in notes if n)
            lines.append(f"{row.study[:30]:<30} {row.yi:>9.4f} {row.vi:>9.4f} {weight:>9.2f}  {note}")
        lines += result.table.excluded
        if result.subgroups:
            for label, subgroup in result.subgroups.subgroups.items():
                lines += ["", f"Subgroup {label} (k = {subgroup.k})", *self._result_lines(subgroup)]
            lines.append("")
            for test in (result.subgroups.separate_tau2, result.subgroups.common_tau2):
                if test:
                    lines.append(self._subgroup_line(test))
        lines += ["", f"Overall (k = {overall.k})", *self._result_lines(overall)]
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
                ci = f"{r.ci_lower:.4f} to {r.ci_upper:.4f}"
                i2 = "" if r.i2 is None else f"{r.i2:.2f}"
                lines.append(
                    f"  {omission.omitted[:30]:<30} {r.estimate:>9.4f} {ci:>20} {format_p_value(r.p_value):>8} {i2:>7}"
                )
        return "\n".join(lines) + "\n"

    @staticmethod
    def _result_lines(result):
        lines = [f"  {result.effect_line()}", f"  {result.heterogeneity_line()}"]
        lines.append(f"  95% prediction interval: {result.pi_lower:.4f} to {result.pi_upper:.4f}")
        return lines

    @staticmethod
    def _subgroup_line(test: SubgroupTest):
        df = ", ".join(str(d) for d in test.df)
        return (
            f"Test for subgroup differences, {test.method}: "
            f"{test.statistic_name} = {test.statistic:.4f}, df = {df}, {format_p(test.p_value)}"
        )
