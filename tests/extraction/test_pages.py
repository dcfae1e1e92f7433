"""Extraction pages: blind entry, conflicts side by side, lock and unlock, exports, the admin when locked."""

import csv
import io
import json

import pytest
import tablib
from django.urls import reverse

from extraction import services
from extraction.models import Consensus, ConsensusStatus, ExtractionLock, Section, Value
from extraction.resources import ConsensusResource, ValueResource
from tests.extraction.helpers import Team
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def url(name, team, **kwargs):
    return reverse(f"extraction:{name}", kwargs={"review_id": team.review.pk, **kwargs})


def pages_seen_by(client, user, team, study):
    client.force_login(user)
    extraction = study.extractions.get(extractor=user)
    seen = [client.get(url(name, team)).content.decode() for name in ("overview", "audit_export")]
    seen.append(client.get(url("extract", team, extraction_id=extraction.pk)).content.decode())
    seen.append(client.get(url("study", team, study_id=study.pk)).content.decode())
    seen.append(client.get(url("export", team, file_format="csv")).content.decode())
    return "\n".join(seen)


def test_extractors_are_blind_to_each_other_until_both_submit(client, team):
    study = team.studies[0]
    first, second = (study.extractions.get(slot=slot).extractor for slot in (1, 2))
    team.submit(study, 1, submit=False, dose="SECRET-DOSE", country="Atlantis")
    seen = pages_seen_by(client, second, team, study)
    assert "SECRET-DOSE" not in seen and "Atlantis" not in seen
    other = client.get(url("extract", team, extraction_id=study.extractions.get(slot=1).pk))
    assert other.status_code == 404
    team.submit(study, 1, dose="SECRET-DOSE")
    assert "SECRET-DOSE" not in pages_seen_by(client, second, team, study), "submitted, but I have not"
    team.submit(study, 2, dose="8 mg/kg")
    assert "SECRET-DOSE" in client.get(url("study", team, study_id=study.pk)).content.decode()
    assert first != second


def test_a_lead_who_submitted_first_does_not_see_the_co_extractors_draft(client, team):
    study = team.studies[0]
    lead_slot = study.extractions.get(extractor=team.personas.lead).slot
    team.submit(study, lead_slot)
    team.submit(study, 3 - lead_slot, submit=False, dose="SECRET-DOSE")
    assert "SECRET-DOSE" not in pages_seen_by(client, team.personas.lead, team, study)
    client.force_login(team.personas.adjudicator)
    assert "SECRET-DOSE" in client.get(url("study", team, study_id=study.pk)).content.decode(), "not an extractor"


def test_entering_saving_adding_an_arm_and_submitting(client, team):
    study = team.studies[0]
    extraction = study.extractions.get(slot=1)
    client.force_login(extraction.extractor)
    page = url("extract", team, extraction_id=extraction.pk)
    fields = team.fields
    typed = {"study_design": "case series", "country": "Japan", "treatment": "tocilizumab", "n": "7"}
    post = {f"v-{fields[k].pk}-{1 if fields[k].per_arm else 0}": v for k, v in typed.items()}
    post[f"n-{fields['n'].pk}-1"] = "Table 1"
    client.post(page, {**post, "arm_count": "1", "action": "add_arm"})
    extraction.refresh_from_db()
    assert extraction.arm_count == 2 and Value.objects.get(field=fields["n"], arm=1).note == "Table 1"
    refused = client.post(page, {**post, "arm_count": "2", "action": "submit"}).content.decode()
    assert "Treatment: required (arm 2)" in refused
    post[f"v-{fields['treatment'].pk}-2"] = "azathioprine"
    post[f"v-{fields['n'].pk}-2"] = "12"
    response = client.post(page, {**post, "arm_count": "2", "action": "submit"})
    assert response.status_code == 302
    extraction.refresh_from_db()
    assert extraction.is_submitted


def test_conflicts_show_both_values_and_resolve_once(client, team, conflict):
    Value.objects.filter(field=conflict.field, extraction__slot=2).update(note="Figure 2, read off the graph")
    client.force_login(team.personas.adjudicator)
    page = client.get(url("conflicts", team)).content.decode()
    assert "0.2" in page and "0.4" in page and "Figure 2, read off the graph" in page
    client.post(url("resolve", team, consensus_id=conflict.pk), {"choice": "other", "value": "0.3", "note": "text"})
    conflict.refresh_from_db()
    assert (conflict.value, conflict.status) == ("0.3", ConsensusStatus.RESOLVED)
    again = client.post(url("resolve", team, consensus_id=conflict.pk), {"choice": "1"}, follow=True)
    assert "already settled by adjudicator" in again.content.decode()


