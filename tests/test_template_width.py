"""Templates stay readable: no line wider than 160 characters. Wrap inside a tag between its attributes, or in text,
where HTML ignores or collapses the whitespace; a Django tag ({% %}, {{ }}, {# #}) cannot span lines."""

from pathlib import Path

from django.conf import settings

WIDTH = 160


def test_no_template_line_is_wider_than_160_characters():
    roots = [Path(directory) for directory in settings.TEMPLATES[0]["DIRS"]]
    too_wide = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {len(line)} characters"
        for root in roots
        for path in sorted(root.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if len(line) > WIDTH
    ]
    assert too_wide == []
