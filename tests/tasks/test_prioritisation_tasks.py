"""Retraining the relevance order is a task (issue 20): the lead's button and the Nth resolution only queue it; a
worker process trains on the resolved records and stores the scores the queue reads."""

import pytest
from django.urls import reverse

from screening import ranking, services
from screening.models import ModelStatus, Prioritisation, RelevanceScore, ScreeningRecord, Stage
from tests.db_worker import DATABASE_BACKEND, running_worker, wait_until
from tests.factories import make_import, ris

pytestmark = pytest.mark.django_db(transaction=True)
TA = Stage.TITLE_ABSTRACT


@pytest.mark.slow
def test_retraining_asked_for_by_the_lead_runs_in_a_worker(client, personas, settings):
    settings.TASKS = DATABASE_BACKEND
    review = personas.review
    titles = ["Tocilizumab for neuromyelitis optica", "Colonoscopy uptake in nurses"] * 3
    make_import(review, personas.lead, ris(*({"TI": f"{title} {i}", "PY": "2021"} for i, title in enumerate(titles))))
    records = list(ScreeningRecord.objects.for_review(review).screenable(TA).order_by("pk"))
    for record, decision in ((records[0], "include"), (records[1], "exclude")):
        for reviewer in (personas.lead, personas.reviewer):
            services.cast_vote(review=review, record_id=record.pk, stage=TA, reviewer=reviewer, decision=decision)
    client.force_login(personas.lead)
    client.post(reverse("screening:prioritisation_retrain", args=[review.pk]))
    # The request only queued it.
    assert Prioritisation.objects.get().status == ModelStatus.QUEUED and not RelevanceScore.objects.exists()
    with running_worker(settings):
        wait_until(lambda: Prioritisation.objects.get().status == ModelStatus.TRAINED, what="the retraining")
    assert RelevanceScore.objects.count() == len(records) - 2
    assert ScreeningRecord.objects.next_for(personas.lead, review=review, stage=TA).title.startswith("Tocilizumab")


def test_a_retraining_run_twice_stores_the_scores_once(personas):
    make_import(personas.review, personas.lead, ris(*({"TI": f"Trial {i}"} for i in range(4))))
    personas.review.highlight_include = "Trial 1"
    personas.review.save()
    ranking.prioritisation_of(personas.review)
    ranking.retrain(personas.review.pk)
    ranking.retrain(personas.review.pk)
    assert Prioritisation.objects.get().method == "keywords" and RelevanceScore.objects.count() == 4
