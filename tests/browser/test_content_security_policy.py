"""Pages under the Content-Security-Policy in Chromium. The `visit` fixture fails a test on anything the policy
blocked (tests/browser/conftest.py), so every walk checks its pages; here are the pages no walk reaches (error pages,
the admin) and a check that the policy and the console check work at all."""

import io
import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import OperationalError

from reviews.demo import DEMO_USERS
from tests.browser.test_pages import crawl
from tests.factories import make_user

pytestmark = pytest.mark.slow

ERROR_PAGE_BACKGROUND = "rgb(245, 247, 250)"  # templates/errors/_page.html


def test_the_policy_blocks_a_script_slipped_into_a_page_and_the_check_sees_it(visit, transactional_db):
    make_user("lena")
    visitor = visit("lena")

    def slip_in(route):
        response = route.fetch()
        markup = "<script>document.title = 'ran'</script><p style='color: red'>restyled</p></main>"
        route.fulfill(response=response, body=response.text().replace("</main>", markup))

    visitor.page.route(f"{visitor.base_url}/", slip_in)
    visitor.page.goto("/")
    assert visitor.page.title() != "ran"
    blocked = visitor.csp_violations[:]
    visitor.csp_violations.clear()  # seen: the test passes
    assert len(blocked) == 2 and "inline script" in blocked[0] and "inline style" in blocked[1], blocked


def test_error_pages_render_with_their_own_styles(visit, transactional_db):
    make_user("lena")
    page = visit("lena").page

    def background():
        return page.evaluate("getComputedStyle(document.body).backgroundColor")

    assert page.goto("/no-such-page/").status == 404 and background() == ERROR_PAGE_BACKGROUND
    with mock.patch("reviews.views.render", side_effect=RuntimeError("secret detail")):
        assert page.goto("/").status == 500 and background() == ERROR_PAGE_BACKGROUND
    unreachable = OperationalError("could not connect to server")
    with mock.patch("django.db.backends.base.base.BaseDatabaseWrapper.cursor", side_effect=unreachable):
        assert page.goto("/").status == 503 and background() == ERROR_PAGE_BACKGROUND


def test_every_admin_page_works_under_the_policy(visit, transactional_db):
    call_command("demo", stdout=io.StringIO())
    passwords = {username: password for username, _role, password in DEMO_USERS}
    visitor = visit("lead", password=passwords["lead"])
    # A filtered or sorted list is the same page as the list. Deleting a whole review lists its thousands of objects
    # (the page takes long); the delete pages of the other models show the same template.
    skip = re.compile(r"\?.|/review/\d+/delete/")
    pages = crawl(visitor, f"{visitor.base_url}/admin/", screenshots=False, skip=skip)
    assert {"/admin/screening/vote/export/", "/admin/reviews/membership/import/"} <= set(pages), sorted(pages)
    failed = {path: problems[0] for path, problems in pages.items() if problems and problems[0].startswith("HTTP")}
    assert not failed
    # The export page's "Select all" box works without its inline handler.
    visitor.page.goto("/admin/screening/vote/export/")
    fields = visitor.page.locator(".selectable-field-export-row input[type=checkbox]")
    visitor.page.get_by_label("Select all").uncheck()
    assert fields.count() > 3 and not any(box.is_checked() for box in fields.all())
