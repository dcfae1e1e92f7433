"""Narrow windows (issue 24): every page of the demo review, as the lead sees it, fits a phone (390px), a tablet
(768px) and a desktop window without scrolling the page sideways (wide tables scroll inside their own box); on a
phone the navigation folds behind a menu button, and without JavaScript it stays a plain list of links."""

import pytest
from playwright.sync_api import expect

from reviews.demo import DEMO_USERS
from tests.browser.test_pages import crawl

pytestmark = pytest.mark.slow

PASSWORDS = {username: password for username, _role, password in DEMO_USERS}


@pytest.mark.parametrize("width", [390, 768, 1280])
def test_no_page_of_the_demo_review_scrolls_sideways(visit, transactional_db, demo, width):
    visitor = visit("lead", password=PASSWORDS["lead"], width=width)
    pages = crawl(visitor, f"{visitor.base_url}/reviews/{demo.pk}/", screenshots=False)
    assert len(pages) >= 15, sorted(pages)
    wide = {path: found for path, found in pages.items() if any(problem.startswith("page is") for problem in found)}
    assert not wide, wide
    assert visitor.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_on_a_phone_the_navigation_folds_behind_the_menu_button(visit, transactional_db, demo):
    visitor = visit("lead", password=PASSWORDS["lead"], width=390)
    page = visitor.page
    page.goto(f"/reviews/{demo.pk}/")
    menu = page.get_by_role("button", name="Menu")
    records = page.get_by_role("navigation", name="Review").get_by_role("link", name="Records")
    expect(records).to_be_hidden()
    expect(page.get_by_role("link", name=demo.title)).to_be_visible()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(records).to_be_visible()
    expect(page.get_by_role("link", name="My reviews")).to_be_visible()
    visitor.screenshot("narrow/dashboard-menu-open")
    records.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_without_javascript_the_navigation_is_a_plain_list(visit, transactional_db, demo):
    visitor = visit("lead", password=PASSWORDS["lead"], width=390, java_script_enabled=False)
    page = visitor.page
    page.goto(f"/reviews/{demo.pk}/")
    expect(page.get_by_role("button", name="Menu")).to_have_count(0)
    expect(page.get_by_role("navigation", name="Review").get_by_role("link", name="Records")).to_be_visible()
    expect(page.get_by_role("link", name="My reviews")).to_be_visible()
