"""The custom tool a lead defines: pasted or uploaded as JSON in the tool files' format, refused with the reason when
invalid (nothing saved), chosen for a design, assessed by two assessors, settled and plotted like the built-in tools,
kept in the backup, and frozen once an assessment uses it."""

import copy
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from appraisal import services
from appraisal.grade_inputs import SettledRisks
from appraisal.locking import AppraisalLocked
from appraisal.models import (
    OVERALL,
    Appraisal,
    AuditAction,
    AuditEvent,
    Consensus,
    ConsensusStatus,
    CustomTool,
    Design,
    ToolCode,
    tool_spec,
)
from appraisal.plots import forest_columns
from reviews.access import RoleRefused
from reviews.backup import export_review
from screening.models import Study
from tests.appraisal.helpers import CUSTOM_TOOL as TOOL
from tests.appraisal.helpers import Assessors

pytestmark = pytest.mark.django_db


def define(personas, tool=TOOL):
    return services.define_custom_tool(review=personas.review, user=personas.lead, text=json.dumps(tool))


@pytest.fixture
def team(personas):
    define(personas)
    services.choose_tool(review=personas.review, user=personas.lead, design=Design.COHORT, tool=ToolCode.CUSTOM)
    return Assessors(personas, studies=1)


def entry(follow_up: str) -> services.Entry:
    answers = {("S", "S1"): ("Y", "Methods, p. 2"), ("F", "F1"): ("Y", "Table 2")}
    judgements = {"S": ("low", ""), "F": (follow_up, ""), OVERALL: (follow_up, "")}
    return services.Entry(answers, judgements)


def test_a_custom_tool_has_every_domain_and_no_suggestion(team):
    appraisal = team.appraisals[0]
    assert appraisal.tool == ToolCode.CUSTOM and appraisal.variant == "all"
    assert [d.code for d in appraisal.domains()] == ["S", "F"]
    assert all(s.judgement is None for s in services.suggestions(appraisal, {}, {}).values())


def test_two_assessors_assess_with_it_and_a_conflict_is_settled(team):
    appraisal = team.appraisals[0]
    assert team.submit_entry(appraisal, 1, entry("low")) == []
    assert team.submit_entry(appraisal, 2, entry("high")) == []
    cells = {c.domain: c for c in Consensus.objects.filter(appraisal=appraisal)}
    assert cells["S"].status == ConsensusStatus.AGREED and cells["S"].judgement == "low"
    assert cells["F"].status == cells[OVERALL].status == ConsensusStatus.CONFLICT
    adjudicator = team.personas.adjudicator
    with pytest.raises(services.AppraisalError, match="tool's judgements"):
        services.resolve(
            review=team.review, consensus_id=cells["F"].pk, user=adjudicator, judgement="serious", reason="x"
        )
    for domain in ("F", OVERALL):
        services.resolve(
            review=team.review,
            consensus_id=cells[domain].pk,
            user=team.personas.adjudicator,
            judgement="unclear",
            reason="Losses not reported by arm",
        )
    assert services.lock_blockers(team.review) == []
    [row] = services.settled_assessments(Appraisal.objects.filter(pk=appraisal.pk))
    assert row.domains == {"S": "low", "F": "unclear"} and row.overall == "unclear"


def test_an_answer_the_tool_does_not_have_is_refused(team):
    appraisal = team.appraisals[0]
    bad = services.Entry({("S", "S1"): ("PY", "p. 2")}, {"S": ("moderate", "")})
    problems = team.submit_entry(appraisal, 1, bad)
    assert "S S1: 'PY' is not one of its answers" in problems
    assert "S: 'moderate' is not one of the tool's judgements" in problems


def test_the_plots_render_for_the_custom_tool(client, team):
    appraisal = team.appraisals[0]
    team.submit_entry(appraisal, 1, entry("unclear"))
    team.submit_entry(appraisal, 2, entry("unclear"))
    client.force_login(team.personas.viewer)
    overview = client.get(reverse("appraisal:overview", args=[team.review.pk])).content.decode()
    assert "/custom/all/traffic-light.svg" in overview
    for kind in ("traffic-light", "summary"):
        for file_format in ("svg", "png"):
            url = reverse("appraisal:plot", args=[team.review.pk, "custom", "all", kind, file_format])
            response = client.get(url)
            assert response.status_code == 200
    svg = client.get(reverse("appraisal:plot", args=[team.review.pk, "custom", "all", "traffic-light", "svg"]))
    assert str(appraisal) in svg.content.decode()
    page = client.get(reverse("appraisal:appraisal", args=[team.review.pk, appraisal.pk])).content.decode()
    assert "Unclear risk" in page and "Follow-up" in page


