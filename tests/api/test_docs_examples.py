"""The worked examples of docs/api.md run as written. The Python one runs against the API with `requests` answered
by Django's test client: the same URLs, token, middleware and views, without a network or a server (the only change
to the text is the review's id). The R one needs httr2, which CI does not install: R parses it, and what it reads is
what the Python example reads. A new example in another language fails the first test until it is run here too."""

import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client

from api.services import create_token

pytestmark = pytest.mark.django_db
DOC = Path(settings.BASE_DIR) / "docs" / "api.md"
SITE = "https://tandem.example.org"


def examples(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", DOC.read_text(), re.MULTILINE | re.DOTALL)


def test_every_example_is_one_this_module_runs():
    languages = re.findall(r"^```(\w*)$", DOC.read_text(), re.MULTILINE)
    assert set(languages[::2]) == {"python", "r"}, languages  # the opening fences, each followed by a closing one


class _Response:
    def __init__(self, response):
        self.response, self.status_code = response, response.status_code

    def json(self):
        return self.response.json()

    def raise_for_status(self):
        assert self.status_code < 400, (self.status_code, self.response.content[:300])


class _Session:
    """What the example uses of requests.Session, on Django's test client."""

    def __init__(self):
        self.headers, self.client = {}, Client()

    def get(self, url):
        assert url.startswith(SITE + "/"), url
        headers = {"HTTP_" + name.upper().replace("-", "_"): value for name, value in self.headers.items()}
        return _Response(self.client.get(url.removeprefix(SITE), **headers))


def test_the_python_example_reads_the_locked_consensus_and_the_pooled_results(personas, monkeypatch):
    [code] = examples("python")
    analysis = personas.analysis()
    code = code.replace("/api/reviews/1/", f"/api/reviews/{personas.review.pk}/")
    monkeypatch.setitem(sys.modules, "requests", SimpleNamespace(Session=_Session))
    monkeypatch.setenv("TANDEM_TOKEN", create_token(user=personas.viewer, name="docs")[1])
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(DOC), "exec"), {"__name__": "docs_example"})
    lines = printed.getvalue().splitlines()
    assert re.fullmatch(r"\d+ study arms; fields: \[.+\]", lines[0]), lines
    pooled = [line for line in lines[1:] if re.fullmatch(r".+: -?\d+\.\d\d \[-?\d+\.\d\d, -?\d+\.\d\d\]", line)]
    assert pooled and len(pooled) == len(lines) - 1, lines
    assert len(pooled) == len(analysis.run.results["outcomes"])


@pytest.mark.r
def test_the_r_example_is_valid_r(tmp_path):
    [code] = examples("r")
    script = tmp_path / "example.R"
    script.write_text(code)
    parsed = subprocess.run(
        ["Rscript", "-e", f"invisible(parse(file = '{script}')); cat('parsed')"], capture_output=True, text=True
    )
    assert parsed.stdout == "parsed", parsed.stderr
