"""Content-Security-Policy: scripts and styles only from Tandem's static files, on every page and error page. The
browser tests (tests/browser/conftest.py) fail on any violation Chromium reports while they walk the pages."""

import re
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection

from analysis.plots import without_inline_styles
from tests.factories import make_user

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def policy(response) -> dict[str, list[str]]:
    directives = (part.split() for part in response["Content-Security-Policy"].split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def test_pages_carry_the_policy_with_no_inline_scripts_or_styles(client):
    directives = policy(client.get("/accounts/login/"))
    assert directives == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "frame-src": ["'none'"],
    }
    client.force_login(make_user("lena"))
    assert policy(client.get("/")) == directives


@pytest.fixture
def failing(client):
    client.force_login(make_user("lena"))
    client.raise_request_exception = False
    return client


def _nonce_allowed(response) -> str:
    nonce = re.fullmatch(r"'nonce-(.+)'", policy(response)["style-src"][-1]).group(1)
    assert f'<style nonce="{nonce}">' in response.text
    return nonce


def test_the_error_pages_own_styles_are_allowed_by_a_nonce_of_their_response(failing):
    with mock.patch("reviews.views.render", side_effect=RuntimeError("secret detail")):
        first, second = failing.get("/"), failing.get("/")
    assert first.status_code == 500 and _nonce_allowed(first) != _nonce_allowed(second)
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("could not connect to server")):
        unavailable = failing.get("/")
    assert unavailable.status_code == 503 and _nonce_allowed(unavailable)
    not_found = failing.get("/no-such-page/")
    assert not_found.status_code == 404 and _nonce_allowed(not_found)


def test_no_template_has_an_inline_script_style_or_event_handler():
    found = []
    for template in TEMPLATES.rglob("*"):
        if template.suffix not in {".html", ".svg"}:
            continue
        text = template.read_text()
        for problem in (r"<script(?![^>]*\bsrc=)", r"\son[a-z]+\s*=", r"\sstyle\s*=", r"<style(?![^>]*\bnonce=)"):
            found += [f"{template.relative_to(TEMPLATES)}: {match}" for match in re.findall(problem, text)]
    assert not found


def test_plots_are_drawn_with_presentation_attributes_not_styles():
    matplotlib_svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10pt">\n <defs>\n  <style type="text/css">*{stroke-linejoin: '
        'round; stroke-linecap: butt}</style>\n </defs>\n <path d="M 0 0" style="fill: #ffffff; stroke-dasharray: '
        '5.55,2.4; clip-path: url(#p1)"/>\n <use xlink:href="#m1" x="1" style="fill: #1f5fa8"/>\n</svg>'
    )
    assert without_inline_styles(matplotlib_svg) == (
        '<svg stroke-linejoin="round" stroke-linecap="butt" xmlns="http://www.w3.org/2000/svg" width="10pt">\n'
        ' <defs>\n </defs>\n <path d="M 0 0" fill="#ffffff" stroke-dasharray="5.55,2.4" clip-path="url(#p1)"/>\n'
        ' <use xlink:href="#m1" x="1" fill="#1f5fa8"/>\n</svg>'
    )
    with pytest.raises(ValueError, match="matplotlib wrote the style font, which has no SVG attribute"):
        without_inline_styles('<svg><text style="font: 9px sans-serif">x</text></svg>')
