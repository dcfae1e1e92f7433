"""Every page reachable from a review's navigation, followed link by link in the browser: it loads, has one
heading, labelled form controls, readable contrast and nothing wider than the window; empty reviews say what
to do next. Each page's screenshot is kept for a person to look over."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from reviews.demo import DEMO_USERS
from tests.factories import make_review, make_user

pytestmark = pytest.mark.slow

# Links that download a file rather than show a page.
DOWNLOADS = re.compile(r"\.(csv|xlsx|json|svg|png|R)$|/pdf/$")

PAGE_PROBLEMS = (Path(__file__).parent / "page_problems.js").read_text()


def crawl(visitor, start: str, *, screenshots: bool = True, skip: re.Pattern | None = None) -> dict[str, list[str]]:
    """Follow the links within the review from the start page, opening one page of each kind (one record's page
    stands for all records' pages) except those whose address `skip` finds; the problems found on each page, by
    address."""
    page = visitor.page
    review_path = urlsplit(start).path
    queue, found, kinds = [start], {}, set()
    while queue:
        url = queue.pop(0)
        target = urlsplit(url)
        kind = (re.sub(r"/\d+/", "/<id>/", target.path.removeprefix(review_path)), target.query.split("=")[0])
        if kind in kinds:
            continue
        kinds.add(kind)
        response = page.goto(url)
        address = target.path + (f"?{target.query}" if target.query else "")
        found[address] = ([] if response.ok else [f"HTTP {response.status}"]) + page.evaluate(PAGE_PROBLEMS)
        if screenshots:
            visitor.screenshot("pages/" + re.sub(r"[^a-z0-9]+", "-", address.lower()).strip("-"))
        # A link marked `download` saves a file (records as RIS, say) instead of showing a page.
        links = "main a[href]:not([download]), nav a[href]:not([download])"
        for href in page.eval_on_selector_all(links, "links => links.map(a => a.href)"):
            link = urlsplit(href)
            if link.path.startswith(review_path) and not DOWNLOADS.search(link.path):
                if skip and skip.search(f"{link.path}?{link.query}"):
                    continue
                queue.append(href.split("#")[0])
    return found


def test_every_page_of_the_demo_review_is_reachable_labelled_and_readable(visit, transactional_db, demo):
    review = demo
    passwords = {username: password for username, _role, password in DEMO_USERS}
    # The other roles see the same pages with their own controls and blinding.
    for username in ("lead", "reviewer1", "adjudicator"):
        visitor = visit(username, password=passwords[username])
        pages = crawl(visitor, f"{visitor.base_url}/reviews/{review.pk}/", screenshots=username == "lead")
        assert len(pages) >= 15, sorted(pages)
        problems = {path: found for path, found in pages.items() if found}
        assert not problems, problems


def test_an_empty_review_says_what_to_do_next_on_every_page(visit, transactional_db):
    lead = make_user("lena")
    review = make_review(lead=lead, title="A review with nothing in it yet")
    visitor = visit("lena")
    pages = crawl(visitor, f"{visitor.base_url}/reviews/{review.pk}/")
    problems = {path: found for path, found in pages.items() if found}
    assert not problems, problems
    for path, hint in {
        "records/": "import a search",
        "screening/title-abstract/": "import a search",
        "full-texts/": "No full text is sought yet",
        "extraction/": "No study is included yet",
        "extraction/form/": "The form has no section yet",
        "analysis/": "Analyses run on a locked extraction only",
        "duplicates/": "No possible duplicates wait for a decision",
        "searches/": "No searches logged yet",
        "imports/": "log a search and import its results",
        "agreement/": "Agreement appears here as screening progresses",
        "screening/title-abstract/conflicts/": "No conflicts wait for your decision",
    }.items():
        visitor.page.goto(f"/reviews/{review.pk}/{path}")
        expect(visitor.page.locator("main")).to_contain_text(hint)


def test_the_page_checks_find_what_they_look_for(browser):
    page = browser.new_page(viewport={"width": 800, "height": 600})
    page.set_content(
        '<h1>One</h1><h1>Two</h1><input name="unnamed"><label for="a">A</label><input id="a" name="named">'
        '<p style="color:#aaa;background:#fff">faint</p><table style="width:1200px"><tr><td>wide</td></tr></table>'
    )
    problems = page.evaluate(PAGE_PROBLEMS)
    page.close()
    assert problems[0] == "2 h1 headings"
    assert problems[1] == 'unlabelled input "unnamed"' and len([p for p in problems if "unlabelled" in p]) == 1
    assert problems[2].startswith("page is 1")
    assert problems[3].startswith('contrast 2.32 < 4.5: "faint"')
    assert len(problems) == 4
