"""Dual extraction: form, assignment, checks, comparison, conflicts, lock, unlock and the audit trail."""

import contextlib
import threading

import pytest
from django.db import connection

from analysis.models import AnalysisRun
from extraction import locking, services
from extraction.locking import ExtractionLocked
from extraction.models import AuditAction, AuditEvent, Consensus, ConsensusStatus, Extraction, FormField, Value
from extraction.template import load
from reviews.models import Role
from reviews.services import change_role, remove_member
from tests.extraction.helpers import Team

pytestmark = pytest.mark.django_db


def test_the_nmosd_template_fills_an_empty_form_once(team):
    assert len(team.fields) == 43
    assert team.fields["n"].per_arm and team.fields["n"].sum_of == ["women", "men"]
    assert team.fields["treatment"].choices == ["azathioprine", "tocilizumab", "other"]
    with pytest.raises(services.ExtractionError, match="already has fields"):
        services.apply_template(review=team.review, user=team.personas.lead, template=load("nmosd"))


def test_assignment_is_balanced_and_never_gives_one_study_twice_to_one_person(personas):
    team = Team(personas, studies=3)
    extractions = Extraction.objects.filter(review=team.review)
    assert extractions.count() == 6
    per_person = sorted(extractions.values_list("extractor__username", flat=True))
    assert per_person == ["lead", "lead", "reviewer", "reviewer", "reviewer2", "reviewer2"]
    for study in team.studies:
        assert study.extractions.values("extractor").distinct().count() == 2
    assert services.assign_automatically(review=team.review, user=personas.lead) == 0


def test_reassigning_only_before_the_extractor_starts(team):
    extraction = team.extraction(team.studies[0], 1)
    other = team.second if extraction.extractor != team.second else team.personas.reviewer
    partner = team.extraction(team.studies[0], 2).extractor
    if other == partner:
        other = team.personas.lead
    services.reassign(review=team.review, user=team.personas.lead, extraction_id=extraction.pk, extractor=other)
    team.submit(team.studies[0], 1, submit=False)
    with pytest.raises(services.ExtractionError, match="already started"):
        services.reassign(
            review=team.review, user=team.personas.lead, extraction_id=extraction.pk, extractor=team.personas.lead
        )


def _demoted_reviewers_draft(team):
    """Study 0's second extraction (the reviewer's) saved as a draft, with a note, before the reviewer was made a
    viewer."""
    study = team.studies[0]
    extraction = team.extraction(study, 2)
    assert extraction.extractor == team.personas.reviewer
    entries = team.entries(arms=2, country="Japan")
    entries[team.fields["dose"].pk, 1] = ("8 mg/kg", "Table 1")
    services.save_extraction(
        review=team.review,
        extraction_id=extraction.pk,
        user=extraction.extractor,
        entries=entries,
        arm_count=2,
        submit=False,
    )
    membership = team.review.memberships.get(user=team.personas.reviewer)
    change_role(membership=membership, role=Role.VIEWER, by=team.personas.lead)
    return extraction


def test_a_draft_whose_extractor_was_demoted_goes_to_another_extractor_with_its_values_in_the_trail(team):
    extraction = _demoted_reviewers_draft(team)
    drafted = sorted(extraction.values.values_list("field_id", "arm", "value"))
    services.reassign(review=team.review, user=team.personas.lead, extraction_id=extraction.pk, extractor=team.second)
    extraction.refresh_from_db()
    assert (extraction.extractor, extraction.status, extraction.arm_count) == (team.second, "draft", 1)
    assert not extraction.values.exists(), "the new extractor starts from an empty form"
    events = AuditEvent.objects.filter(study=team.studies[0], user=team.personas.lead)
    assigned = events.get(action=AuditAction.ASSIGNED, old_value="reviewer")
    assert (assigned.new_value, assigned.note) == ("reviewer2", f"{len(drafted)} drafted values set aside")
    set_aside = sorted(events.filter(action=AuditAction.CHANGED).values_list("field_id", "arm", "old_value"))
    assert set_aside == drafted
    dose = events.get(action=AuditAction.CHANGED, field=team.fields["dose"])
    assert dose.note == "set aside when reviewer's draft was given to reviewer2; note was: Table 1"
    assert AuditEvent.objects.filter(action=AuditAction.ENTERED, user=team.personas.reviewer).count() == len(drafted)
    team.submit(team.studies[0], 1)
    team.submit(team.studies[0], 2)
    assert Consensus.objects.filter(study=team.studies[0]).exists(), "the study is no longer stuck"


