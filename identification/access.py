"""Who may do what in the identification stage, and its children fetched through the review."""

from identification.models import DuplicateCandidate, Record, RecordImport
from reviews.access import ANY_ROLE, child_for_user
from reviews.models import Role

# Logging searches, importing and deciding duplicates; adjudicators and viewers only read.
IDENTIFIERS: frozenset[str] = frozenset({Role.LEAD, Role.REVIEWER})


def get_import_for_user(request, review_id, import_id, *, roles=ANY_ROLE):
    return child_for_user(request, review_id, RecordImport.objects.select_related("search"), import_id, roles)


def get_record_for_user(request, review_id, record_id, *, roles=ANY_ROLE):
    return child_for_user(request, review_id, Record.objects.select_related("source_import__search"), record_id, roles)


def get_candidate_for_user(request, review_id, candidate_id, *, roles=ANY_ROLE):
    return child_for_user(request, review_id, DuplicateCandidate.objects.all(), candidate_id, roles)
