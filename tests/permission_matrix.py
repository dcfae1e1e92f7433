"""Who may reach each URL of Tandem.

Every named URL must have an entry here: tests/test_permission_matrix.py
fails when a new URL is added without one. Review-scoped entries list the
roles allowed; everyone else in the review gets 403 and outsiders 404.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.factories import Personas

ROLES = ("lead", "reviewer", "adjudicator", "viewer")
EVERY_ROLE = frozenset(ROLES)
LEAD = frozenset({"lead"})
IDENTIFIERS = frozenset({"lead", "reviewer"})
SCREENERS = frozenset({"lead", "reviewer"})
ADJUDICATORS = frozenset({"lead", "adjudicator"})


@dataclass(frozen=True)
class Route:
    method: str = "get"
    # Builds the URL's kwargs from the personas' review.
    kwargs: Callable[[Personas], dict] = lambda p: {}
    # None: not scoped to a review, any logged-in user may use it.
    allowed: frozenset[str] | None = None
    data: dict = field(default_factory=dict)
    # Logging out ends at the login page by design.
    logs_out: bool = False
    # What members without access get: 403, or 404 for what only its owner may know exists.
    refused: int = 403


def _review(p: Personas) -> dict:
    return {"review_id": p.review.pk}


def _viewer_membership(p: Personas) -> dict:
    return {"review_id": p.review.pk, "membership_id": p.review.memberships.get(user=p.viewer).pk}


def _import(p: Personas) -> dict:
    return {"review_id": p.review.pk, "import_id": p.identification().record_import.pk}


def _preview_import(p: Personas) -> dict:
    return {"review_id": p.review.pk, "import_id": p.identification().preview_import.pk}


def _record(p: Personas) -> dict:
    return {"review_id": p.review.pk, "record_id": p.identification().record.pk}


def _duplicate(p: Personas) -> dict:
    return {"review_id": p.review.pk, "record_id": p.identification().duplicate.pk}


def _candidate(p: Personas) -> dict:
    return {"review_id": p.review.pk, "candidate_id": p.identification().candidate.pk}


def _stage(p: Personas) -> dict:
    return {"review_id": p.review.pk, "stage_slug": "title-abstract"}


def _stage_record(p: Personas) -> dict:
    return {**_stage(p), "record_id": p.identification().record.pk}


def _report(p: Personas) -> dict:
    return {"review_id": p.review.pk, "record_id": p.full_text().record.pk}


def _extraction(p: Personas, **extra) -> dict:
    setup = p.extraction()
    ids = {
        "field_id": setup.field.pk,
        "extraction_id": setup.lead_extraction.pk,
        "consensus_id": setup.conflict.pk,
        "study_id": setup.study.pk,
    }
    return {"review_id": p.review.pk, **{name: ids[name] for name in extra.get("ids", ())}, **extra.get("fixed", {})}


def _ext(*ids, **fixed) -> Callable[[Personas], dict]:
    return lambda p: _extraction(p, ids=ids, fixed=fixed)


def _locked_review(p: Personas) -> dict:
    p.analysis()
    return _review(p)


def _run(**fixed) -> Callable[[Personas], dict]:
    return lambda p: {"review_id": p.review.pk, "run_id": p.analysis().run.pk, **fixed}


# URL names anyone may open without logging in.
PUBLIC = {"accounts:login", "accounts:signup"}

MATRIX: dict[str, Route] = {
    "accounts:logout": Route(method="post", logs_out=True),
    "accounts:password_change": Route(),
    "accounts:password_change_done": Route(),
    "reviews:list": Route(),
    "reviews:create": Route(),
    "reviews:dashboard": Route(kwargs=_review, allowed=EVERY_ROLE),
    "reviews:settings": Route(kwargs=_review, allowed=LEAD),
    "reviews:members": Route(kwargs=_review, allowed=EVERY_ROLE),
    "reviews:member_add": Route(
        method="post", kwargs=_review, allowed=LEAD, data={"identifier": "outsider", "role": "reviewer"}
    ),
    "reviews:member_role": Route(method="post", kwargs=_viewer_membership, allowed=LEAD, data={"role": "reviewer"}),
    "reviews:member_remove": Route(method="post", kwargs=_viewer_membership, allowed=LEAD),
    "identification:searches": Route(kwargs=_review, allowed=EVERY_ROLE),
    "identification:imports": Route(kwargs=_review, allowed=EVERY_ROLE),
    "identification:import_create": Route(kwargs=_review, allowed=IDENTIFIERS),
    "identification:import_detail": Route(kwargs=_import, allowed=EVERY_ROLE),
    "identification:import_confirm": Route(method="post", kwargs=_preview_import, allowed=IDENTIFIERS),
    "identification:import_cancel": Route(method="post", kwargs=_preview_import, allowed=IDENTIFIERS),
    "identification:import_restart": Route(method="post", kwargs=_import, allowed=IDENTIFIERS),
    "identification:records": Route(kwargs=_review, allowed=EVERY_ROLE),
    "identification:record_detail": Route(kwargs=_record, allowed=EVERY_ROLE),
    "identification:record_separate": Route(method="post", kwargs=_duplicate, allowed=IDENTIFIERS),
    "identification:duplicates": Route(kwargs=_review, allowed=EVERY_ROLE),
    "identification:duplicate_accept_above": Route(kwargs=_review, allowed=LEAD, data={"min_score": "1.9"}),
    "screening:queue": Route(kwargs=_stage, allowed=SCREENERS),
    "screening:vote": Route(method="post", kwargs=_stage_record, allowed=SCREENERS, data={"decision": "include"}),
    "screening:conflicts": Route(kwargs=_stage, allowed=ADJUDICATORS),
    "screening:resolve": Route(method="post", kwargs=_stage_record, allowed=ADJUDICATORS, data={"decision": "include"}),
    "screening:reports": Route(kwargs=_review, allowed=EVERY_ROLE),
    "screening:report": Route(kwargs=_report, allowed=EVERY_ROLE),
    "screening:report_pdf": Route(kwargs=_report, allowed=EVERY_ROLE),
    "screening:report_attach": Route(
        method="post", kwargs=_report, allowed=SCREENERS, data={"link": "https://example.org/full-text"}
    ),
    "screening:report_not_retrieved": Route(
        method="post", kwargs=_report, allowed=SCREENERS, data={"reason": "Authors did not reply"}
    ),
    "screening:report_study": Route(method="post", kwargs=_report, allowed=ADJUDICATORS, data={"new_label": "X 2021"}),
    "screening:prisma": Route(kwargs=_review, allowed=EVERY_ROLE),
    "screening:prisma_export": Route(kwargs=lambda p: {**_review(p), "file_format": "csv"}, allowed=EVERY_ROLE),
    "screening:agreement": Route(kwargs=_review, allowed=EVERY_ROLE),
    "screening:agreement_export": Route(kwargs=_review, allowed=EVERY_ROLE),
    "screening:decisions_export": Route(kwargs=_review, allowed=EVERY_ROLE),
    "extraction:overview": Route(kwargs=_ext(), allowed=EVERY_ROLE),
    "extraction:form": Route(kwargs=_ext(), allowed=EVERY_ROLE),
    "extraction:form_template": Route(method="post", kwargs=_ext(), allowed=LEAD, data={"template": "rct"}),
    "extraction:form_export": Route(kwargs=_ext(), allowed=EVERY_ROLE),
    "extraction:section_add": Route(method="post", kwargs=_ext(), allowed=LEAD, data={"title": "Safety"}),
    "extraction:field_add": Route(kwargs=_ext(), allowed=LEAD),
    "extraction:fields_add": Route(method="post", kwargs=_ext(), allowed=LEAD),
    "extraction:field_edit": Route(kwargs=_ext("field_id"), allowed=LEAD),
    "extraction:field_retire": Route(method="post", kwargs=_ext("field_id"), allowed=LEAD),
    "extraction:assign": Route(method="post", kwargs=_ext(), allowed=LEAD),
    "extraction:extract": Route(kwargs=_ext("extraction_id"), allowed=LEAD, refused=404),
    "extraction:reassign": Route(method="post", kwargs=_ext("extraction_id"), allowed=LEAD),
    "extraction:conflicts": Route(kwargs=_ext(), allowed=ADJUDICATORS),
    "extraction:resolve": Route(method="post", kwargs=_ext("consensus_id"), allowed=ADJUDICATORS, data={"choice": "1"}),
    "extraction:study": Route(kwargs=_ext("study_id"), allowed=EVERY_ROLE),
    "extraction:lock": Route(method="post", kwargs=_ext(), allowed=LEAD),
    "extraction:unlock": Route(method="post", kwargs=_ext(), allowed=LEAD, data={"reason": "Erratum"}),
    "extraction:export": Route(kwargs=_ext(file_format="csv"), allowed=EVERY_ROLE),
    "extraction:audit_export": Route(kwargs=_ext(), allowed=EVERY_ROLE),
    "analysis:runs": Route(kwargs=_review, allowed=EVERY_ROLE),
    "analysis:run_create": Route(
        method="post",
        kwargs=_locked_review,
        allowed=LEAD,
        data={
            "measure": "SMCR",
            "method": "REML",
            "correlation": "0.5",
            "subgroup": "treatment",
            "median_policy": "flag",
        },
    ),
    "analysis:run": Route(kwargs=_run(), allowed=EVERY_ROLE),
    "analysis:mappings": Route(kwargs=_locked_review, allowed=EVERY_ROLE),
    "analysis:mapping_add": Route(kwargs=_locked_review, allowed=LEAD),
    "analysis:mapping_edit": Route(
        kwargs=lambda p: {**_locked_review(p), "mapping_id": p.review.outcome_mappings.first().pk}, allowed=LEAD
    ),
    "analysis:plot": Route(kwargs=_run(outcome="arr", kind="forest", file_format="svg"), allowed=EVERY_ROLE),
    "analysis:export": Route(kwargs=_run(file_format="csv"), allowed=EVERY_ROLE),
    "analysis:r_script": Route(kwargs=_run(), allowed=EVERY_ROLE),
    "identification:duplicate_decide": Route(
        method="post", kwargs=_candidate, allowed=IDENTIFIERS, data={"decision": "distinct"}
    ),
}


# The Django admin, for every registered model: who may view, add, change, delete, import and export. Members who
# are not staff never reach it (it sends them to its own login page). "staff" is a staff account holding every
# model permission, the most a non-superuser can hold; a staff account without permissions may do nothing.
# The review's trail is read-only for everyone, superusers included: corrections go through the workflow.
ADMIN_PERSONAS = (*ROLES, "outsider", "staff", "superuser")
ADMIN_ACTIONS = ("view", "add", "change", "delete", "import", "export")
STAFF = frozenset({"staff", "superuser"})
SUPERUSER = frozenset({"superuser"})
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AdminEntry:
    view: frozenset[str] = STAFF
    add: frozenset[str] = STAFF
    change: frozenset[str] = STAFF
    delete: frozenset[str] = STAFF
    # django-import-export; NOBODY also for models without an import or export page.
    import_: frozenset[str] = NOBODY
    export: frozenset[str] = NOBODY

    def allowed(self, action: str) -> frozenset[str]:
        return getattr(self, "import_" if action == "import" else action)


EDITABLE = AdminEntry()
IMPORTED_AND_EXPORTED = AdminEntry(import_=STAFF, export=STAFF)
READ_ONLY = AdminEntry(add=NOBODY, change=NOBODY, delete=NOBODY)
HISTORY = AdminEntry(add=NOBODY, change=NOBODY, delete=NOBODY, export=STAFF)

ADMIN_MATRIX: dict[str, AdminEntry] = {
    "auth.user": EDITABLE,
    "auth.group": EDITABLE,
    # Deleting a review deletes its whole trail; one is created on the site, which makes its creator lead.
    "reviews.review": AdminEntry(add=NOBODY, delete=SUPERUSER, export=STAFF),
    # Through the team's services (at least one lead), the import too.
    "reviews.membership": IMPORTED_AND_EXPORTED,
    # Edited as a list on the review's settings page, which keeps the reasons votes give.
    "reviews.exclusionreason": READ_ONLY,
    # Logged on the review's search page; staff correct the description, not the review or the source type.
    "identification.search": AdminEntry(add=NOBODY, export=STAFF),
    "identification.recordimport": READ_ONLY,
    "identification.record": HISTORY,
    "identification.duplicatecandidate": READ_ONLY,
    "screening.vote": HISTORY,
    "screening.voteevent": HISTORY,
    "screening.resolution": HISTORY,
    # Renamed through the workflow's service until the extraction is locked (extraction/locking.py), then refused
    # with a message; made and removed by filing reports at full text.
    "screening.study": AdminEntry(add=NOBODY, delete=NOBODY, export=STAFF),
    # Attached, marked as not retrieved and filed under a study on the review's report pages.
    "screening.report": HISTORY,
    "extraction.extractionform": READ_ONLY,
    # Through the form builder's services (version, audit trail); retired there rather than deleted.
    "extraction.section": AdminEntry(delete=NOBODY),
    "extraction.formfield": AdminEntry(delete=NOBODY, import_=STAFF, export=STAFF),
    "extraction.extraction": READ_ONLY,
    "extraction.value": HISTORY,
    "extraction.consensus": HISTORY,
    "extraction.extractionlock": READ_ONLY,
    "extraction.auditevent": HISTORY,
    "analysis.outcomemapping": EDITABLE,
    "analysis.analysisrun": READ_ONLY,
}
