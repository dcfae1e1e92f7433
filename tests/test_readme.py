"""The README's command-line example runs as written, on the CSV the README shows."""

import io
import json
import re
import shlex
from pathlib import Path

from django.core.management import call_command

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_metaanalyse_example_runs_on_the_csv_the_readme_shows(tmp_path):
    text = README.read_text()
    command = re.search(r"^\.venv/bin/python manage\.py (metaanalyse .*)$", text, re.MULTILINE).group(1)
    example = re.search(r"This example reads a `(\S+)`.*?\n```\n(.*?)```", text, re.DOTALL)
    name, content = example.groups()
    (tmp_path / name).write_text(content)
    args = shlex.split(command)
    assert name in args and "--json" in args
    out = io.StringIO()
    call_command(*[str(tmp_path / arg) if arg == name else arg for arg in args], stdout=out)
    result = json.loads(out.getvalue())
    assert set(result["subgroups"]) == {"tocilizumab", "azathioprine"}
