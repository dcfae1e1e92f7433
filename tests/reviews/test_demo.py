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
