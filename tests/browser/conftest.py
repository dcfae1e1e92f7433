"""Browser tests: Debian's Chromium driven by Playwright against Django's live server.

Every test here is marked `browser`. Screenshots go to artifacts/screenshots/ (kept by CI as artifacts);
the few shown in the README are copied from there into docs/screenshots/ after a person has looked at them.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.db_worker import DATABASE_BACKEND, running_worker
from tests.factories import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# Playwright answers every wait well within this on a busy two-core CI machine.
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser(django_db_setup):
    """One Chromium for the browser tests, started after the test database exists.

    Playwright's sync API keeps an event loop running in this thread while it is open, which Django takes for an
    async context; the tests' own database calls are synchronous, so the check is lifted for this package only.
    """
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not at {CHROMIUM}: install Debian's chromium package (.ci/run does)")
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        expect.set_options(timeout=TIMEOUT_MS)
        yield browser
        browser.close()


class Visitor:
    """One person in their own browser context (own cookies), logged in through the login page. Chromium reports
    what the Content-Security-Policy blocked on the console; `visit` fails the test on any of it."""

    def __init__(self, browser, base_url: str, username: str, password: str, width: int = 1280, **options):
        self.username = username
        self.base_url = base_url
        self.context = browser.new_context(
            base_url=base_url, viewport={"width": width, "height": 900}, accept_downloads=True, **options
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.csp_violations = []
        self.context.on("console", self._note_csp_violation)
        self.page = self.context.new_page()
        self.page.goto("/accounts/login/")
        self.page.get_by_label("Username").fill(username)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Log in").click()
        self.page.wait_for_url(f"{base_url}/")

    def _note_csp_violation(self, message):
        if "Content Security Policy" in message.text:
            what = message.text.split(". Either")[0]  # the rest is Chromium's advice on allowing it
            self.csp_violations.append(f"{message.page.url if message.page else '?'}: {what}")

    def screenshot(self, name: str):
        path = SCREENSHOTS / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=path, full_page=True)

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, live_server):
    """visit("lead") opens a logged-in browser context for that user; visit("lead", width=390) in a phone-wide
    window; other keywords go to Playwright's new_context (java_script_enabled=False, say)."""
    opened = []

    def open_as(username: str, password: str = PASSWORD, **options) -> Visitor:
        visitor = Visitor(browser, live_server.url, username, password, **options)
        opened.append(visitor)
        return visitor

    yield open_as
    violations = [violation for visitor in opened for violation in visitor.csp_violations]
    for visitor in opened:
        visitor.close()
    if violations:
        pytest.fail("The Content-Security-Policy blocked:\n" + "\n".join(violations))


@pytest.fixture
def task_worker(settings, transactional_db):
    """A task worker (`manage.py db_worker`) on the live server's database: the walk's imports and analysis go
    through it, as in production."""
    settings.TASKS = DATABASE_BACKEND
    with running_worker(settings):
        yield
