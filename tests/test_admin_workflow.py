"""Admin edits go through the workflow: the team's services (at least one lead), the form builder's (version, audit
trail), the study's rename (audit trail, lock); what only a page's service may change is read-only here. Each path
the admin offers (the change form, delete, bulk delete, import) is tried as a staff account that is no member."""

import pytest
import tablib
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from extraction import services as extraction
from extraction.models import AuditAction, AuditEvent, ExtractionForm, FormField, Section
from extraction.resources import FormFieldResource
from extraction.template import load
from identification.models import Search
from reviews.models import ExclusionReason, Membership, Review, Role
from reviews.resources import MembershipResource
from screening.models import Report, Study
from tests.factories import make_search, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = make_user("root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def _posted(staff, obj, **changes):
    """What the admin's change form of `obj` posts when `changes` are typed into it."""
    request = RequestFactory().get("/")
    request.user = staff
    form = admin.site._registry[type(obj)].get_form(request, obj)(instance=obj)
    data = {}
    for name in form.fields:
        value = changes.get(name, form[name].value())
        if value is True:
            data[name] = "on"
        elif value is not False and value is not None:
            data[name] = value
    for inline in admin.site._registry[type(obj)].get_inline_instances(request, obj):
        prefix = inline.get_formset(request, obj).get_default_prefix()
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


def _message(response) -> str:
    return " ".join(str(message) for message in response.context["messages"])


def _lead(personas):
    return personas.review.memberships.get(user=personas.lead)


# The team: at least one lead, whichever way the admin changes it.


def test_the_admin_cannot_demote_the_last_lead(client, personas, staff):
    lead = _lead(personas)
    page = client.post(_url(Membership, "change", lead.pk), {"role": Role.VIEWER}, follow=True)
    assert "Not saved: A review needs at least one lead" in _message(page)
    lead.refresh_from_db()
    assert lead.role == Role.LEAD


def test_the_admin_cannot_remove_the_last_lead_alone_or_in_a_selection(client, personas, staff):
    lead = _lead(personas)
    page = client.post(_url(Membership, "delete", lead.pk), {"post": "yes"}, follow=True)
    assert "Not saved: A review needs at least one lead" in _message(page)
    everyone = list(personas.review.memberships.values_list("pk", flat=True))
    bulk = {"action": "delete_selected", "_selected_action": everyone, "post": "yes"}
    page = client.post(_url(Membership, "changelist"), bulk, follow=True)
    assert "Not saved: A review needs at least one lead" in _message(page)
    assert sorted(personas.review.memberships.values_list("pk", flat=True)) == sorted(everyone), "all or none"


def test_the_admin_adds_changes_and_removes_members_through_the_team_services(client, personas, staff):
    newcomer = make_user("newcomer")
    data = {"review": personas.review.pk, "user": newcomer.pk, "role": Role.LEAD}
    client.post(_url(Membership, "add"), data)
    added = personas.review.memberships.get(user=newcomer)
    client.post(_url(Membership, "change", _lead(personas).pk), {"role": Role.REVIEWER})
    assert _lead(personas).role == Role.REVIEWER, "another lead exists now"
    client.post(_url(Membership, "change", added.pk), {"role": Role.LEAD, "review": personas.other_review.pk})
    assert Membership.objects.get(pk=added.pk).review == personas.review, "a membership stays in its review"
    client.post(_url(Membership, "delete", _lead(personas).pk), {"post": "yes"})
    assert not personas.review.memberships.filter(user=personas.lead).exists()


def _team_file(review, *rows):
    dataset = tablib.Dataset(headers=["id", "review", "username", "role"])
    for username, role in rows:
        dataset.append(["", review.pk, username, role])
    return dataset


def test_an_import_of_members_cannot_leave_a_review_without_a_lead(personas, staff):
    make_user("newcomer")
    dataset = _team_file(personas.review, ("newcomer", Role.REVIEWER), ("lead", Role.VIEWER))
    before = sorted(Membership.objects.values_list("review_id", "user_id", "role"))
    result = MembershipResource().import_data(dataset, dry_run=False, use_transactions=True, user=staff)
    assert result.has_validation_errors()
    [invalid] = result.invalid_rows
    assert "A review needs at least one lead" in str(invalid.error)
    assert sorted(Membership.objects.values_list("review_id", "user_id", "role")) == before


def test_an_import_of_members_goes_through_the_team_services_and_names_who_imports(personas, staff):
    make_user("newcomer")
    dataset = _team_file(personas.review, ("newcomer", Role.LEAD), ("lead", Role.VIEWER))
    result = MembershipResource().import_data(dataset, dry_run=False, use_transactions=True, user=staff)
    assert not result.has_errors() and not result.has_validation_errors()
    roles = dict(personas.review.memberships.values_list("user__username", "role"))
    assert (roles["newcomer"], roles["lead"]) == (Role.LEAD, Role.VIEWER)
    anonymous = MembershipResource().import_data(dataset, dry_run=False, use_transactions=True)
    assert anonymous.has_errors() and "names the staff account" in str(anonymous.base_errors[0].error)


def test_the_review_page_of_the_admin_shows_the_team_and_reasons_without_editing_them(client, personas, staff):
    page = client.get(_url(Review, "change", personas.review.pk)).content.decode()
    assert 'name="memberships-0-role"' not in page and 'name="exclusion_reasons-0-label"' not in page
    assert "Lead" in page and "Wrong population" in page
    assert client.get(_url(Review, "add")).status_code == 403, "a review made here would have no lead"


# The extraction form: version and audit trail.


@pytest.fixture
def form_in_use(personas):
    """The NMOSD form with values entered (the extraction set-up), so that a change raises the version."""
    setup = personas.extraction()
    setup.version = ExtractionForm.objects.get(review=personas.review).version
    return setup


def _form_events(review, staff):
    return list(
        AuditEvent.objects.filter(review=review, action=AuditAction.FORM_CHANGED, user=staff).values_list(
            "note", flat=True
        )
    )


def test_an_admin_edit_of_a_field_raises_the_version_and_is_in_the_audit_trail(client, personas, staff, form_in_use):
    field = form_in_use.field
    client.post(_url(FormField, "change", field.pk), _posted(staff, field, label="Dose (mg/kg)"))
    field.refresh_from_db()
    assert field.label == "Dose (mg/kg)"
    assert ExtractionForm.objects.get(review=personas.review).version == form_in_use.version + 1
    assert _form_events(personas.review, staff) == [f"field '{field.key}' changed"]


def test_an_admin_added_field_joins_the_current_version_at_the_end_of_its_section(client, personas, staff, form_in_use):
    section = form_in_use.field.section
    data = {"review": personas.review.pk, "section": section.pk, "key": "relapse_free", "label": "Relapse-free"}
    data.update(field_type="integer", tolerance="0", choices="[]", sum_of="[]")
    client.post(_url(FormField, "add"), data)
    added = FormField.objects.get(review=personas.review, key="relapse_free")
    assert (added.added_in_version, ExtractionForm.objects.get().version) == (
        form_in_use.version,
        form_in_use.version + 1,
    )
    assert added.position == section.fields.count() - 1
    assert _form_events(personas.review, staff) == ["field 'relapse_free' added"]


def test_an_admin_field_cannot_go_into_another_reviews_section(client, personas, staff, form_in_use):
    extraction.apply_template(review=personas.other_review, user=personas.outsider, template=load("nmosd"))
    foreign = Section.objects.filter(review=personas.other_review).first()
    field = form_in_use.field
    page = client.post(_url(FormField, "change", field.pk), _posted(staff, field, section=foreign.pk), follow=True)
    assert "Not saved: that section belongs to another review's form." in _message(page)
    field.refresh_from_db()
    assert field.section.review == personas.review


def test_an_imported_field_raises_the_version_and_is_in_the_audit_trail(personas, staff, form_in_use):
    resource = FormFieldResource()
    dataset = resource.export(queryset=FormField.objects.filter(pk=form_in_use.field.pk))
    dataset[0] = tuple(
        "Dose given" if header == "label" else v for header, v in zip(dataset.headers, dataset[0], strict=True)
    )
    result = resource.import_data(dataset, dry_run=False, use_transactions=True, user=staff)
    assert not result.has_errors() and not result.has_validation_errors()
    assert FormField.objects.get(pk=form_in_use.field.pk).label == "Dose given"
    assert ExtractionForm.objects.get(review=personas.review).version == form_in_use.version + 1
    assert _form_events(personas.review, staff) == [f"field '{form_in_use.field.key}' changed"]


def test_an_admin_rename_of_a_section_is_in_the_audit_trail_and_fields_are_retired_not_deleted(
    client, personas, staff, form_in_use
):
    section = form_in_use.field.section
    client.post(_url(Section, "change", section.pk), _posted(staff, section, title="Treatment given"))
    assert Section.objects.get(pk=section.pk).title == "Treatment given"
    assert ExtractionForm.objects.get(review=personas.review).version == form_in_use.version + 1
    assert _form_events(personas.review, staff) == ["section 'Treatment given' changed"]
    assert client.post(_url(Section, "delete", section.pk), {"post": "yes"}).status_code == 403
    assert client.post(_url(FormField, "delete", form_in_use.field.pk), {"post": "yes"}).status_code == 403


def test_the_forms_version_is_not_typed_in_the_admin(client, personas, staff, form_in_use):
    form = ExtractionForm.objects.get(review=personas.review)
    assert client.post(_url(ExtractionForm, "change", form.pk), {"version": "1"}).status_code == 403
    assert ExtractionForm.objects.get(pk=form.pk).version == form_in_use.version


# Studies, reports, reasons and searches.


def test_an_admin_rename_of_a_study_is_in_the_extraction_audit_trail(client, personas, staff, form_in_use):
    study = form_in_use.study
    before = study.label
    client.post(_url(Study, "change", study.pk), _posted(staff, study, label="Ringelstein 2021 (cohort)"))
    assert Study.objects.get(pk=study.pk).label == "Ringelstein 2021 (cohort)"
    event = AuditEvent.objects.get(study=study, action=AuditAction.STUDY_RENAMED)
    assert (event.old_value, event.new_value, event.user) == (before, "Ringelstein 2021 (cohort)", staff)
    assert client.post(_url(Study, "delete", study.pk), {"post": "yes"}).status_code == 403
    assert client.get(_url(Study, "add")).status_code == 403


def test_reports_and_exclusion_reasons_change_only_on_the_reviews_pages(client, personas, staff):
    report = personas.full_text().report
    reason = personas.review.exclusion_reasons.get()
    for model, row, data in (
        (Report, report, {"link": "https://example.org/other", "review": personas.review.pk}),
        (ExclusionReason, reason, {"label": "Wrong drug", "review": personas.review.pk, "position": "0"}),
    ):
        assert client.post(_url(model, "change", row.pk), data).status_code == 403
        assert client.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
        assert client.get(_url(model, "add")).status_code == 403
        assert client.get(_url(model, "changelist")).status_code == 200
    report.refresh_from_db()
    reason.refresh_from_db()
    assert (report.link, reason.label) == ("", "Wrong population")


def test_a_search_keeps_its_review_and_source_type_in_the_admin(client, personas, staff):
    search = make_search(personas.review, personas.lead)
    data = _posted(staff, search, strategy="tocilizumab AND NMOSD")
    client.post(
        _url(Search, "change", search.pk), {**data, "review": personas.other_review.pk, "source_type": "citation"}
    )
    search.refresh_from_db()
    assert (search.strategy, search.review, search.source_type) == (
        "tocilizumab AND NMOSD",
        personas.review,
        "database",
    )
    assert client.get(_url(Search, "add")).status_code == 403
