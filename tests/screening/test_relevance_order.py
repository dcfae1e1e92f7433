"""Prioritised title/abstract screening in the app (issue 20): scores trained in the background on resolved records,
the queue ordered by them, the lead's page, and excluding the records left by a stated rule."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from reviews.access import RoleRefused
from reviews.backup import export_review, import_review
from reviews.models import Review
from screening import ranking, services
from screening.models import (
    AutomationExclusion,
    ModelStatus,
    Prioritisation,
    RelevanceScore,
    Resolution,
    ResolutionMethod,
    ScreeningRecord,
    Stage,
)
from screening.prioritisation import cache
from screening.prioritisation.model import features_for
from screening.prisma import count_flow
from tests.factories import make_import, ris
from tests.reviews.test_backup import empty_the_database

pytestmark = pytest.mark.django_db
TA = Stage.TITLE_ABSTRACT
RELEVANT = "Tocilizumab for neuromyelitis optica relapses: a randomised controlled trial"
IRRELEVANT = "Dietary fibre and colorectal cancer incidence in a cohort of nurses"


@pytest.fixture
def records(personas):
    """Twelve records in import order: irrelevant ones first, then relevant ones, alternating after the sixth."""
    titles = [f"{IRRELEVANT} ({i})" for i in range(6)] + [
        f"{RELEVANT} ({i})" if i % 2 else f"{IRRELEVANT} (late {i})" for i in range(6)
    ]
    make_import(personas.review, personas.lead, ris(*({"TI": title, "PY": "2020"} for title in titles)))
    return list(ScreeningRecord.objects.for_review(personas.review).screenable(TA).order_by("pk"))


def resolve(personas, record, decision):
    """Both reviewers agree: the record is resolved (the review needs two votes)."""
    for reviewer in (personas.lead, personas.reviewer):
        services.cast_vote(review=personas.review, record_id=record.pk, stage=TA, reviewer=reviewer, decision=decision)


def train(personas, records, django_capture_on_commit_callbacks):
    """Resolve one relevant and one irrelevant record, and retrain through the task as the lead's button does."""
    resolve(personas, records[7], "include")
    resolve(personas, records[0], "exclude")
    with django_capture_on_commit_callbacks(execute=True):
        ranking.request_retraining(review=personas.review, user=personas.lead)


def test_the_queue_shows_records_in_import_order_until_the_model_is_trained(personas, records):
    assert ScreeningRecord.objects.next_for(personas.lead, review=personas.review, stage=TA) == records[0]


def test_once_trained_the_queue_shows_the_most_relevant_records_first(
    personas, records, django_capture_on_commit_callbacks
):
    train(personas, records, django_capture_on_commit_callbacks)
    prioritisation = Prioritisation.objects.get(review=personas.review)
    assert prioritisation.status == ModelStatus.TRAINED and prioritisation.method == "model"
    assert (prioritisation.n_includes, prioritisation.n_excludes) == (1, 1)
    # Resolved records have no score; the relevant ones lead the queue, whatever their place in the import.
    assert not RelevanceScore.objects.filter(record__in=[records[0], records[7]]).exists()
    shown = []
    for _ in range(2):
        record = ScreeningRecord.objects.next_for(personas.lead, review=personas.review, stage=TA)
        shown.append(record)
        services.cast_vote(
            review=personas.review, record_id=record.pk, stage=TA, reviewer=personas.lead, decision="maybe"
        )
    assert {record.title for record in shown} == {f"{RELEVANT} (3)", f"{RELEVANT} (5)"}


def test_retraining_runs_as_a_task_after_every_n_resolutions(personas, records, django_capture_on_commit_callbacks):
    Prioritisation.objects.create(review=personas.review, retrain_every=3)
    with django_capture_on_commit_callbacks(execute=True):
        resolve(personas, records[7], "include")
        resolve(personas, records[0], "exclude")
    assert Prioritisation.objects.get().status == ModelStatus.WAITING and not RelevanceScore.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        resolve(personas, records[1], "exclude")
    assert len(callbacks) == 1, "the third resolution queues one retraining"
    prioritisation = Prioritisation.objects.get()
    assert prioritisation.status == ModelStatus.TRAINED and prioritisation.resolutions_seen == 3
    assert RelevanceScore.objects.count() == len(records) - 3


