"""Faster voting (issue 20): on the demo, a key press votes and shows the next record without loading the page
again, in under 100 ms; without JavaScript the same buttons post the form and the queue page follows."""

import statistics

from playwright.sync_api import expect

from reviews.demo import DEMO_USERS
from tests.db_worker import DATABASE_BACKEND

PASSWORDS = {username: password for username, _role, password in DEMO_USERS}
# Times every key press to the moment the next record's title is in the page (a mutation of <main>).
STOPWATCH = """() => {
  window.voteTimes = [];
  window.loadedOnce = true;
  document.addEventListener("keydown", () => { window.pressedAt = performance.now(); }, true);
  new MutationObserver(() => {
    if (window.pressedAt && document.querySelector(".record-title")) {
      window.voteTimes.push(performance.now() - window.pressedAt);
      window.pressedAt = null;
    }
  }).observe(document.getElementById("main"), { childList: true });
}"""


def queue(demo):
    return f"/reviews/{demo.pk}/screening/title-abstract/"


def test_a_key_press_shows_the_next_record_within_100_ms(visit, transactional_db, demo, settings):
    settings.TASKS = DATABASE_BACKEND  # a retraining a vote makes due is queued for a worker, as in production
    page = visit("reviewer2", password=PASSWORDS["reviewer2"]).page
    page.goto(queue(demo))
    page.evaluate(STOPWATCH)
    for _ in range(6):
        before = page.locator(".record-title").inner_text()
        # A reviewer reads the abstract first; meanwhile the page has fetched the next record.
        expect(page.locator("html[data-ahead='ready']")).to_have_count(1)
        page.keyboard.press("e")
        expect(page.locator(".record-title")).not_to_have_text(before)
        expect(page.get_by_text("Vote saved")).to_be_visible()
    assert page.evaluate("window.loadedOnce"), "the page was loaded again"
    times = page.evaluate("window.voteTimes")
    assert len(times) == 6 and statistics.median(times) < 100, times


def test_without_javascript_the_buttons_still_vote(visit, transactional_db, demo, settings):
    settings.TASKS = DATABASE_BACKEND
    page = visit("reviewer2", password=PASSWORDS["reviewer2"], java_script_enabled=False).page
    page.goto(queue(demo))
    before = page.locator(".record-title").inner_text()
    page.get_by_role("button", name="Exclude").click()
    expect(page.get_by_text("Vote saved")).to_be_visible()
    expect(page.locator(".record-title")).not_to_have_text(before)
