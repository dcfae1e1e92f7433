"""Admin list pages stay fast as a review grows (issue 24): every changelist makes the same few queries whatever the
number of rows (no query per row: list_select_related), at most ten, pinned here per model. bench/admin_lists.py
times them at 100,000 records (docs/benchmarks.md)."""

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import set_frequency
from analysis.models import AnalysisRun
from analysis.tasks import analyse
from api.services import create_token
from extraction import services
from screening import ranking
from screening.models import RelevanceScore
from screening.services import tags
from tests.certainty.helpers import grade_rows
from tests.db_worker import DATABASE_BACKEND
from tests.factories import Personas, make_user

pytestmark = pytest.mark.django_db

# Queries of each changelist: the session and its user, the count of the page's rows, the rows, and what the page
# lists beside them (a filter's choices, say). The other tables count their unfiltered rows a second time; the
# history tables, the ones that grow large, do not (reviews/admin_base.py: HistoryAdmin.show_full_result_count).
QUERIES = {
    "auth.group": 5,
    "auth.user": 6,
    "accounts.emailaddress": 5,
    "accounts.invitation": 5,
    "accounts.notificationsetting": 5,
    "reviews.review": 7,
    "reviews.membership": 5,
    "reviews.exclusionreason": 5,
    "identification.search": 5,
    "identification.recordimport": 5,
    "identification.record": 5,
    "identification.duplicatecandidate": 4,
    "screening.vote": 4,
    "screening.resolution": 4,
    "screening.voteevent": 4,
    "screening.study": 5,
    "screening.report": 5,
    "extraction.extractionform": 5,
    "extraction.section": 5,
    "extraction.formfield": 5,
    "extraction.extraction": 5,
    "extraction.value": 5,
    "extraction.consensus": 4,
    "extraction.extractionlock": 4,
    "extraction.auditevent": 4,
    "analysis.outcomemapping": 5,
    "analysis.analysisrun": 4,
    "screening.tag": 4,
    "screening.recordtag": 4,
    "screening.prioritisation": 6,
    "screening.relevancescore": 4,
    "screening.automationexclusion": 5,
    "appraisal.customtool": 5,
    "appraisal.toolchoice": 5,
    "appraisal.appraisal": 5,
    "appraisal.assessment": 5,
    "appraisal.answer": 5,
    "appraisal.judgement": 5,
    "appraisal.consensus": 4,
    "appraisal.appraisallock": 4,
    "appraisal.auditevent": 4,
    "certainty.outcomegrading": 5,
    "certainty.gradejudgement": 5,
    "api.apitoken": 5,
    "reviews.reviewexport": 6,
    "django_tasks_database.dbtaskresult": 7,
}


def _trail(prefix: str) -> None:
    """A review with a row of every kind: imports and duplicates, votes, tags, a full text, an extraction with a
    resolved conflict, the lock, risk-of-bias assessments, an analysis run queued as a task, an API token, the
    relevance order's settings and a score, records excluded by the lead's automation rule, a records spreadsheet and
    an invitation and a notification choice (the personas' addresses come with them)."""
    personas = Personas(prefix)
    record = personas.identification().record
    tag = tags.define_tag(review=personas.review, name="RCT", user=personas.lead)
    tags.set_record_tags(review=personas.review, record=record, tag_ids={tag.pk}, user=personas.lead)
    setup = personas.extraction()
    services.resolve(review=personas.review, consensus_id=setup.conflict.pk, user=personas.adjudicator, choice="1")
    services.lock(review=personas.review, user=personas.lead)
    run = AnalysisRun.objects.create(review=personas.review, data_fingerprint="0" * 64, created_by=personas.lead)
    analyse.enqueue(run.pk)
    create_token(user=personas.lead, name=f"{prefix}scripts")
    grade_rows(personas)
    personas.records_spreadsheet()
    personas.invitation()
    set_frequency(user=personas.reviewer, frequency="immediate")
    Personas(f"{prefix}rob-").appraisal()  # its own review: its studies would hold the extraction's lock back
    personas.automation_exclusion()
    ranking.prioritisation_of(personas.review)
    RelevanceScore.objects.create(review=personas.review, record=record, score=0.5)


def _queries_per_changelist(client) -> dict[str, int]:
    counts = {}
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[model._meta.label_lower] = len(queries)
    return counts


def test_every_changelist_makes_the_same_few_queries_however_many_rows(client, settings):
    settings.TASKS = DATABASE_BACKEND  # queued in the database, where the admin lists it
    client.force_login(make_user("root", is_staff=True, is_superuser=True))
    _trail("")
    one_review = _queries_per_changelist(client)
    _trail("second-")
    assert _queries_per_changelist(client) == one_review, "a query per row"
    assert one_review == QUERIES
    assert max(QUERIES.values()) <= 10
