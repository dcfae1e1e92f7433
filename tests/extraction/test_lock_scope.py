"""Everything the locked consensus export and the analysis read is covered by the lock: study labels, which reports a
study is made of, the form's sections and fields, the consensus values; on every write path (a model's save and
delete, a queryset's update and delete, bulk operations, the admin, the pages)."""

import pytest
from django.urls import reverse

from analysis.outcomes import locked_data
from extraction import services
from extraction.locking import ExtractionLocked
from extraction.models import Consensus, FormField, Section
from screening.models import Report, Study
from screening.services import fulltext
from tests.factories import make_import, make_user, ris

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked(personas):
    """The full-text study extracted twice, its conflict resolved, the extraction locked."""
    setup = personas.extraction()
    services.resolve(review=personas.review, consensus_id=setup.conflict.pk, user=personas.adjudicator, choice="1")
    services.lock(review=personas.review, user=personas.lead)
    setup.review, setup.personas = personas.review, personas
    return setup


def shown(review):
    """What the locked data shows: the consensus export's table and the fingerprint analyses record."""
    data, fingerprint = locked_data(review)
    return data.to_csv(), fingerprint, sorted(Report.objects.values_list("pk", "study_id", "pdf", "link"))


def _other_study(s):
    return Study.objects.create(review=s.review, label="Other 2019")


def _report(s):
    return s.study.reports.get()


def _new_record(s):
    return make_import(s.review, s.personas.lead, ris({"TI": "Second report of the study"})).records.get()


def _renamed(study):
    study.label = "Renamed 2020"
    study.save()


WRITE_PATHS = {
    "study: save": lambda s: _renamed(Study.objects.get(pk=s.study.pk)),
    "study: queryset update": lambda s: Study.objects.filter(pk=s.study.pk).update(label="Renamed 2020"),
    "study: bulk_update": lambda s: Study.objects.bulk_update([Study(pk=s.study.pk, label="Renamed")], ["label"]),
    "study: delete": lambda s: Study.objects.get(pk=s.study.pk).delete(),
    "study: queryset delete": lambda s: Study.objects.filter(review=s.review).delete(),
    "report: moved to another study": lambda s: Report.objects.filter(pk=_report(s).pk).update(study=_other_study(s)),
    "report: another report joins the study": lambda s: Report.objects.create(
        review=s.review, record=_new_record(s), study=s.study, updated_by=s.personas.lead
    ),
    "report: changed": lambda s: Report.objects.bulk_update(
        [Report(pk=_report(s).pk, link="https://example.org/other")], ["link"]
    ),
    "report: deleted": lambda s: _report(s).delete(),
    "section: renamed": lambda s: Section.objects.filter(review=s.review).update(title="Renamed"),
    "field: key changed": lambda s: FormField.objects.filter(pk=s.field.pk).update(key="renamed"),
    "field: moved to another review": lambda s: FormField.objects.filter(pk=s.field.pk).update(
        review=s.personas.other_review
    ),
    "consensus: changed": lambda s: Consensus.objects.filter(review=s.review).update(value="9"),
    "service: report linked to a new study": lambda s: fulltext.link_to_study(
        review=s.review, record_id=_report(s).record_id, user=s.personas.lead, new_label="Split 2021"
    ),
}


@pytest.mark.parametrize("path", sorted(WRITE_PATHS))
def test_what_the_locked_data_shows_cannot_change_by_any_path(locked, path):
    before = shown(locked.review)
    with pytest.raises(ExtractionLocked):
        WRITE_PATHS[path](locked)
    assert shown(locked.review) == before


def test_a_study_included_after_the_lock_can_still_be_named_and_filed(locked):
    late = Study.objects.create(review=locked.review, label="Late 2022")
    late.label = "Late 2022 (TANGO)"
    late.save()
    Study.objects.filter(pk=late.pk).update(label="Late 2022 (TANGO extension)")
    assert Study.objects.get(pk=late.pk).label == "Late 2022 (TANGO extension)"
    late.delete()


def test_unlocking_lets_the_study_be_renamed_again(locked):
    services.unlock(review=locked.review, user=locked.personas.lead, reason="Study renamed by its authors")
    Study.objects.filter(pk=locked.study.pk).update(label="TANGO 2020")
    assert locked_data(locked.review)[0]["study"].tolist() == ["TANGO 2020"]


def test_admin_rename_of_a_locked_study_is_refused_with_a_message(client, locked):
    client.force_login(make_user("staff", is_staff=True, is_superuser=True))
    before = shown(locked.review)
    page = client.post(
        reverse("admin:screening_study_change", args=[locked.study.pk]),
        {"review": locked.review.pk, "label": "Renamed 2020", "reports-TOTAL_FORMS": "0", "reports-INITIAL_FORMS": "0"},
        follow=True,
    )
    assert page.status_code == 200 and "extraction of this review is locked" in page.content.decode()
    assert shown(locked.review) == before


def test_relinking_a_locked_report_from_its_page_is_refused_with_a_message(client, locked):
    client.force_login(locked.personas.lead)
    record_id = _report(locked).record_id
    page = client.post(
        reverse("screening:report_study", kwargs={"review_id": locked.review.pk, "record_id": record_id}),
        {"new_label": "Split 2021"},
        follow=True,
    )
    assert page.status_code == 200 and "extraction of this review is locked" in page.content.decode()
    assert _report(locked).study_id == locked.study.pk