def test_conflicts_of_a_study_the_lead_extracted_are_left_to_the_adjudicator(client, team, conflict):
    other = team.studies[1]
    team.submit(other, 1, dose="9 mg/kg")
    team.submit(other, 2)
    assert {e.extractor for e in other.extractions.all()} == {team.second, team.personas.lead}
    client.force_login(team.personas.adjudicator)
    page = client.get(url("conflicts", team)).content.decode()
    assert "Study 0 2020" in page and "Study 1 2020" in page
    client.force_login(team.personas.lead)
    page = client.get(url("conflicts", team)).content.decode()
    assert "Study 0 2020" not in page and "Study 1 2020" not in page
    assert url("resolve", team, consensus_id=conflict.pk) not in page
    assert "Conflicts to resolve</a> (0)" in client.get(url("overview", team)).content.decode()
    refused = client.post(url("resolve", team, consensus_id=conflict.pk), {"choice": "1"}, follow=True)
    assert "Not done: you extracted this study, so another lead or adjudicator settles its conflicts." in (
        refused.content.decode()
    )
    conflict.refresh_from_db()
    assert conflict.status == ConsensusStatus.CONFLICT


def test_the_conflicts_page_tells_an_extractor_who_is_the_only_one_left(client, team, conflict):
    team.review.memberships.filter(user=team.personas.adjudicator).delete()
    client.force_login(team.personas.lead)
    page = client.get(url("conflicts", team)).content.decode()
    assert "You extracted this study. No other lead or adjudicator who did not extract it is in the team" in page
    client.post(url("resolve", team, consensus_id=conflict.pk), {"choice": "2"})
    conflict.refresh_from_db()
    assert (conflict.status, conflict.value) == (ConsensusStatus.RESOLVED, "0.4")


def test_conflicts_page_and_export_take_a_constant_number_of_queries(client, personas, django_assert_num_queries):
    team = Team(personas, studies=3)
    for study in team.studies:
        team.submit(study, 1, arr_after_mean="0.2", dose="x")
        team.submit(study, 2, arr_after_mean="0.4")
    client.force_login(personas.lead)
    # session, user, membership, adjudicators, extractors of the lead's studies, count, page, both values
    with django_assert_num_queries(8):
        client.get(url("conflicts", team))
    with django_assert_num_queries(5):  # session, user, membership, fields, consensus
        client.get(url("export", team, file_format="csv"))


def test_consensus_exports(client, team):
    for study in team.studies:
        team.submit(study, 1, arms=2)
        team.submit(study, 2, arms=2)
    client.force_login(team.personas.viewer)
    rows = list(
        csv.DictReader(io.StringIO(client.get(url("export", team, file_format="csv")).content.decode("utf-8-sig")))
    )
    assert len(rows) == 4 and {row["arm"] for row in rows} == {"1", "2"}
    assert rows[0]["country"] == "China" and rows[0]["n"] == "20" and rows[0]["arr_before_mean"] == "1.5"
    data = json.loads(client.get(url("export", team, file_format="json")).content)
    assert data[0]["treatment"] == "tocilizumab"
    xlsx = client.get(url("export", team, file_format="xlsx"))
    assert xlsx.content[:2] == b"PK"


def complete_and_lock(team):
    for study in team.studies:
        team.submit(study, 1)
        team.submit(study, 2)
    services.lock(review=team.review, user=team.personas.lead)


def test_lock_and_unlock_from_the_overview(client, team):
    client.force_login(team.personas.lead)
    refused = client.post(url("lock", team), follow=True).content.decode()
    assert "2 of 2 studies still wait" in refused
    complete_and_lock(team)
    assert "The extraction is locked" in client.get(url("overview", team)).content.decode()
    refused = client.post(url("unlock", team), {"reason": ""}, follow=True).content.decode()
    assert "Say why the extraction is unlocked." in refused and services.is_locked(team.review)
    client.post(url("unlock", team), {"reason": "Erratum published"})
    assert not services.is_locked(team.review)