def test_a_started_or_submitted_extraction_stays_with_its_extractor(team):
    extraction = _demoted_reviewers_draft(team)
    partner = team.extraction(team.studies[0], 1)
    team.submit(team.studies[0], 1, submit=False)
    with pytest.raises(services.ExtractionError, match="lead has already started"):
        services.reassign(review=team.review, user=team.personas.lead, extraction_id=partner.pk, extractor=team.second)
    with pytest.raises(services.ExtractionError, match="lead already extracts this study"):
        services.reassign(
            review=team.review, user=team.personas.lead, extraction_id=extraction.pk, extractor=team.personas.lead
        )
    with pytest.raises(services.ExtractionError, match="viewer is not a lead or reviewer"):
        services.reassign(
            review=team.review, user=team.personas.lead, extraction_id=extraction.pk, extractor=team.personas.viewer
        )
    assert extraction.values.exists(), "a refused reassignment sets nothing aside"
    other = team.extraction(team.studies[1], 1)
    team.submit(team.studies[1], 1)
    team.review.memberships.filter(user=other.extractor).update(role=Role.VIEWER)
    with pytest.raises(services.ExtractionError, match="already submitted"):
        services.reassign(
            review=team.review, user=team.personas.lead, extraction_id=other.pk, extractor=team.personas.reviewer
        )


def test_submission_checks_types_ranges_required_fields_and_sums(team):
    study = team.studies[0]
    found = team.submit(study, 1, n="21", arr_before_sd="0", country="", age_mean="abc", follow_up_months="-2")
    assert "Patients (n) (arm 1): 21 is not Women + Men (18 + 2 = 20)" in found
    assert "ARR before treatment: SD: must be above 0, not 0 (arm 1)" in found
    assert "Country: required" in found
    assert "Age: mean: 'abc' is not a number (arm 1)" in found
    assert "Follow-up: must be above 0, not -2" in found
    extraction = team.extraction(study, 1)
    assert extraction.status == "draft" and extraction.values.get(field=team.fields["n"]).value == "21"
    assert team.submit(study, 1) == []
    extraction.refresh_from_db()
    assert extraction.status == "submitted"
    with pytest.raises(services.ExtractionError, match="submitted"):
        team.submit(study, 1)


def test_nobody_saves_into_someone_elses_extraction(team):
    extraction = team.extraction(team.studies[0], 1)
    intruder = team.personas.reviewer if extraction.extractor != team.personas.reviewer else team.personas.lead
    with pytest.raises(services.ExtractionError, match="not your extraction"):
        services.save_extraction(
            review=team.review, extraction_id=extraction.pk, user=intruder, entries={}, arm_count=1, submit=False
        )


def test_values_agree_after_normalisation_and_within_tolerance(team):
    study = team.studies[0]
    team.submit(study, 1, arr_before_mean="1,5", country="China ", treatment="Tocilizumab", age_mean="35.02")
    team.submit(
        study,
        2,
        arr_before_mean="1.50",
        country="china",
        treatment="tocilizumab",
        age_mean="35.06",
        dose="8 mg/kg",
        arr_after_mean="0.25",
    )
    cells = {(c.field.key, c.arm): c for c in Consensus.objects.filter(study=study).select_related("field")}
    assert cells["arr_before_mean", 1].status == ConsensusStatus.AGREED and cells["arr_before_mean", 1].value == "1.5"
    assert cells["treatment", 1].value == "tocilizumab" and cells["country", 0].status == ConsensusStatus.AGREED
    assert cells["age_mean", 1].status == ConsensusStatus.AGREED, "0.04 apart, tolerance 0.05"
    assert cells["dose", 1].status == ConsensusStatus.CONFLICT, "one empty, one filled"
    assert cells["arr_after_mean", 1].status == ConsensusStatus.CONFLICT, "0.05 apart, tolerance 0.01"
    assert len(cells) == 43


def test_different_arm_counts_surface_as_conflicts(team):
    study = team.studies[0]
    team.submit(study, 1, arms=2)
    team.submit(study, 2, arms=1)
    second_arm = Consensus.objects.filter(study=study, arm=2)
    assert second_arm.filter(status=ConsensusStatus.CONFLICT, field__key="treatment").exists()