def test_a_review_without_a_custom_tool_has_no_custom_plot(client, personas):
    client.force_login(personas.lead)
    url = reverse("appraisal:plot", args=[personas.review.pk, "custom", "all", "summary", "svg"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda t: t.pop("domains"), "custom tool: domains: is missing"),
        (lambda t: t.update(kind="domains"), '"kind": "custom"'),
        (lambda t: t.update(overall={"rules": []}), "overall: a custom tool has no algorithm"),
        (lambda t: t["domains"][1].update(code="S"), "two domains have the code 'S'"),
        (
            lambda t: t["domains"][0]["questions"][0].update(options=["Y", "PY"]),
            "domains[0].questions[0].options[1]: 'PY' is not one of the tool's answers",
        ),
        (
            lambda t: t["domains"][1]["questions"][0].update(asked_if={"question": "F2", "in": ["N"]}),
            "'F2' is not an earlier question of this domain",
        ),
        (lambda t: [j.update(severity=None) for j in t["judgements"]], "at least one judgement needs a severity"),
    ],
)
def test_an_invalid_definition_is_refused_with_the_reason(personas, change, reason):
    tool = copy.deepcopy(TOOL)
    change(tool)
    with pytest.raises(services.AppraisalError, match=re.escape(reason)):
        define(personas, tool)
    assert not CustomTool.objects.exists()


def test_text_that_is_not_json_is_refused_with_its_line(personas):
    with pytest.raises(services.AppraisalError, match="line 2, column 1: not JSON"):
        services.define_custom_tool(review=personas.review, user=personas.lead, text='{"kind": "custom",\n}')


def test_only_the_lead_defines_it_and_only_a_defined_one_is_chosen(personas):
    with pytest.raises(RoleRefused):
        services.define_custom_tool(review=personas.review, user=personas.reviewer, text=json.dumps(TOOL))
    with pytest.raises(services.AppraisalError, match="define the review's custom tool"):
        services.choose_tool(review=personas.review, user=personas.lead, design=Design.COHORT, tool=ToolCode.CUSTOM)


def test_it_changes_until_an_assessment_uses_it(personas):
    define(personas)
    renamed = copy.deepcopy(TOOL) | {"name": "Our checklist, second draft"}
    assert define(personas, renamed).spec.name == "Our checklist, second draft"
    assert list(AuditEvent.objects.filter(action=AuditAction.TOOL_DEFINED).values_list("note", flat=True)) == [
        "defined",
        "changed",
    ]
    services.choose_tool(review=personas.review, user=personas.lead, design=Design.COHORT, tool=ToolCode.CUSTOM)
    Assessors(personas, studies=1)
    with pytest.raises(services.AppraisalError, match="in use"):
        define(personas, TOOL)
    assert CustomTool.objects.get().definition["name"] == "Our checklist, second draft"


def test_the_lock_keeps_it_as_it_is(team):
    appraisal = team.appraisals[0]
    team.submit_entry(appraisal, 1, entry("low"))
    team.submit_entry(appraisal, 2, entry("low"))
    services.lock(review=team.review, user=team.personas.lead)
    with pytest.raises(AppraisalLocked):
        CustomTool.objects.filter(review=team.review).update(definition=TOOL | {"name": "Changed"})


def test_the_database_keeps_only_custom_definitions(personas):
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomTool.objects.create(review=personas.review, definition=TOOL | {"kind": "domains"})


def test_the_page_saves_a_pasted_definition_and_shows_a_refusal(client, personas):
    client.force_login(personas.lead)
    url = reverse("appraisal:custom_tool", args=[personas.review.pk])
    broken = json.dumps(TOOL | {"judgements": []})
    response = client.post(url, {"definition": broken})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Not saved:" in page and "a tool needs at least one judgement" in page
    assert "&quot;judgements&quot;: []" in page  # the text comes back to be corrected
    assert not CustomTool.objects.exists()
    response = client.post(url, {"definition": json.dumps(TOOL)})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Our checklist for cohort studies" in page and "Follow-up (2 questions)" in page


def test_the_page_takes_an_uploaded_file(client, personas):
    client.force_login(personas.lead)
    upload = SimpleUploadedFile("tool.json", json.dumps(TOOL).encode(), content_type="application/json")
    response = client.post(reverse("appraisal:custom_tool", args=[personas.review.pk]), {"file": upload})
    assert response.status_code == 302
    assert CustomTool.objects.get(review=personas.review).spec.name == TOOL["name"]