def test_the_lead_gives_a_stuck_draft_to_another_extractor_from_the_overview(client, team):
    """The reviewer saved a draft of study 0 and was then made a viewer: the overview offers the lead to give it to
    someone who does not extract the study yet, and no longer offers the drafts of people who still extract."""
    stuck = team.extraction(team.studies[0], 2)
    started = team.extraction(team.studies[1], 1)
    team.submit(team.studies[0], 2, submit=False)
    team.submit(team.studies[1], 1, submit=False)
    team.review.memberships.filter(user=stuck.extractor).update(role="viewer")
    client.force_login(team.personas.lead)
    page = client.get(url("overview", team)).content.decode()
    assert "may no longer extract: giving the draft to someone else sets its values aside" in page
    assert url("reassign", team, extraction_id=stuck.pk) in page
    assert url("reassign", team, extraction_id=started.pk) not in page
    assert f'<option value="{team.second.pk}">reviewer2</option>' in page
    done = client.post(url("reassign", team, extraction_id=stuck.pk), {"extractor": team.second.pk}, follow=True)
    assert "Given to reviewer2." in done.content.decode()
    stuck.refresh_from_db()
    assert stuck.extractor == team.second and not stuck.values.exists()
    client.force_login(team.personas.reviewer)
    assert "Give to someone else" not in client.get(url("overview", team)).content.decode()


def test_admin_edit_and_import_are_refused_when_locked(client, team):
    complete_and_lock(team)
    staff = make_user("staff", is_staff=True, is_superuser=True)
    client.force_login(staff)
    section = Section.objects.filter(review=team.review).first()
    change = reverse("admin:extraction_section_change", args=[section.pk])
    data = {"review": section.review_id, "form": section.form_id, "title": "Renamed", "position": section.position}
    page = client.post(change, data, follow=True)
    assert "extraction of this review is locked" in page.content.decode()
    section.refresh_from_db()
    assert section.title != "Renamed"
    for resource, model in ((ValueResource(), Value), (ConsensusResource(), Consensus)):
        dataset = tablib.Dataset()
        dataset.csv = resource.export(queryset=model.objects.all()[:1]).csv.replace(",20,", ",21,")
        before = list(model.objects.values_list("pk", "value"))
        result = resource.import_data(dataset, dry_run=False, raise_errors=False, use_transactions=True)
        assert result.has_errors() and "locked" in str(result.row_errors()[0][1][0].error)
        assert list(model.objects.values_list("pk", "value")) == before


def test_form_builder_adds_edits_and_retires_fields(client, team):
    client.force_login(team.personas.lead)
    section = team.fields["n"].section
    refused = client.post(
        url("field_add", team),
        {"section": section.pk, "key": "relapse_type", "label": "Type", "field_type": "choice", "tolerance": 0},
    )
    assert refused.status_code == 400 and "needs at least one option" in refused.content.decode()
    client.post(
        url("field_add", team),
        {
            "section": section.pk,
            "key": "relapse_type",
            "label": "Type",
            "field_type": "choice",
            "choices": "optic neuritis\nmyelitis",
            "tolerance": 0,
        },
    )
    field = team.review.extraction_fields.get(key="relapse_type")
    assert field.choices == ["optic neuritis", "myelitis"]
    client.post(url("field_retire", team, field_id=field.pk))
    field.refresh_from_db()
    assert field.retired
    assert "relapse_type" in client.get(url("form", team)).content.decode()


def test_a_new_field_form_offers_empty_settings_and_stores_exactly_what_was_typed(client, team):
    client.force_login(team.personas.lead)
    page = client.get(url("field_add", team))
    form = page.context["form"]
    assert form["choices"].value() == "" and form["sum_of"].value() == ""
    assert "[]" not in page.content.decode()
    # What a browser sends back untouched: every offered value, unticked boxes and empty numbers left out.
    posted = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False, "")}
    posted["tolerance"] = form["tolerance"].value()
    posted |= {"section": team.fields["n"].section.pk, "key": "visits", "label": "Visits", "field_type": "integer"}
    saved = client.post(url("field_add", team), posted)
    assert saved.status_code == 302, saved.context["form"].errors
    field = team.review.extraction_fields.get(key="visits")
    assert field.choices == [] and field.sum_of == []


def test_the_extraction_page_refuses_changes_when_locked(client, personas):
    team = Team(personas, studies=1)
    study = team.studies[0]
    team.submit(study, 1, submit=False)
    draft = team.extraction(study, 1)
    # services.lock() needs every study complete; set the lock itself to test a draft left open.
    ExtractionLock.objects.filter(review=team.review).update(locked=True)
    client.force_login(draft.extractor)
    page = url("extract", team, extraction_id=draft.pk)
    assert "Submit" not in client.get(page).content.decode()
    refused = client.post(
        page, {"arm_count": "1", "action": "save", f"v-{team.fields['country'].pk}-0": "Peru"}, follow=True
    )
    assert "extraction of this review is locked" in refused.content.decode()
    assert Value.objects.get(extraction=draft, field=team.fields["country"]).value == "China"