def test_a_vote_waiting_for_the_other_reviewer_teaches_the_model_nothing(
    personas, records, django_capture_on_commit_callbacks
):
    train(personas, records, django_capture_on_commit_callbacks)
    before = dict(RelevanceScore.objects.values_list("record_id", "score"))
    services.cast_vote(
        review=personas.review, record_id=records[9].pk, stage=TA, reviewer=personas.reviewer, decision="include"
    )
    services.cast_vote(
        review=personas.review, record_id=records[2].pk, stage=TA, reviewer=personas.reviewer, decision="exclude"
    )
    ranking.retrain(personas.review.pk)
    assert dict(RelevanceScore.objects.values_list("record_id", "score")) == before


def test_retraining_reads_the_features_back_until_a_records_text_changes(
    personas, records, django_capture_on_commit_callbacks, monkeypatch
):
    built = []
    monkeypatch.setattr(
        cache, "features_for", lambda texts, settings: built.append(texts) or features_for(texts, settings)
    )
    train(personas, records, django_capture_on_commit_callbacks)
    resolve(personas, records[1], "exclude")  # only a label changed
    ranking.retrain(personas.review.pk)
    assert len(built) == 1
    before = dict(RelevanceScore.objects.values_list("record_id", "score"))
    records[2].title = RELEVANT  # an edit of what the model reads
    records[2].save()
    ranking.retrain(personas.review.pk)
    assert len(built) == 2 and RELEVANT in built[-1]
    assert RelevanceScore.objects.get(record=records[2]).score > before[records[2].pk]


def test_a_deleted_reviews_features_leave_the_cache(personas, django_capture_on_commit_callbacks, settings):
    # A review can be deleted only once nothing protects it (the admin, after its searches): an empty one here.
    doomed = Review.objects.create(title="Started by mistake", created_by=personas.lead)
    settings.FEATURE_CACHE_DIR.mkdir()
    entries = [settings.FEATURE_CACHE_DIR / f"review-{pk}-digest.npz" for pk in (doomed.pk, personas.review.pk)]
    for entry in entries:
        entry.write_bytes(b"")
    with django_capture_on_commit_callbacks(execute=True):
        doomed.delete()
    assert list(settings.FEATURE_CACHE_DIR.iterdir()) == entries[1:]


def test_bad_model_settings_fail_the_training_with_the_reason(personas, records, django_capture_on_commit_callbacks):
    Prioritisation.objects.create(review=personas.review, settings={"ngram_max": 9})
    train(personas, records, django_capture_on_commit_callbacks)
    prioritisation = Prioritisation.objects.get()
    assert prioritisation.status == ModelStatus.FAILED and "ngram_max" in prioritisation.error


def test_the_lead_sees_how_many_decisions_the_model_needs_and_the_stopping_signal(
    client, personas, records, django_capture_on_commit_callbacks
):
    client.force_login(personas.lead)
    url = reverse("screening:prioritisation", args=[personas.review.pk])
    page = client.get(url).content.decode()
    assert "at least 1 resolved include and 1 resolved exclude" in page and "Figures appear after" in page
    train(personas, records, django_capture_on_commit_callbacks)
    page = client.get(url).content.decode()
    assert "<polyline" in page and "Stopping test" in page and "Relevant found</dt><dd>1<" in page


def test_the_lead_changes_the_settings_and_a_bad_value_is_refused(client, personas, records):
    client.force_login(personas.lead)
    url = reverse("screening:prioritisation_settings", args=[personas.review.pk])
    client.post(url, {"retrain_every": "0", "target_recall": "1.5", "confidence": "0.95"})
    assert Prioritisation.objects.get().retrain_every == 10
    client.post(url, {"retrain_every": "25", "target_recall": "0.9", "confidence": "0.99"})
    prioritisation = Prioritisation.objects.get()
    assert (prioritisation.retrain_every, prioritisation.target_recall, prioritisation.confidence) == (25, 0.9, 0.99)


def test_excluding_the_records_left_needs_a_rule_and_spares_records_with_a_vote(personas, records):
    with pytest.raises(services.ScreeningError, match="state the rule"):
        ranking.exclude_unscreened(review=personas.review, user=personas.lead, rule="  ")
    resolve(personas, records[0], "exclude")
    services.cast_vote(
        review=personas.review, record_id=records[1].pk, stage=TA, reviewer=personas.reviewer, decision="include"
    )
    exclusion = ranking.exclude_unscreened(review=personas.review, user=personas.lead, rule="Stopping test passed")
    assert exclusion.record_count == len(records) - 2
    automated = Resolution.objects.filter(method=ResolutionMethod.AUTOMATION)
    assert automated.count() == len(records) - 2 and not automated.filter(record__in=records[:2]).exists()
    # Record 1 still waits for the lead's vote.
    assert ScreeningRecord.objects.next_for(personas.lead, review=personas.review, stage=TA) == records[1]


