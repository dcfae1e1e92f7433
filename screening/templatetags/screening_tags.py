import re

from django import template
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

register = template.Library()


def _words(text):
    return [w.strip() for w in (text or "").split(",") if w.strip()]


@register.filter
def highlight(text, review):
    """Escape the text (unless a filter before already did), then mark the review's inclusion words green and
    exclusion words red."""
    html = conditional_escape(text or "")
    marks = [(w, "kw-include") for w in _words(review.highlight_include)]
    marks += [(w, "kw-exclude") for w in _words(review.highlight_exclude)]
    if not marks:
        return mark_safe(html)  # noqa: S308 - escaped above
    classes = {escape(w).lower(): css for w, css in marks}
    pattern = re.compile("|".join(re.escape(escape(w)) for w, _ in sorted(marks, key=lambda m: -len(m[0]))), re.I)
    marked = pattern.sub(lambda m: f'<mark class="{classes[m.group(0).lower()]}">{m.group(0)}</mark>', html)
    return mark_safe(marked)  # noqa: S308 - built from escaped text and escaped words
