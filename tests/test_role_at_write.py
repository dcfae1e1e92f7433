"""Every write checks the writer's role as it is at the time of the write, not when the page was opened or the work
was assigned: a member whose role was changed to viewer is refused by every write service, and nothing is written."""

import pytest
from django.apps import apps
from django.urls import reverse

from analysis import outcomes
from analysis import services as analysis
from extraction import services as extraction
from extraction.models import Extraction
from identification import services as identification
from identification.models import Record, RecordImport
from reviews import services as team
from reviews.access import RoleRefused
from reviews.models import Role
from screening import services as screening
from screening.models import Study
from screening.services import fulltext
from tests.factories import make_import, make_user, ris

pytestmark = pytest.mark.django_db
TA = "title_abstract"


@pytest.fixture
def state(personas):
    """Something for every role to write: a duplicate pair, an unvoted record and a title/abstract conflict, the
    extracted full-text study with an extraction conflict, a study whose drafts are open, and a second lead so that
    the lead can be demoted."""
    personas.identification()
    setup = personas.extraction()
    personas.draft_study = Study.objects.create(review=personas.review, label="Draft 2022")
    extraction.assign_automatically(review=personas.review, user=personas.lead)
    Study.objects.create(review=personas.review, label="Late 2023")  # waiting to be assigned
    records = list(Record.objects.filter(review=personas.review).unique().order_by("pk"))
    personas.fresh, personas.conflicting = records[0], records[1]
    for who, decision in ((personas.lead, "include"), (personas.reviewer, "exclude")):
        screening.cast_vote(
            review=personas.review, record_id=personas.conflicting.pk, stage=TA, reviewer=who, decision=decision
        )
    personas.setup = setup
    team.add_member(review=personas.review, user=make_user("colead"), role=Role.LEAD, by=personas.lead)
    return personas


def draft(p):
    return Extraction.objects.get(study=p.draft_study, extractor=p.reviewer)


def entries(p):
    return {(p.setup.field.pk, 0): ("8 mg/kg", "")}


WRITES = {
    "extraction: save a draft": (
        "reviewer",
        lambda p: extraction.save_extraction(
            review=p.review, extraction_id=draft(p).pk, user=p.reviewer, entries=entries(p), arm_count=1, submit=False
        ),
    ),
    "extraction: submit": (
        "reviewer",
        lambda p: extraction.save_extraction(
            review=p.review, extraction_id=draft(p).pk, user=p.reviewer, entries=entries(p), arm_count=1, submit=True
        ),
    ),
    "extraction: resolve a conflict": (
        "adjudicator",
        lambda p: extraction.resolve(review=p.review, consensus_id=p.setup.conflict.pk, user=p.adjudicator, choice="1"),
    ),
    "extraction: add a section": (
        "lead",
        lambda p: extraction.add_section(review=p.review, user=p.lead, title="Safety"),
    ),
    "extraction: retire a field": (
        "lead",
        lambda p: extraction.retire_field(review=p.review, user=p.lead, field_id=p.setup.field.pk),
    ),
    "extraction: assign": ("lead", lambda p: extraction.assign_automatically(review=p.review, user=p.lead)),
    "extraction: reassign": (
        "lead",
        lambda p: extraction.reassign(review=p.review, user=p.lead, extraction_id=draft(p).pk, extractor=p.lead),
    ),
    "screening: vote": (
        "reviewer",
        lambda p: screening.cast_vote(
            review=p.review, record_id=p.fresh.pk, stage=TA, reviewer=p.reviewer, decision="include"
        ),
    ),
    "screening: resolve a conflict": (
        "adjudicator",
        lambda p: screening.resolve_conflict(
            review=p.review, record_id=p.conflicting.pk, stage=TA, decision="include", user=p.adjudicator
        ),
    ),
    "full text: attach": (
        "reviewer",
        lambda p: fulltext.attach_full_text(
            review=p.review, record_id=p.full_text().record.pk, user=p.reviewer, link="https://example.org/ft"
        ),
    ),
    "full text: link to a study": (
        "adjudicator",
        lambda p: fulltext.link_to_study(
            review=p.review, record_id=p.full_text().record.pk, user=p.adjudicator, study_id=p.draft_study.pk
        ),
    ),
    "identification: decide a pair": (
        "reviewer",
        lambda p: identification.decide(p.identification().candidate.pk, p.review, is_duplicate=False, user=p.reviewer),
    ),
    "identification: separate a duplicate": (
        "reviewer",
        lambda p: identification.separate(p.identification().duplicate, p.reviewer),
    ),
    "analysis: run": ("lead", lambda p: analysis.run_analysis(review=p.review, user=p.lead)),
    "analysis: outcome mapping": (
        "lead",
        lambda p: outcomes.save_mapping(
            review=p.review,
            user=p.lead,
            mapping=None,
            key="relapses",
            label="Relapses",
            group_field="treatment",
            columns={"n": "n"},
        ),
    ),
    "members: add": (
        "lead",
        lambda p: team.add_member(review=p.review, user=p.outsider, role=Role.REVIEWER, by=p.lead),
    ),
    "members: change a role": (
        "lead",
        lambda p: team.change_role(membership=p.review.memberships.get(user=p.reviewer), role=Role.LEAD, by=p.lead),
    ),
    "members: remove": (
        "lead",
        lambda p: team.remove_member(membership=p.review.memberships.get(user=p.adjudicator), by=p.lead),
    ),
    "settings": ("lead", lambda p: team.update_review(review=p.review, exclusion_reasons=["Other"], by=p.lead)),
}


