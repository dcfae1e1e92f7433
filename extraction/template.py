"""Extraction form templates as data: JSON documents in form_templates/, one per template, checked on load.

A review's form exports to the same document (`form_document`), so a team can start another review from it.
Checking parses the whole document first and names every problem by its place ("section 2 ('Arms'),
field 3 ('n'): ..."), so that a bad file is refused whole before anything is written.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FORMAT = "tandem-extraction-form"
FORMAT_VERSION = 1
DIRECTORY = Path(__file__).with_name("form_templates")
FIELD_TYPES = ("number", "integer", "text", "choice", "yes_no", "date")
KEY = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")
# Each setting a field may carry, the JSON types it accepts and its value when left out (the model's default).
TEXT, FLAG, NUMBER, TEXTS = (str,), (bool,), (int, float), (list,)
SETTINGS: dict[str, tuple[tuple[type, ...], Any]] = {
    "key": (TEXT, None),
    "label": (TEXT, None),
    "field_type": (TEXT, "number"),
    "unit": (TEXT, ""),
    "help_text": (TEXT, ""),
    "required": (FLAG, False),
    "per_arm": (FLAG, False),
    "baseline": (FLAG, False),
    "min_value": (NUMBER, None),
    "max_value": (NUMBER, None),
    "positive": (FLAG, False),
    "choices": (TEXTS, []),
    "tolerance": (NUMBER, 0),
    "sum_of": (TEXTS, []),
}
LIMITS = {"key": 60, "label": 200, "unit": 40, "help_text": 500}


class TemplateError(ValueError):
    """A template document that cannot be used; problems lists each, with where it is."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[dict[str, Any], ...]  # every setting of SETTINGS, defaults filled in


@dataclass(frozen=True)
class FormTemplate:
    name: str
    title: str
    description: str
    sections: tuple[Section, ...]

    @property
    def field_count(self) -> int:
        return sum(len(section.fields) for section in self.sections)


def _kind(value: Any, types: tuple[type, ...]) -> bool:
    # JSON true is a Python int too: a number setting must not take it.
    return isinstance(value, types) and not (bool not in types and isinstance(value, bool))


def _field(spec: Any, where: str, problems: list[str]) -> dict[str, Any] | None:
    if not isinstance(spec, dict):
        problems.append(f"{where}: a field is an object of settings")
        return None
    field = {}
    for name in sorted(set(spec) - set(SETTINGS)):
        problems.append(f"{where}: unknown setting {name!r}")
    for name, (types, default) in SETTINGS.items():
        value = spec.get(name, default)
        if value is None and default is None and name in ("key", "label"):
            problems.append(f"{where}: {name} missing")
        elif value is not None and not _kind(value, types):
            problems.append(f"{where}: {name} must be {' or '.join(t.__name__ for t in types)}, got {value!r}")
        elif types == TEXTS and not all(isinstance(item, str) and item.strip() for item in value):
            problems.append(f"{where}: {name} must be a list of non-empty texts")
        elif name in LIMITS and len(value) > LIMITS[name]:
            problems.append(f"{where}: {name} is longer than {LIMITS[name]} characters")
        field[name] = value
    if isinstance(field["key"], str) and not KEY.match(field["key"]):
        problems.append(f"{where}: key {field['key']!r} may hold only letters, digits, - and _")
    if field["field_type"] not in FIELD_TYPES:
        problems.append(f"{where}: field_type {field['field_type']!r} is not one of {', '.join(FIELD_TYPES)}")
    if field["field_type"] == "choice" and not field["choices"]:
        problems.append(f"{where}: a choice field needs choices")
    low, high = field["min_value"], field["max_value"]
    if _kind(low, NUMBER) and _kind(high, NUMBER) and low > high:
        problems.append(f"{where}: min_value {low:g} is above max_value {high:g}")
    if _kind(field["tolerance"], NUMBER) and field["tolerance"] < 0:
        problems.append(f"{where}: tolerance must not be negative")
    return field


def parse(document: Any, source: str) -> FormTemplate:
    """The template a decoded JSON document describes; TemplateError naming every problem otherwise."""
    problems: list[str] = []
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TemplateError(source, [f'not an extraction form: "format" must be "{FORMAT}"'])
    if document.get("version") != FORMAT_VERSION:
        problems.append(f"version {document.get('version')!r} is not {FORMAT_VERSION}, the one Tandem reads")
    for name in ("name", "title"):
        if not isinstance(document.get(name), str) or not document[name].strip():
            problems.append(f"{name} missing")
    sections, keys = [], {}
    raw_sections = document.get("sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        problems.append("sections must be a list of at least one section")
        raw_sections = []
    titles = set()
    for number, raw in enumerate(raw_sections, start=1):
        title = raw.get("title") if isinstance(raw, dict) else None
        where = f"section {number}" + (f" ({title!r})" if isinstance(title, str) else "")
        if not isinstance(title, str) or not title.strip() or len(title) > 200:
            problems.append(f"{where}: title missing (or longer than 200 characters)")
        elif title in titles:
            problems.append(f"{where}: another section has the same title")
        titles.add(title)
        fields = []
        raw_fields = raw.get("fields") if isinstance(raw, dict) else None
        if not isinstance(raw_fields, list):
            problems.append(f"{where}: fields must be a list")
            raw_fields = []
        for position, spec in enumerate(raw_fields, start=1):
            label = spec.get("key") if isinstance(spec, dict) else None
            place = f"{where}, field {position}" + (f" ({label!r})" if isinstance(label, str) else "")
            field = _field(spec, place, problems)
            if field is None:
                continue
            if field["key"] in keys:
                problems.append(f"{place}: key {field['key']!r} is also the key of {keys[field['key']]}")
            keys.setdefault(field["key"], place)
            fields.append(field)
        sections.append(Section(title, tuple(fields)))
    for section in sections:
        for field in section.fields:
            for part in field["sum_of"]:
                if part not in keys:
                    problems.append(f"field {field['key']!r}: sum_of names {part!r}, which is no field of the form")
    description = document.get("description", "")
    if not isinstance(description, str):
        problems.append("description must be text")
    if problems:
        raise TemplateError(source, problems)
    return FormTemplate(document["name"], document["title"], description, tuple(sections))


def loads(text: str | bytes, source: str) -> FormTemplate:
    try:
        document = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise TemplateError(source, [f"not JSON: {exc}"]) from exc
    return parse(document, source)


def load(name: str) -> FormTemplate:
    """One of the templates shipped in form_templates/, by its file name without .json."""
    path = DIRECTORY / f"{name}.json"
    if not KEY.match(name) or not path.is_file():
        raise TemplateError(f"{name}.json", ["no such template"])
    return loads(path.read_bytes(), path.name)


def shipped() -> list[FormTemplate]:
    """Every template in form_templates/, in file name order; a bad file fails loudly here, and in the tests."""
    return [load(path.stem) for path in sorted(DIRECTORY.glob("*.json"))]


def document(*, name: str, title: str, description: str, sections) -> dict[str, Any]:
    """The JSON document of a form: sections as (title, [field settings]), in order."""
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "name": name,
        "title": title,
        "description": description,
        "sections": [{"title": t, "fields": list(fields)} for t, fields in sections],
    }
