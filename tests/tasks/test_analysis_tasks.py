"""Analysis runs are tasks: the lead's request queues the run, a worker process fits the models and draws the
plots, the run's page shows it under way, then its results or why it failed."""

import pytest
from django.urls import reverse

from analysis import services
from analysis.models import AnalysisRun, Plot, RunStatus
from analysis.tasks import analyse
from extraction import services as extraction
from tests.analysis.helpers import lock_team
from tests.db_worker import DATABASE_BACKEND, running_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)
FORM = {"measure": "SMCR", "method": "REML", "correlation": "0.5", "subgroup": "treatment", "median_policy": "flag"}


def run_url(name, run, *args):
    return reverse(f"analysis:{name}", args=[run.review_id, run.pk, *args])


@pytest.mark.slow
def test_an_analysis_asked_for_on_its_page_runs_in_a_worker(client, personas, settings):
    settings.TASKS = DATABASE_BACKEND
    team = lock_team(personas)
    client.force_login(personas.lead)
    client.post(reverse("analysis:run_create", args=[team.review.pk]), FORM)
    run = AnalysisRun.objects.get()
    # The request only queued it: nothing analysed, nothing to download yet, and the page keeps refreshing.
    assert run.status == RunStatus.QUEUED and run.results == {}
    page = client.get(run_url("run", run)).content.decode()
    assert "Waiting for a worker" in page and 'http-equiv="refresh"' in page
    assert client.get(run_url("export", run, "csv")).status_code == 404
    with running_worker(settings):
        wait_until(lambda: AnalysisRun.objects.get(pk=run.pk).status == RunStatus.DONE, what="the analysis")
    page = client.get(run_url("run", run)).content.decode()
    assert 'http-equiv="refresh"' not in page and "Annualised relapse rate" in page
    assert Plot.objects.filter(run=run).count() == 2 * len(AnalysisRun.objects.get().results["outcomes"])
    assert client.get(run_url("export", run, "csv")).status_code == 200


def test_a_run_computed_again_after_its_worker_died_is_stored_once(personas):
    team = lock_team(personas)
    run = services.queue_analysis(review=team.review, user=personas.lead)
    # A worker took the run and died: it stays running, and its task is run again.
    AnalysisRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    services.compute_run(run)
    services.compute_run(AnalysisRun.objects.get(pk=run.pk))
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert Plot.objects.filter(run=run).count() == 2 * len(run.results["outcomes"])


def test_a_run_whose_extraction_was_unlocked_before_a_worker_took_it_fails_with_the_reason(client, personas):
    team = lock_team(personas)
    run = services.queue_analysis(review=team.review, user=personas.lead)
    extraction.unlock(review=team.review, user=personas.lead, reason="an erratum")
    analyse.enqueue(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and not run.plots.exists()
    client.force_login(personas.lead)
    page = client.get(run_url("run", run)).content.decode()
    assert "Analysis failed:" in page and "unlocked before the analysis ran" in page
