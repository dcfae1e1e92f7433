"""Markup and scripts inside imported records are shown as text on every page that shows a record."""

import pytest
from playwright.sync_api import expect

from reviews.models import Review
from tests.factories import make_import, make_review, make_user, ris

pytestmark = pytest.mark.slow

TITLE = '<script>window.hacked = "title"</script>Tocilizumab <img src=x onerror="window.hacked=\'img\'"> in NMOSD'
ABSTRACT = "<b>bold</b> relapse <iframe src=\"javascript:window.hacked='frame'\"></iframe> tocilizumab"


def test_imported_markup_is_text_and_never_runs(visit, transactional_db):
    lead = make_user("lena")
    review = make_review(lead=lead, highlight_include="tocilizumab, <b>", title='Review "<i>quoted</i>"')
    make_import(review, lead, ris({"TI": TITLE, "AB": ABSTRACT, "AU": "<svg onload=alert(1)>", "PY": "2020"}))
    Review.objects.filter(pk=review.pk).update(title='Review "<i>quoted</i>" <script>window.hacked="review"</script>')
    visitor = visit("lena")
    dialogs = []
    visitor.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    record = review.records.get()
    for path in ("records/", f"records/{record.pk}/", "screening/title-abstract/", "prisma/", ""):
        visitor.page.goto(f"/reviews/{review.pk}/{path}")
        expect(visitor.page.locator("main")).to_contain_text("<script>" if path != "prisma/" else "PRISMA")
        assert visitor.page.evaluate("window.hacked") is None, path
        assert visitor.page.locator("main img, main iframe, main script:not([src]), main b").count() == 0, path
    visitor.page.goto(f"/reviews/{review.pk}/screening/title-abstract/")
    expect(visitor.page.locator(".abstract")).to_contain_text("<b>bold</b> relapse <iframe")
    assert visitor.page.locator(".abstract mark").count() >= 1  # the highlight still works around escaped text
    visitor.screenshot("hostile-input-queue")
    assert dialogs == []
