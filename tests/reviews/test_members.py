import inspect
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from reviews import services
from reviews.access import RoleRefused
from reviews.models import Membership, Review, Role
from tests.factories import make_review, make_user

pytestmark = pytest.mark.django_db


def _members_url(review, name="members", **kwargs):
    return reverse(f"reviews:{name}", kwargs={"review_id": review.pk, **kwargs})


def test_lead_adds_a_member_by_email(client, personas):
    newcomer = make_user("newcomer", email="New.Comer@Example.org")
    client.force_login(personas.lead)
    response = client.post(
        _members_url(personas.review, "member_add"), {"identifier": "new.comer@example.org", "role": "adjudicator"}
    )
    assert response.status_code == 302
    assert Membership.objects.get(review=personas.review, user=newcomer).role == Role.ADJUDICATOR


def test_adding_an_unknown_account_explains_what_to_do(client, personas):
    client.force_login(personas.lead)
    response = client.post(_members_url(personas.review, "member_add"), {"identifier": "ghost", "role": "reviewer"})
    assert response.status_code == 400
    assert "No account is called" in response.text and "Invite the address" in response.text


def test_adding_an_existing_member_twice_is_refused(client, personas):
    client.force_login(personas.lead)
    response = client.post(_members_url(personas.review, "member_add"), {"identifier": "reviewer", "role": "viewer"})
    assert response.status_code == 400
    assert "already a member" in response.text
    assert Membership.objects.get(review=personas.review, user=personas.reviewer).role == Role.REVIEWER


def test_service_reports_duplicate_membership_from_the_constraint(personas):
    with pytest.raises(services.TeamRuleError, match="already a member"):
        services.add_member(review=personas.review, user=personas.reviewer, role=Role.VIEWER, by=personas.lead)


def test_one_membership_per_user_and_review_is_a_database_constraint(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(review=personas.review, user=personas.reviewer, role=Role.VIEWER)


def test_role_outside_the_choices_is_refused_by_the_database(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.filter(user=personas.viewer).update(role="owner")


def test_reviewers_per_record_is_constrained_to_one_or_two(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.filter(pk=personas.review.pk).update(title_abstract_reviewers=3)


def test_lead_changes_a_role(client, personas):
    viewer = personas.review.memberships.get(user=personas.viewer)
    client.force_login(personas.lead)
    client.post(_members_url(personas.review, "member_role", membership_id=viewer.pk), {"role": "reviewer"})
    viewer.refresh_from_db()
    assert viewer.role == Role.REVIEWER


def test_invalid_role_is_reported_and_changes_nothing(client, personas):
    viewer = personas.review.memberships.get(user=personas.viewer)
    client.force_login(personas.lead)
    response = client.post(
        _members_url(personas.review, "member_role", membership_id=viewer.pk), {"role": "owner"}, follow=True
    )
    assert "Choose one of the listed roles" in response.text
    viewer.refresh_from_db()
    assert viewer.role == Role.VIEWER


def test_the_last_lead_cannot_step_down_or_be_removed(client, personas):
    lead = personas.review.memberships.get(user=personas.lead)
    client.force_login(personas.lead)
    response = client.post(
        _members_url(personas.review, "member_role", membership_id=lead.pk), {"role": "viewer"}, follow=True
    )
    assert "at least one lead" in response.text
    response = client.post(_members_url(personas.review, "member_remove", membership_id=lead.pk), follow=True)
    assert "at least one lead" in response.text
    lead.refresh_from_db()
    assert lead.role == Role.LEAD


def test_a_lead_may_step_down_once_another_lead_exists(client, personas):
    reviewer = personas.review.memberships.get(user=personas.reviewer)
    services.change_role(membership=reviewer, role=Role.LEAD, by=personas.lead)
    lead = personas.review.memberships.get(user=personas.lead)
    client.force_login(personas.lead)
    client.post(_members_url(personas.review, "member_remove", membership_id=lead.pk))
    assert not personas.review.memberships.filter(user=personas.lead).exists()


def test_lead_removes_a_member_who_then_gets_404(client, personas):
    viewer = personas.review.memberships.get(user=personas.viewer)
    client.force_login(personas.lead)
    client.post(_members_url(personas.review, "member_remove", membership_id=viewer.pk))
    client.force_login(personas.viewer)
    assert client.get(reverse("reviews:dashboard", args=[personas.review.pk])).status_code == 404


def test_membership_of_another_review_is_404_even_for_a_lead(client, personas):
    foreign = personas.other_review.memberships.get()
    client.force_login(personas.lead)
    for name in ("member_role", "member_remove"):
        response = client.post(_members_url(personas.review, name, membership_id=foreign.pk), {"role": "viewer"})
        assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.role == Role.LEAD


def test_members_page_lists_the_team(client, personas, django_assert_max_num_queries):
    client.force_login(personas.reviewer)
    with django_assert_max_num_queries(6):
        response = client.get(_members_url(personas.review))
    for name in ("lead", "reviewer", "adjudicator", "viewer"):
        assert f"{name}@example.org" in response.text
    assert "Add a member" not in response.text


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
def test_two_leads_demoting_each_other_at_once_leave_one_lead():
    first, second = make_user("first"), make_user("second")
    review = make_review(lead=first)
    services.add_member(review=review, user=second, role=Role.LEAD, by=first)
    barrier = threading.Barrier(2)
    errors = []

    def demote(user):
        try:
            barrier.wait()
            membership = Membership.objects.get(review=review, user=user)
            services.change_role(membership=membership, role=Role.VIEWER, by=user)
        except services.TeamRuleError as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=demote, args=(user,)) for user in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert review.memberships.leads().count() == 1
    assert len(errors) == 1


@pytest.mark.parametrize(
    "write", [services.update_review, services.add_member, services.change_role, services.remove_member]
)
def test_every_team_and_settings_write_names_its_writer(personas, write):
    """No caller skips the lead check by leaving the writer out: `by` is a required keyword (a lead, or staff in
    the admin), and the call without it fails before anything is written."""
    by = inspect.signature(write).parameters["by"]
    assert by.kind is inspect.Parameter.KEYWORD_ONLY and by.default is inspect.Parameter.empty
    membership = personas.review.memberships.get(user=personas.viewer)
    arguments = {
        services.update_review: {"review": personas.review, "exclusion_reasons": []},
        services.add_member: {"review": personas.review, "user": personas.outsider, "role": Role.LEAD},
        services.change_role: {"membership": membership, "role": Role.LEAD},
        services.remove_member: {"membership": membership},
    }[write]
    before = sorted(Membership.objects.values_list("review_id", "user_id", "role"))
    with pytest.raises(TypeError, match="by"):
        write(**arguments)
    assert sorted(Membership.objects.values_list("review_id", "user_id", "role")) == before
    assert personas.review.exclusion_reasons.exists()


def test_a_reviewer_naming_themselves_as_writer_is_refused(personas):
    with pytest.raises(RoleRefused):
        services.add_member(review=personas.review, user=personas.outsider, role=Role.LEAD, by=personas.reviewer)
    assert not personas.review.memberships.filter(user=personas.outsider).exists()