def everything():
    """Every row of every model of the project: what a refused write must leave as it was."""
    return {
        model._meta.label: sorted(model._base_manager.values_list(*[f.attname for f in model._meta.concrete_fields]))
        for app in ("reviews", "screening", "extraction", "analysis")
        for model in apps.get_app_config(app).get_models()
    }


def demote(personas, who):
    team.change_role(
        membership=personas.review.memberships.get(user=personas.by_name(who)), role=Role.VIEWER, by=personas.lead
    )


@pytest.mark.parametrize("write", sorted(WRITES))
def test_a_member_demoted_to_viewer_is_refused_by_every_write(state, write):
    who, call = WRITES[write]
    demote(state, who)
    before = everything()
    with pytest.raises(RoleRefused, match=r"Your role \(Viewer\) cannot do this"):
        call(state)
    assert everything() == before


def test_a_member_removed_from_the_review_is_refused_too(state):
    state.review.memberships.get(user=state.reviewer).delete()
    with pytest.raises(RoleRefused, match="no longer a member"):
        WRITES["screening: vote"][1](state)


def test_an_import_confirmed_before_its_uploader_was_demoted_writes_nothing(state):
    pending = make_import(state.review, state.reviewer, ris({"TI": "Late search result"}), run=False)
    demote(state, "reviewer")
    records = Record.objects.count()
    with pytest.raises(RoleRefused):
        identification.run_import(pending)
    pending = RecordImport.objects.get(pk=pending.pk)
    assert pending.status == "failed" and "Your role (Viewer) cannot do this" in pending.error
    assert Record.objects.count() == records


def test_the_extraction_page_of_a_demoted_extractor_is_read_only_and_refuses_a_save(client, state):
    extraction_page = reverse("extraction:extract", args=[state.review.pk, draft(state).pk])
    demote(state, "reviewer")
    client.force_login(state.reviewer)
    page = client.get(extraction_page).content.decode()
    assert "Save draft" not in page and "Your role in this review is now viewer" in page
    field = f"v-{state.setup.field.pk}-0"
    response = client.post(extraction_page, {"arm_count": "1", "action": "save", field: "8 mg/kg"})
    assert response.status_code == 403
    assert not draft(state).values.exists()


def test_the_roles_that_may_write_still_can(state):
    """The check refuses the demoted, not the roles each write is for."""
    for write in ("extraction: save a draft", "screening: vote", "members: add", "identification: decide a pair"):
        WRITES[write][1](state)