def test_a_conflict_is_settled_once(team, conflict):
    with pytest.raises(services.ExtractionError, match="at most 20"):
        services.resolve(
            review=team.review, consensus_id=conflict.pk, user=team.personas.adjudicator, choice="other", value="25"
        )
    cell = services.resolve(
        review=team.review,
        consensus_id=conflict.pk,
        user=team.personas.adjudicator,
        choice="2",
        note="Table 2 says 0.4",
    )
    assert (cell.value, cell.status, cell.resolved_by) == ("0.4", ConsensusStatus.RESOLVED, team.personas.adjudicator)
    with pytest.raises(services.ExtractionError, match="already settled by adjudicator: '0.4'"):
        services.resolve(review=team.review, consensus_id=conflict.pk, user=team.personas.adjudicator, choice="1")


def test_a_lead_who_extracted_the_study_leaves_its_conflicts_to_the_adjudicator(team, conflict):
    """The lead extracted study 0: while the adjudicator, who did not, is in the team, the lead is refused before
    being told anything of the cell (the same refusal whether it is open or settled)."""
    lead, adjudicator = team.personas.lead, team.personas.adjudicator
    assert team.extraction(team.studies[0], 1).extractor == lead
    refusal = "you extracted this study, so another lead or adjudicator settles its conflicts"
    with pytest.raises(services.ExtractionError, match=refusal):
        services.resolve(review=team.review, consensus_id=conflict.pk, user=lead, choice="1")
    assert services.own_studies(team.review, lead) == ({team.studies[0].pk, team.studies[1].pk}, set())
    services.resolve(review=team.review, consensus_id=conflict.pk, user=adjudicator, choice="2")
    with pytest.raises(services.ExtractionError, match=refusal):
        services.resolve(review=team.review, consensus_id=conflict.pk, user=lead, choice="1")


def test_an_extractor_who_is_the_only_one_left_settles_their_studys_conflicts(team, conflict):
    lead = team.personas.lead
    remove_member(membership=team.review.memberships.get(user=team.personas.adjudicator), by=lead)
    assert services.own_studies(team.review, lead) == (set(), {team.studies[0].pk, team.studies[1].pk})
    cell = services.resolve(review=team.review, consensus_id=conflict.pk, user=lead, choice="1")
    assert (cell.status, cell.resolved_by) == (ConsensusStatus.RESOLVED, lead)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_resolutions_one_wins(personas):
    team = Team(personas)
    study = team.studies[0]
    team.submit(study, 1, arr_after_mean="0.2")
    team.submit(study, 2, arr_after_mean="0.4")
    cell = Consensus.objects.get(study=study, status=ConsensusStatus.CONFLICT)
    outcomes, barrier = [], threading.Barrier(8)

    def settle(choice):
        barrier.wait()
        try:
            services.resolve(review=team.review, consensus_id=cell.pk, user=personas.adjudicator, choice=choice)
            outcomes.append("won")
        except services.ExtractionError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=settle, args=("1" if i % 2 else "2",)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused"] * 7 + ["won"]
    assert AuditEvent.objects.filter(action=AuditAction.RESOLVED).count() == 1


def _role_check_locking_the_membership_only(*, review, user, roles):
    from reviews.models import Membership

    membership = Membership.objects.select_for_update().filter(review=review, user_id=user.pk).order_by().first()
    assert membership is not None and membership.role in roles
    return membership


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("other_locks", ["as deployed", "taken away"])
def test_both_extractors_submitting_at_once_still_compare_the_study(personas, monkeypatch, other_locks):
    """Each submission pauses just before it compares the pair, so that the two overlap as widely as they can.
    Unless the pair is locked first, each sees the other as a draft and the study never gets its consensus. Two
    locks taken earlier for other reasons serialise the submissions as deployed (the role check's query joins the
    review row, and the lock guard locks the review's ExtractionLock row); "taken away" shows that the comparison
    does not rest on them."""
    if other_locks == "taken away":
        monkeypatch.setattr(services, "require_role", _role_check_locking_the_membership_only)
        monkeypatch.setattr(locking, "ensure_unlocked", lambda *review_ids: None)
    team = Team(personas)
    study = team.studies[0]
    pause, compare = threading.Barrier(2), services._compare_if_complete

    def compare_once_both_submitted(review, study_id):
        # The second to arrive finds the barrier broken when the other submission waited for its locks, as it should.
        with contextlib.suppress(threading.BrokenBarrierError):
            pause.wait(timeout=2)
        compare(review, study_id)

    monkeypatch.setattr(services, "_compare_if_complete", compare_once_both_submitted)
    errors = []

    def submit(slot):
        try:
            team.submit(study, slot, arr_after_mean=f"0.{slot}")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(slot,)) for slot in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Extraction.objects.filter(study=study, status="submitted").count() == 2
    assert Consensus.objects.filter(study=study, status=ConsensusStatus.CONFLICT).count() == 1
    assert AuditEvent.objects.filter(study=study, action=AuditAction.AGREED).count() == 1


