import math

from django import template

from analysis.engine.pooling import format_p
from analysis.rliterals import r_number, r_string
from appraisal.grade_inputs import CATEGORY_LABELS

register = template.Library()
register.filter("r_string", r_string)
register.filter("r_number", r_number)


@register.filter
def num(value, digits=2):
    """A number with a fixed number of decimals; a dash when there is none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.{int(digits)}f}"


@register.simple_tag
def count_and_percent(count, percent):
    """ "12 (45.0%)", or a dash when no study reports the count."""
    return "—" if count is None else f"{count} ({num(percent, 1)}%)"


@register.filter
def pvalue(value):
    return "p n/a" if value is None else format_p(value)


@register.filter
def study_ci(study):
    half = 1.959963984540054 * math.sqrt(study["vi"])
    return f"[{study['yi'] - half:.2f}, {study['yi'] + half:.2f}]"


@register.filter
def get(mapping, key):
    """A dictionary's value by a key that is not a plain name (a study's label)."""
    return mapping.get(key) if mapping else None


@register.filter
def risk_label(category):
    return CATEGORY_LABELS.get(category, "Not assessed")


@register.filter
def head(rows, limit):
    """The first `limit` rows, or all of them when there is no limit (the printable report, an outcome's own page)."""
    return rows[:limit] if limit else rows
