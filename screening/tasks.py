"""Retraining the relevance order is a task: a worker process (`manage.py db_worker`) trains on the resolved records
and stores the scores the title/abstract queue reads, never a request."""

from django_tasks import task

from . import ranking


@task()
def retrain(review_id: int) -> None:
    ranking.retrain(review_id)
