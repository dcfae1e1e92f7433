"""Reading, checking and comparing extracted values: pure functions of a field's definition and the text typed.

A field is anything with the attributes of extraction.models.FormField (key, label, field_type, choices,
min_value, max_value, positive, tolerance, sum_of); no database access happens here.
"""

import datetime
import math
import re

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
_SPACES = re.compile(r"\s+")


def clean_text(text: str) -> str:
    return _SPACES.sub(" ", (text or "").strip())


def _number(text: str) -> float:
    compact = clean_text(text).replace(" ", "").replace("\u2212", "-")
    if "," in compact and "." not in compact:
        compact = compact.replace(",", ".")  # a decimal comma, as in "1,5"
    value = float(compact)
    if not math.isfinite(value):
        raise ValueError
    return value


def parse(field, text: str):
    """The typed value of a non-empty text, or ValueError with a message for the extractor."""
    text = clean_text(text)
    kind = field.field_type
    try:
        if kind == "number":
            return _number(text)
        if kind == "integer":
            number = _number(text)
            if number != int(number):
                raise ValueError
            return int(number)
        if kind == "date":
            return datetime.date.fromisoformat(text)
    except ValueError:
        expected = {"number": "a number", "integer": "a whole number", "date": "a date as YYYY-MM-DD"}[kind]
        raise ValueError(f"{field.label}: '{text}' is not {expected}") from None
    if kind == "yes_no":
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return False
        raise ValueError(f"{field.label}: answer yes or no, not '{text}'")
    if kind == "choice":
        for choice in field.choices:
            if choice.lower() == text.lower():
                return choice
        raise ValueError(f"{field.label}: '{text}' is not one of {', '.join(field.choices)}")
    return text


TYPED_CELLS = ("number", "integer", "date")


def cell(field, text: str):
    """A value for a typed cell (a spreadsheet's): a number, whole number or date as itself; any other value, and
    text that does not read as its field's type, as the text."""
    if field.field_type in TYPED_CELLS and clean_text(text):
        try:
            return parse(field, text)
        except ValueError:
            return text
    return text


def normalise(field, text: str) -> str:
    """The canonical text of a value (what is stored as consensus): '1,50' → '1.5', 'YES' → 'yes'."""
    if not clean_text(text):
        return ""
    try:
        value = parse(field, text)
    except ValueError:
        return clean_text(text)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return repr(value).removesuffix(".0") if value == int(value) else repr(value)
    return str(value)


def problems(field, text: str, *, required: bool) -> list[str]:
    """What is wrong with one value: missing when required, wrong type, out of range."""
    if not clean_text(text):
        return [f"{field.label}: required"] if required else []
    try:
        value = parse(field, text)
    except ValueError as error:
        return [str(error)]
    found = []
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if field.positive and value <= 0:
            found.append(f"{field.label}: must be above 0, not {text}")
        if field.min_value is not None and value < field.min_value:
            found.append(f"{field.label}: must be at least {field.min_value:g}, not {text}")
        if field.max_value is not None and value > field.max_value:
            found.append(f"{field.label}: must be at most {field.max_value:g}, not {text}")
    return found


def sum_problems(fields_by_key: dict, texts_by_key: dict, suffix: str = "") -> list[str]:
    """Totals that do not add up, e.g. n = women + men, checked when every part is filled in and valid."""
    found = []
    for field in fields_by_key.values():
        if not field.sum_of or not clean_text(texts_by_key.get(field.key, "")):
            continue
        parts = [fields_by_key.get(key) for key in field.sum_of]
        if None in parts or not all(clean_text(texts_by_key.get(part.key, "")) for part in parts):
            continue
        try:
            total = parse(field, texts_by_key[field.key])
            values = [parse(part, texts_by_key[part.key]) for part in parts]
        except ValueError:
            continue  # reported by problems()
        if not math.isclose(total, sum(values), abs_tol=1e-9):
            terms = " + ".join(part.label for part in parts)
            shown = " + ".join(f"{v:g}" for v in values)
            found.append(f"{field.label}{suffix}: {total:g} is not {terms} ({shown} = {sum(values):g})")
    return found


def agree(field, first: str, second: str) -> bool:
    """Whether two extractors' values agree: numbers within the field's tolerance, other values once normalised."""
    a, b = clean_text(first), clean_text(second)
    if not a or not b:
        return not a and not b
    if field.field_type in ("number", "integer"):
        try:
            return abs(_number(a) - _number(b)) <= field.tolerance + 1e-9
        except ValueError:
            pass
    return normalise(field, a).lower() == normalise(field, b).lower()
