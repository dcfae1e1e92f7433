"""Blinding as non-interference: nothing a member can reach depends on an input hidden from them.

assert_blind() builds two states of the database that differ only in a hidden input (how a co-reviewer voted,
what a co-extractor entered), crawls in each every page and download the member can reach, and requires the
two crawls to give the same addresses with byte-identical responses. The crawl starts at the given pages and
follows every same-site link, redirect, embedded address, GET form (with each option of its lists, and with
the hidden texts typed into its text fields) and address in a JSON document, so a page, export or API endpoint
added later is covered as soon as a reachable page links it. Only what differs on every response by design is
masked: CSRF tokens, CSP nonces and the times of a zip archive's (an XLSX file's) entries.

Both states are built in a savepoint that is rolled back, at the same frozen instant, with the database's id
sequences put back between them, so ids and timestamps of what the hidden input creates agree too. A new stage
or an API calls assert_blind() with its own hidden input and start pages (tests/screening/test_blinding.py and
tests/extraction/test_blinding.py are the examples).
"""

import difflib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import time_machine
from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection, transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

MAX_ADDRESSES = 2000
MASKS = [
    (re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*'), rb"\1(csrf)"),
    (re.compile(rb'(nonce=")[^"]*'), rb"\1(nonce)"),
    # The API documentation's script sends the CSRF token with the calls it tries out.
    (re.compile(rb'(request.headers\["X-CSRFTOKEN"\] = ")[^"]*'), rb"\1(csrf)"),
]
ZIP_SIGNATURE = b"PK\x03\x04"
COMPARED_HEADERS = ("Content-Type", "Content-Disposition", "Location")


@dataclass(frozen=True)
class Reply:
    status: int
    headers: tuple
    body: bytes


def assert_blind(
    client,
    *,
    hide: Callable[[str], None],
    variants: tuple[str, str],
    start: Iterable[str],
    probes: Iterable[str] = (),
) -> dict[str, Reply]:
    """Fail unless `client`'s member reaches the same addresses with the same responses whichever of the two
    `variants` of the hidden input `hide(variant)` writes. `probes` are typed into GET forms' text fields (the
    hidden notes, say, so a search over them would show). Returns the first crawl, {address: reply}."""
    # Both states are built and crawled at one instant, a little after what the test built before.
    instant = timezone.now().replace(microsecond=0) + timedelta(minutes=1)
    crawls = [_in_state(client, hide, variant, instant, list(start), list(probes)) for variant in variants]
    first, second = crawls
    assert set(first) == set(second), (
        f"the hidden input changes which addresses are reachable: only with {variants[0]!r}: "
        f"{sorted(set(first) - set(second))}, only with {variants[1]!r}: {sorted(set(second) - set(first))}"
    )
    leaks = [_difference(address, first[address], second[address]) for address in sorted(first)]
    leaks = [leak for leak in leaks if leak]
    assert not leaks, f"{len(leaks)} of {len(first)} responses depend on the hidden input:\n" + "\n".join(leaks)
    return first


def reached_views(crawl: dict[str, Reply]) -> set[str]:
    """The URL names of the addresses crawled."""
    names = set()
    for address in crawl:
        try:
            names.add(resolve(urlsplit(address).path).view_name)
        except Resolver404:
            continue
    return names


def _in_state(client, hide, variant, instant, start, probes) -> dict[str, Reply]:
    _reset_sequences()
    cache.clear()
    # A message the previous crawl left unshown (a refused download's, say) waits in the client's cookie; each
    # crawl starts without one, so it cannot show on this crawl's first page.
    client.cookies.pop(CookieStorage.cookie_name, None)
    with time_machine.travel(instant, tick=False), transaction.atomic():
        hide(variant)
        crawl = _crawl(client, start, probes)
        transaction.set_rollback(True)
    return crawl


def _reset_sequences() -> None:
    """Put each table's id sequence back to its largest id, so both states give new rows the same ids. (SQLite
    rolls its sequences back with the transaction; PostgreSQL does not.)"""
    statements = connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _crawl(client, start, probes) -> dict[str, Reply]:
    seen, queue, replies, forms = set(start), list(start), {}, set()
    while queue:
        address = queue.pop(0)
        response = client.get(address)
        # Reading a streamed body to its end closes the response, as a server would.
        body = b"".join(response.streaming_content) if response.streaming else response.content
        headers = tuple((name, response.headers.get(name, "")) for name in COMPARED_HEADERS)
        replies[address] = Reply(response.status_code, headers, _masked(body))
        found = [response.headers["Location"]] if response.has_header("Location") else []
        content_type = response.headers.get("Content-Type", "")
        if content_type.startswith("application/json"):
            found += _json_links(json.loads(body))
        if content_type.startswith("text/html"):
            page = _Page.of(body.decode(response.charset or "utf-8"))
            found += page.links
            for form in page.forms:
                # Each form once, as first met: filled in on the pages it leads to, it would be tried again with
                # every combination of its choices.
                signature = (urlsplit(urljoin(address, form.action)).path, frozenset(form.fields) | set(form.choices))
                if signature not in forms:
                    forms.add(signature)
                    found += form.submissions(probes)
        for target in found:
            target = _same_site(urljoin(address, target))
            if target is not None and target not in seen:
                seen.add(target)
                queue.append(target)
        assert len(seen) <= MAX_ADDRESSES, f"the crawl found more than {MAX_ADDRESSES} addresses: a link loop?"
    return replies


def _json_links(data) -> list[str]:
    """The addresses in a JSON document (an API's links to its other resources): strings that are paths or URLs."""
    if isinstance(data, dict):
        return [link for value in data.values() for link in _json_links(value)]
    if isinstance(data, list):
        return [link for value in data for link in _json_links(value)]
    if isinstance(data, str) and data.startswith(("/", "http://", "https://")):
        return [data]
    return []


def _masked(body: bytes) -> bytes:
    if body.startswith(ZIP_SIGNATURE):
        # An XLSX is a zip archive whose entries carry the time their temporary files were written: compare the
        # entries' names and contents.
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return b"".join(b"%s\n%s\n" % (name.encode(), archive.read(name)) for name in archive.namelist())
    for pattern, replacement in MASKS:
        body = pattern.sub(replacement, body)
    return body


def _same_site(address: str) -> str | None:
    """The address as path and query when it is one of this site's pages, not a static or media file."""
    parts = urlsplit(address)
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver"):
        return None
    if parts.path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
        return None
    return urlunsplit(("", "", parts.path, parts.query, ""))


class _Page(HTMLParser):
    """The addresses a page refers to (links, embedded resources) and its GET forms."""

    LINKS = {
        "a": "href",
        "area": "href",
        "link": "href",
        "iframe": "src",
        "img": "src",
        "script": "src",
        "object": "data",
        "embed": "src",
        "source": "src",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.forms, self.form, self.select, self.textarea = [], [], None, None, None

    @classmethod
    def of(cls, html: str) -> "_Page":
        parser = cls()
        parser.feed(html)
        parser.close()
        return parser

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag in self.LINKS and attrs.get(self.LINKS[tag]):
            self.links.append(attrs[self.LINKS[tag]])
        if tag == "form" and attrs.get("method", "get").lower() == "get":
            self.form = _Form(attrs.get("action", ""))
        elif self.form is None:
            return
        elif tag == "input" and attrs.get("name"):
            self.form.add_input(attrs)
        elif tag == "button" and attrs.get("name"):
            self.form.choices.setdefault(attrs["name"], []).append(attrs.get("value", ""))
        elif tag == "select" and attrs.get("name"):
            self.select = attrs["name"]
            self.form.choices[self.select] = []
        elif tag == "option" and self.select is not None:
            self.form.add_option(self.select, attrs)
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = attrs["name"]
            self.form.fields[self.textarea] = ""
            self.form.texts.append(self.textarea)

    def handle_data(self, data):
        if self.form is not None and self.textarea is not None:
            self.form.fields[self.textarea] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None
        elif tag == "form" and self.form is not None:
            self.forms.append(self.form)
            self.form = None


class _Form:
    """A GET form: its fields' initial values, the choices of its lists and buttons, and its text fields."""

    def __init__(self, action):
        self.action, self.fields, self.choices, self.texts, self.selected = action, {}, {}, [], {}

    def add_input(self, attrs):
        name, kind, value = attrs["name"], attrs.get("type", "text").lower(), attrs.get("value", "")
        if kind in ("submit", "image", "button", "reset"):
            self.choices.setdefault(name, []).append(value)
        elif kind in ("checkbox", "radio"):
            self.choices.setdefault(name, []).append(value or "on")
            if "checked" in attrs:
                self.fields[name] = value or "on"
        elif kind != "file":
            self.fields[name] = value
            if kind in ("text", "search", "email", "url", "tel", ""):
                self.texts.append(name)

    def add_option(self, select, attrs):
        self.choices[select].append(attrs.get("value", ""))
        if "selected" in attrs or select not in self.selected:
            self.selected[select] = attrs.get("value", "")

    def submissions(self, probes) -> list[str]:
        """The form as its page fills it in, then with each choice of each list and each probe in each text."""
        initial = {**self.fields, **self.selected}
        variants = [initial]
        variants += [{**initial, name: value} for name, values in self.choices.items() for value in values]
        variants += [{**initial, name: probe} for name in self.texts for probe in probes]
        action = urlsplit(self.action)
        return [urlunsplit(action._replace(query=urlencode(variant), fragment="")) for variant in variants]


def _difference(address: str, first: Reply, second: Reply) -> str:
    if first == second:
        return ""
    if (first.status, first.headers) != (second.status, second.headers):
        return f"{address}: {first.status} {first.headers} != {second.status} {second.headers}"
    lines = difflib.unified_diff(
        first.body.decode("utf-8", "replace").splitlines(),
        second.body.decode("utf-8", "replace").splitlines(),
        lineterm="",
        n=0,
    )
    shown = [line[:300] for line in list(lines)[2:14]]
    return f"{address}:\n  " + "\n  ".join(shown or ["(binary content differs)"])
