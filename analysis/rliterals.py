"""Text and numbers as R literals, so that nothing from a review is ever read by R as code.

The exported metafor script holds titles, labels, study names and subgroup values typed by
users. Each one is written as a double-quoted R string in printable ASCII: quotes and
backslashes are escaped, and every other character outside printable ASCII (newlines,
carriage returns, control characters, non-ASCII letters) becomes an escape sequence. A
literal therefore never spans lines and never ends early, so it is safe even inside a comment,
and R decodes it to the same text whatever the locale it runs in.
"""

import math

_NAMED_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\v": "\\v",
}
# R strings cannot hold NUL, and R refuses lone surrogates: both become U+FFFD, the replacement character.
_REPLACEMENT = "\\u{fffd}"


def _escape(character: str) -> str:
    if character in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[character]
    code = ord(character)
    if 0x20 <= code < 0x7F:
        return character
    if code == 0 or 0xD800 <= code <= 0xDFFF:
        return _REPLACEMENT
    if code <= 0xFFFF:
        return f"\\u{{{code:04x}}}"
    return f"\\U{{{code:x}}}"


def r_string(text: str) -> str:
    """``text`` as an R string literal: in double quotes, printable ASCII only, on one line."""
    return '"' + "".join(map(_escape, str(text))) + '"'


def r_number(value) -> str:
    """A number as an R numeric literal that reads back to the same double; NA when missing."""
    if value is None or math.isnan(number := float(value)):
        return "NA"
    if math.isinf(number):
        return "Inf" if number > 0 else "-Inf"
    return repr(number)  # the shortest decimal that reads back to the same double
