"""Upgrading an installation across the move of the identification stage out of the reviews app loses nothing.

The database is taken back to the schema before the move (reviews 0006, screening 0003), filled with the
historical models of that time (a review, its searches, an import, records one of which is a merged duplicate,
a possible pair, votes, a resolution, a report filed under a study, and the admin's permissions and log entries
on the records' content type), and migrated forward. Every row comes back under the new app with its ids and
links, and new rows get ids after the old ones. Runs on SQLite and on PostgreSQL (DATABASE_URL)."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from identification.models import CandidateStatus, DuplicateCandidate, Record, RecordImport, Search
from screening.models import Report, Resolution, Vote, VoteEvent

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_THE_MOVE = [
    ("reviews", "0006_record_unique_by_import_index"),
    ("screening", "0003_vote_event_exclusion_reason"),
    ("identification", None),
]
MOVED = ("search", "recordimport", "record", "duplicatecandidate")


def migrate(targets):
    """Migrate to these nodes; the historical apps there (other apps as they are now)."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    named = {app for app, _ in targets}
    # Each other app at its last applied migration: one that needs a later schema (a new stage's first migration,
    # say) was unapplied with it.
    applied = set(executor.loader.applied_migrations)
    graph = executor.loader.graph
    others = [
        node
        for node in applied
        if node[0] not in named
        and not any(child in applied and child[0] == node[0] for child in graph.node_map[node].children)
    ]
    return executor.loader.project_state([*others, *(node for node in targets if node[1] is not None)]).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.fixture
def old_schema():
    """The apps of the schema before the move; the database is migrated to the latest schema again afterwards, even
    when the test fails, so later tests find the tables they expect."""
    try:
        yield migrate(BEFORE_THE_MOVE)
    finally:
        migrate(latest())
        ContentType.objects.clear_cache()


def fill(apps):
    """Rows of every moved model and of every model pointing at them, written with the historical models."""
    User = apps.get_model("auth", "User")
    lead = User.objects.create(username="lead", is_staff=True)
    reviewer = User.objects.create(username="reviewer")
    review = apps.get_model("reviews", "Review").objects.create(title="Before the move", created_by=lead)
    reason = apps.get_model("reviews", "ExclusionReason").objects.create(review=review, label="Wrong population")
    search = apps.get_model("reviews", "Search").objects.create(
        review=review, source="PubMed", date_searched=datetime.date(2026, 1, 2), created_by=lead
    )
    record_import = apps.get_model("reviews", "RecordImport").objects.create(
        review=review,
        search=search,
        upload="imports/2026/01/pubmed.ris",
        file_name="pubmed.ris",
        status="done",
        record_count=3,
        merged_count=1,
        created_by=lead,
    )
    Record = apps.get_model("reviews", "Record")
    primary = Record.objects.create(
        review=review,
        source_import=record_import,
        position=1,
        title="Tocilizumab in NMOSD",
        authors=["Zhang C"],
        year=2020,
        doi="10.1/x",
        merged={"title": "Tocilizumab in NMOSD", "year": 2020},
    )
    duplicate = Record.objects.create(
        review=review, source_import=record_import, position=2, title="TOCILIZUMAB IN NMOSD", duplicate_of=primary
    )
    other = Record.objects.create(review=review, source_import=record_import, position=3, title="Azathioprine")
    candidate = apps.get_model("reviews", "DuplicateCandidate").objects.create(
        review=review,
        first=primary,
        second=other,
        score=0.7,
        reasons="title",
        status="distinct",
        decided_by=lead,
        decided_at=timezone.now(),
    )
    Vote = apps.get_model("screening", "Vote")
    vote = Vote.objects.create(
        review=review, record=other, stage="full_text", reviewer=reviewer, decision="exclude", exclusion_reason=reason
    )
    apps.get_model("screening", "VoteEvent").objects.create(vote=vote, decision="exclude", exclusion_reason=reason)
    resolution = apps.get_model("screening", "Resolution").objects.create(
        review=review, record=primary, stage="title_abstract", decision="include", method="agreement"
    )
    study = apps.get_model("screening", "Study").objects.create(review=review, label="Zhang 2020")
    report = apps.get_model("screening", "Report").objects.create(
        review=review, record=primary, link="https://example.org/zhang", study=study, updated_by=lead
    )
    ContentType = apps.get_model("contenttypes", "ContentType")
    record_type, _ = ContentType.objects.get_or_create(app_label="reviews", model="record")
    permission, _ = Permission.objects.get_or_create(
        content_type_id=record_type.pk, codename="view_record", defaults={"name": "Can view record"}
    )
    apps.get_model("auth", "User").user_permissions.through.objects.create(user_id=lead.pk, permission_id=permission.pk)
    log = LogEntry.objects.create(
        user_id=lead.pk,
        content_type_id=record_type.pk,
        object_id=str(primary.pk),
        object_repr="Tocilizumab",
        action_flag=2,
    )
    return {
        "search": search.pk,
        "import": record_import.pk,
        "records": {"primary": primary.pk, "duplicate": duplicate.pk, "other": other.pk},
        "candidate": candidate.pk,
        "vote": vote.pk,
        "resolution": resolution.pk,
        "report": report.pk,
        "record type": record_type.pk,
        "permission": permission.pk,
        "log": log.pk,
        "lead": lead.pk,
    }


