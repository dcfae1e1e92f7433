import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


def highlight_words(text):
    return [w.strip() for w in (text or "").split(",") if w.strip()]


def _marks(review) -> dict[str, str]:
    """Word → CSS class; a word in both lists is marked as one that suggests exclusion."""
    marks = dict.fromkeys(highlight_words(review.highlight_include), "kw-include")
    marks.update(dict.fromkeys(highlight_words(review.highlight_exclude), "kw-exclude"))
    return marks


@register.filter
def highlight(text, review):
    """Plain text (a list, such as keywords, joined by "; ") escaped, with the review's inclusion words marked green
    and exclusion words red, ignoring case.

    Words are found in the text, not in its HTML, so that none matches inside an entity (&amp;); each match knows its
    word by its group, since lowercasing what matched need not give the word back ("İ" lowercases to two characters).
    """
    text = "; ".join(text) if isinstance(text, list | tuple) else str(text or "")
    marks = _marks(review)
    if not marks:
        return escape(text)
    words = sorted(marks, key=len, reverse=True)  # the longest word wins where words overlap
    pattern = re.compile("|".join(f"({re.escape(word)})" for word in words), re.IGNORECASE)
    parts, end = [], 0
    for match in pattern.finditer(text):
        parts += [
            escape(text[end : match.start()]),
            format_html('<mark class="{}">{}</mark>', marks[words[match.lastindex - 1]], match.group()),
        ]
        end = match.end()
    parts.append(escape(text[end:]))
    return mark_safe("".join(parts))  # noqa: S308 - every part is escaped or built by format_html
