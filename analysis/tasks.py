"""Analysis runs are tasks: a worker process (`manage.py db_worker`) fits the models and draws the plots while the
run's page shows that it is under way."""

import contextlib

from django.db import transaction
from django_tasks import task

from .models import AnalysisRun
from .services import AnalysisError, compute_run


@task()
def analyse(run_id: int) -> None:
    run = AnalysisRun.objects.select_related("review").filter(pk=run_id).first()
    if run is None:  # deleted with its review meanwhile
        return
    # Data the engine cannot use is an outcome the run's page shows, not a failure of the task; any other error is
    # recorded on the run by compute_run and raised again, so the task shows as failed to the operator.
    with contextlib.suppress(AnalysisError):
        compute_run(run)


def start_analysis(run):
    """Queue the run once the transaction that made it commits."""
    run_id = run.pk
    transaction.on_commit(lambda: analyse.enqueue(run_id))