def test_a_reviewer_may_not_exclude_the_records_left(personas, records):
    with pytest.raises(RoleRefused, match="cannot do this"):
        ranking.exclude_unscreened(review=personas.review, user=personas.reviewer, rule="I am tired")
    assert not AutomationExclusion.objects.exists()


def test_prisma_counts_the_automation_box_and_the_methods_state_the_rule(client, personas, records):
    resolve(personas, records[7], "include")
    resolve(personas, records[0], "exclude")
    ranking.exclude_unscreened(review=personas.review, user=personas.lead, rule="Stopping test passed at 95 %")
    flow = count_flow(personas.review)
    assert flow.excluded_automatic == len(records) - 2
    assert (flow.records_screened, flow.records_included, flow.records_excluded) == (2, 1, 1)
    assert not [warning for warning in flow.warnings() if "title/abstract decision" in warning]
    client.force_login(personas.viewer)
    page = client.get(reverse("screening:prisma", args=[personas.review.pk])).content.decode()
    assert f'automation tools</th><td class="num">{len(records) - 2}</td>' in page
    assert "by the following rule, after prioritised screening: Stopping test passed at 95 %" in page


def test_reverting_puts_the_records_back_and_keeps_the_trail(client, personas, records):
    exclusion = ranking.exclude_unscreened(review=personas.review, user=personas.lead, rule="Stopping test passed")
    client.force_login(personas.lead)
    client.post(reverse("screening:prioritisation_revert", args=[personas.review.pk, exclusion.pk]))
    exclusion.refresh_from_db()
    assert exclusion.reverted_by == personas.lead and exclusion.reverted_at is not None
    assert not Resolution.objects.exists() and count_flow(personas.review).excluded_automatic == 0
    assert ScreeningRecord.objects.next_for(personas.lead, review=personas.review, stage=TA) == records[0]
    with pytest.raises(services.ScreeningError, match="reverted already"):
        ranking.revert_exclusion(review=personas.review, user=personas.lead, exclusion_id=exclusion.pk)


def test_an_automation_resolution_names_its_rule_and_only_excludes(personas, records):
    with pytest.raises(IntegrityError):
        Resolution.objects.create(
            review=personas.review,
            record=records[0],
            stage=TA,
            decision="exclude",
            method=ResolutionMethod.AUTOMATION,
            resolved_by=personas.lead,
        )


@pytest.mark.django_db(transaction=True)  # emptying the database (TRUNCATE) cannot run inside a test's transaction
def test_scores_settings_and_automation_exclusions_are_in_the_backup(
    personas, records, django_capture_on_commit_callbacks
):
    train(personas, records, django_capture_on_commit_callbacks)
    Prioritisation.objects.update(settings={"ngram_max": 2})
    ranking.exclude_unscreened(review=personas.review, user=personas.lead, rule="Stopping test passed")
    RelevanceScore.objects.create(review=personas.review, record=records[9], score=1.5)  # as a worker left it
    document = export_review(personas.review)
    models = [item["model"] for item in document["objects"]]
    assert {"screening.prioritisation", "screening.relevancescore", "screening.automationexclusion"} <= set(models)
    assert models.index("screening.automationexclusion") < models.index("screening.resolution")
    empty_the_database()
    review = import_review(document)
    assert review.prioritisation.settings == {"ngram_max": 2} and review.prioritisation.method == "model"
    assert review.relevance_scores.get().score == 1.5
    assert review.automation_exclusions.get().resolutions.count() == len(records) - 2


def test_the_queue_says_how_it_is_ordered_and_how_many_decisions_the_model_needs(
    client, personas, records, django_capture_on_commit_callbacks
):
    client.force_login(personas.reviewer)
    url = reverse("screening:queue", args=[personas.review.pk, "title-abstract"])
    assert "Import order until the team has resolved 1 include and 1 exclude" in client.get(url).content.decode()
    train(personas, records, django_capture_on_commit_callbacks)
    assert "Most likely relevant first" in client.get(url).content.decode()