def complete(team):
    for study in team.studies:
        team.submit(study, 1)
        team.submit(study, 2)


def test_lock_waits_for_every_study_and_conflict(team, conflict):
    with pytest.raises(services.ExtractionError, match="1 of 2 studies still waits.*1 conflicting value is not"):
        services.lock(review=team.review, user=team.personas.lead)


@pytest.fixture
def locked(team):
    complete(team)
    services.lock(review=team.review, user=team.personas.lead)
    return team


WRITE_PATHS = {
    "model save": lambda t: Value.objects.first().save(),
    "model delete": lambda t: Value.objects.first().delete(),
    "queryset update": lambda t: Value.objects.filter(review=t.review).update(value="9"),
    "queryset delete": lambda t: Consensus.objects.filter(review=t.review).delete(),
    "bulk_update": lambda t: Value.objects.bulk_update(list(Value.objects.all()[:3]), ["value"]),
    "bulk_create": lambda t: Value.objects.bulk_create(
        [Value(review=t.review, extraction=Extraction.objects.first(), field=t.fields["dose"], arm=5)]
    ),
    "consensus save": lambda t: Consensus.objects.first().save(),
    "form field save": lambda t: FormField.objects.first().save(),
    "service: new field": lambda t: services.save_field(
        review=t.review,
        user=t.personas.lead,
        field=FormField(section=FormField.objects.first().section, key="extra", label="Extra"),
    ),
    "service: retire field": lambda t: services.retire_field(
        review=t.review, user=t.personas.lead, field_id=t.fields["dose"].pk
    ),
}


@pytest.mark.parametrize("path", sorted(WRITE_PATHS))
def test_locked_data_cannot_change_by_any_path(locked, path):
    before = sorted(Value.objects.values_list("pk", "value")), sorted(Consensus.objects.values_list("pk", "value"))
    with pytest.raises((ExtractionLocked, services.ExtractionError)):
        WRITE_PATHS[path](locked)
    after = sorted(Value.objects.values_list("pk", "value")), sorted(Consensus.objects.values_list("pk", "value"))
    assert before == after


def test_a_new_study_cannot_be_assigned_while_locked(locked):
    from screening.models import Study

    Study.objects.create(review=locked.review, label="Late study 2021")
    with pytest.raises(ExtractionLocked):
        services.assign_automatically(review=locked.review, user=locked.personas.lead)


def test_unlocking_needs_a_reason_and_marks_analyses_stale(locked):
    run = AnalysisRun.objects.create(review=locked.review, data_fingerprint="x" * 64, created_by=locked.personas.lead)
    with pytest.raises(services.ExtractionError, match="say why"):
        services.unlock(review=locked.review, user=locked.personas.lead, reason=" ")
    services.unlock(review=locked.review, user=locked.personas.lead, reason="Erratum for Study 0")
    run.refresh_from_db()
    assert run.stale and run.stale_reason == "Extraction unlocked by lead: Erratum for Study 0"
    Value.objects.filter(review=locked.review).update(note="fixed")  # writes work again


def test_the_audit_trail_records_every_step(team, conflict):
    services.resolve(review=team.review, consensus_id=conflict.pk, user=team.personas.adjudicator, choice="1")
    actions = list(AuditEvent.objects.filter(study=team.studies[0]).values_list("action", flat=True))
    for action in ("assigned", "entered", "submitted", "agreed", "conflict", "resolved"):
        assert action in actions
    change = team.studies[1]
    team.submit(change, 1, submit=False, country="Japan")
    team.submit(change, 1, submit=False, country="Korea")
    changed = AuditEvent.objects.get(study=change, action=AuditAction.CHANGED)
    assert (changed.old_value, changed.new_value, changed.user) == (
        "Japan",
        "Korea",
        team.extraction(change, 1).extractor,
    )


def test_changing_the_form_after_extraction_started_keeps_values_and_raises_the_version(team):
    team.submit(team.studies[0], 1, submit=False, dose="8 mg/kg")
    services.retire_field(review=team.review, user=team.personas.lead, field_id=team.fields["dose"].pk)
    assert team.review.extraction_form.__class__.objects.get(review=team.review).version == 2
    assert Value.objects.get(field=team.fields["dose"]).value == "8 mg/kg"
    assert team.fields["dose"] not in services.active_fields(team.review)
