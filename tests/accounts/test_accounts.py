import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_signup_creates_an_account_and_logs_in(client):
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "ana",
            "email": "ana@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("reviews:list")
    assert response.context["user"].username == "ana"


def test_signup_with_an_address_someone_verified_neither_says_so_nor_takes_it(client):
    """Refusing the address would tell anyone that it has an account; the newcomer's copy stays unverified."""
    make_user("ana", email="ana@example.org")
    response = client.post(
        reverse("accounts:signup"),
        {
            "username": "ana2",
            "email": "ANA@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert response.status_code == 302
    impostor = get_user_model().objects.get(username="ana2")
    assert impostor.email == "" and not impostor.email_addresses.verified().exists()


def test_signup_is_404_when_closed(client, settings):
    settings.ALLOW_SIGNUP = False
    assert client.get(reverse("accounts:signup")).status_code == 404


def test_login_page_links_to_signup(client):
    assert reverse("accounts:signup") in client.get(reverse("accounts:login")).text


def test_createuser_command_makes_a_staff_account(capsys):
    call_command("createuser", "admin2", "--email", "a@example.org", "--password", "a-long-pass-phrase", "--staff")
    user = get_user_model().objects.get(username="admin2")
    assert user.is_staff and user.check_password("a-long-pass-phrase")
    assert user.email_addresses.verified().get().email == "a@example.org"  # the administrator vouches for it
    assert "Created user admin2" in capsys.readouterr().out


def test_createuser_rejects_a_weak_password():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="too short"):
        call_command("createuser", "weak", "--password", "abc")
    assert not get_user_model().objects.filter(username="weak").exists()


def test_admin_is_usable_by_staff(client):
    staff = make_user("staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    for url in (
        "admin:reviews_review_changelist",
        "admin:reviews_membership_changelist",
        "admin:reviews_exclusionreason_changelist",
        "admin:reviews_membership_add",
    ):
        assert client.get(reverse(url)).status_code == 200, url


def test_admin_is_closed_to_ordinary_users(client):
    client.force_login(make_user("plain"))
    response = client.get(reverse("admin:reviews_review_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response.url