def test_the_page_offers_no_form_once_the_tool_is_in_use(client, team):
    client.force_login(team.personas.lead)
    page = client.get(reverse("appraisal:custom_tool", args=[team.review.pk])).content.decode()
    assert "can no longer change" in page and "Save the custom tool" not in page


def test_the_backup_holds_the_definition_before_the_appraisals(team):
    objects = export_review(team.review)["objects"]
    models = [o["model"] for o in objects]
    [tool] = [o for o in objects if o["model"] == "appraisal.customtool"]
    assert tool["fields"]["definition"] == TOOL
    assert models.index("appraisal.customtool") < models.index("appraisal.appraisal")


def test_the_later_stages_read_its_settled_judgements(team):
    appraisal = team.appraisals[0]
    team.submit_entry(appraisal, 1, entry("high"))
    team.submit_entry(appraisal, 2, entry("high"))
    [risk] = SettledRisks(team.review).rows(["any"], [str(appraisal.study)]).values()
    assert risk is not None and (risk.category, risk.label, risk.tool) == ("high", "High risk", ToolCode.CUSTOM)
    [row] = services.settled_assessments(Appraisal.objects.filter(pk=appraisal.pk))
    columns = forest_columns(tool_spec(team.review.pk, ToolCode.CUSTOM), [row], "all")
    assert columns.headings == ("S", "F", "O")
    assert [cell.label for cell in columns.rows[str(appraisal)] if cell] == ["Low risk", "High risk", "High risk"]


def test_the_assessment_and_conflict_pages_show_its_questions_and_judgements(client, team):
    appraisal = team.appraisals[0]
    first = team.assessment(appraisal, 1)
    client.force_login(first.assessor)
    url = reverse("appraisal:assess", args=[team.review.pk, first.pk])
    page = client.get(url).content.decode()
    assert "S1 Were both groups drawn from one population?" in page and "Unclear risk" in page
    assert "the tool leaves this to your judgement" in page
    data = {"action": "submit", "a|S|S1": "Y", "s|S|S1": "p. 2", "a|F|F1": "N", "s|F|F1": "Table 2"}
    data |= {"a|F|F2": "Y", "s|F|F2": "p. 4", "j|S": "low", "j|F": "unclear", "j|overall": "unclear"}
    assert client.post(url, data).status_code == 302
    assert first.answers.get(question="F2").answer == "Y"
    team.submit_entry(appraisal, 2, entry("high"))
    client.force_login(team.personas.adjudicator)
    page = client.get(reverse("appraisal:conflicts", args=[team.review.pk])).content.decode()
    assert "Follow-up" in page and "High risk" in page


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _more_custom_appraisals(team, number: int, follow_up: str = "high") -> list[Appraisal]:
    """`number` more custom-tool cohort studies, both assessors disagreeing on follow-up (a conflict on F and
    overall each) unless `follow_up` is low."""
    lead = team.personas.lead
    made = []
    for index in range(number):
        study = Study.objects.create(review=team.review, label=f"Later cohort {index} 2021")
        made.append(services.add_appraisal(review=team.review, user=lead, study_id=study.pk, design=Design.COHORT))
    services.assign_automatically(review=team.review, user=lead)
    for appraisal in made:
        assert team.submit_entry(appraisal, 1, entry("low")) == []
        assert team.submit_entry(appraisal, 2, entry(follow_up)) == []
    return made


def test_the_overview_and_conflicts_pages_queries_do_not_grow_with_custom_tool_appraisals(client, team):
    first = team.appraisals[0]
    assert team.submit_entry(first, 1, entry("low")) == []
    assert team.submit_entry(first, 2, entry("high")) == []
    client.force_login(team.personas.adjudicator)
    overview = reverse("appraisal:overview", args=[team.review.pk])
    conflicts = reverse("appraisal:conflicts", args=[team.review.pk])
    before = (_queries(client, overview), _queries(client, conflicts))
    _more_custom_appraisals(team, 3)
    assert (_queries(client, overview), _queries(client, conflicts)) == before
    assert before[0] <= 20 and before[1] <= 12, before


def test_the_settled_risks_read_the_custom_tool_once(team):
    appraisals = [team.appraisals[0], *_more_custom_appraisals(team, 3, follow_up="low")]
    assert team.submit_entry(appraisals[0], 1, entry("low")) == []
    assert team.submit_entry(appraisals[0], 2, entry("low")) == []
    with CaptureQueriesContext(connection) as captured:
        risks = SettledRisks(team.review).risks
    assert len(risks) == 4 and len(captured) == 2, [q["sql"] for q in captured.captured_queries]