def test_every_row_and_link_survives_the_move_to_the_identification_app(old_schema):
    before = fill(old_schema)

    migrate(latest())
    ContentType.objects.clear_cache()

    records = before["records"]
    primary = Record.objects.get(pk=records["primary"])
    assert primary.title == "Tocilizumab in NMOSD" and primary.authors == ["Zhang C"] and primary.year == 2020
    assert primary.shown.year == 2020 and primary.duplicate_of is None
    assert Record.objects.get(pk=records["duplicate"]).duplicate_of == primary
    assert list(primary.duplicates.all()) == [Record.objects.get(pk=records["duplicate"])]
    record_import = RecordImport.objects.get(pk=before["import"])
    assert record_import.search == Search.objects.get(pk=before["search"]) and record_import.record_count == 3
    assert set(record_import.records.values_list("pk", flat=True)) == set(records.values())
    candidate = DuplicateCandidate.objects.get(pk=before["candidate"])
    assert (candidate.first_id, candidate.second_id, candidate.status) == (
        records["primary"],
        records["other"],
        CandidateStatus.DISTINCT,
    )
    vote = Vote.objects.get(pk=before["vote"])
    assert vote.record_id == records["other"] and vote.exclusion_reason.label == "Wrong population"
    event = VoteEvent.objects.get(vote=vote)
    assert event.decision == "exclude"
    # Copied from its vote (screening 0006), so it outlives the vote if withdrawn.
    assert (event.record_id, event.stage, event.reviewer_id) == (vote.record_id, vote.stage, vote.reviewer_id)
    assert Resolution.objects.get(pk=before["resolution"]).record == primary
    report = Report.objects.get(pk=before["report"])
    assert report.record == primary and report.study.label == "Zhang 2020" and primary.report == report

    # The content type moved with the model, so the admin's permissions and history stay attached to it.
    record_type = ContentType.objects.get_for_model(Record)
    assert record_type.pk == before["record type"] and record_type.app_label == "identification"
    assert not ContentType.objects.filter(app_label="reviews", model__in=MOVED).exists()
    assert Permission.objects.get(pk=before["permission"]).content_type == record_type
    lead = type(primary.review.created_by).objects.get(pk=before["lead"])
    assert lead.has_perm("identification.view_record")
    assert LogEntry.objects.get(pk=before["log"]).get_edited_object() == primary

    # New rows get ids after the old ones (PostgreSQL's sequences came along with the tables).
    newcomer = Record.objects.create(review=primary.review, source_import=record_import, position=4, title="New")
    assert newcomer.pk > max(records.values())


def test_the_move_can_be_undone(old_schema):
    """Migrating back to before the move gives the old tables their rows back (a rollback of a failed upgrade)."""
    fill(old_schema)
    migrate(latest())
    old_apps = migrate(BEFORE_THE_MOVE)
    assert old_apps.get_model("reviews", "Record").objects.count() == 3
    assert old_apps.get_model("screening", "Vote").objects.get().record.title == "Azathioprine"
    assert (
        old_apps.get_model("contenttypes", "ContentType").objects.filter(app_label="reviews", model="record").exists()
    )
