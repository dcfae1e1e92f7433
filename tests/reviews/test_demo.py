import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from reviews.demo import DEMO_TITLE, DEMO_USERS
from reviews.models import Review, Role

pytestmark = pytest.mark.django_db


def test_demo_creates_its_team_and_review_once(capsys):
    call_command("demo")
    call_command("demo")
    out = capsys.readouterr().out
    review = Review.objects.get(title=DEMO_TITLE)
    roles = dict(review.memberships.values_list("user__username", "role"))
    assert roles == {
        "lead": Role.LEAD,
        "reviewer1": Role.REVIEWER,
        "reviewer2": Role.REVIEWER,
        "adjudicator": Role.ADJUDICATOR,
    }
    for username, _role, password in DEMO_USERS:
        assert get_user_model().objects.get(username=username).check_password(password)
        assert password in out
    assert "already present" in out


def test_demo_imports_overlapping_database_exports_once():
    call_command("demo")
    call_command("demo")
    review = Review.objects.get(title=DEMO_TITLE)
    imports = {i.search.source: i for i in review.imports.select_related("search")}
    assert {name: i.record_count for name, i in imports.items()} == {
        "PubMed": 260,
        "Embase": 180,
        "Scopus": 90,
        "Reference lists of included studies": 6,
    }
    assert all(i.status == "done" for i in imports.values())
    # 400 distinct studies in the three database exports, plus the 6 from citation searching
    unique = review.records.filter(duplicate_of__isnull=True).count()
    assert unique + review.duplicate_candidates.filter(status="pending").count() >= 406
    assert unique <= 420
