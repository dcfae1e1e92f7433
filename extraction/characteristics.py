"""Cochrane's "Characteristics of included studies" table from the locked consensus: a row per study with its
methods, participants, interventions, outcomes and notes.

Which of the five columns a form field goes to is a rule on its label (then its section's title), first match
wins; a field no rule names goes to the notes. Participants come before outcomes so that "Age: mean" describes
the patients, and interventions after both so that "ARR before treatment: mean" stays an outcome.
"""

import re
from collections import defaultdict

from .models import FormField
from .services import is_locked
from .tables import consensus_table

COLUMNS = ["Study", "Methods", "Participants", "Interventions", "Outcomes", "Notes"]
RULES = [
    ("Participants", "age women men sex gender patients? participants? population seropositive seronegative diagnosis"),
    ("Outcomes", "outcomes? mean sd median quartile minimum maximum events? relapses? edss arr results?"),
    ("Interventions", "treatments? interventions? doses? comparators? control drugs? arms?"),
    ("Methods", "design country countries setting follow-up randomi[sz]ed blinding allocation duration methods? study"),
]
PATTERNS = [(column, re.compile(rf"\b(?:{'|'.join(words.split())})\b", re.IGNORECASE)) for column, words in RULES]


class ExtractionNotLocked(Exception):
    """The table is made from locked data only."""


def column_of(label: str, section: str) -> str:
    for text in (label, section):
        for column, pattern in PATTERNS:
            if pattern.search(text):
                return column
    return "Notes"


def characteristics_rows(review) -> list[list[str]]:
    if not is_locked(review):
        raise ExtractionNotLocked("the extraction is not locked: the table is made from locked data only")
    keys, rows = consensus_table(review)
    fields = {f.key: f for f in FormField.objects.filter(review=review).select_related("section")}
    studies: dict[tuple, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    written = set()
    for study_id, label, arm, *values in rows:
        cells = studies[label, study_id]
        for key, value in zip(keys[3:], values, strict=True):
            field = fields[key]
            # A study-level value is on each of the study's rows (one per arm): written once.
            place = (study_id, key, arm if field.per_arm else None)
            if value == "" or place in written:
                continue
            written.add(place)
            where = f"arm {arm}: " if field.per_arm else ""
            unit = f" {field.unit}" if field.unit else ""
            cells[column_of(field.label, field.section.title)].append(f"{where}{field.label}: {value}{unit}")
    return [
        COLUMNS,
        *([label, *("; ".join(cells[column]) for column in COLUMNS[1:])] for (label, _), cells in studies.items()),
    ]
