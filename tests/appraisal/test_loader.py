"""Tool files are validated on load, with errors that name the file and the entry; the custom tool a lead defines."""

import copy
import json

import pytest

from appraisal.algorithm import suggest_domain, suggest_overall
from appraisal.loader import TOOLS_DIR, load, load_file, parse
from appraisal.model import ToolError
from appraisal.nos import score

CUSTOM = {
    "code": "pedro_like",
    "name": "Our quality checklist",
    "kind": "custom",
    "answers": [
        {"code": "yes", "label": "Yes"},
        {"code": "no", "label": "No"},
        {"code": "unclear", "label": "Unclear"},
    ],
    "judgements": [
        {"code": "good", "label": "Good", "severity": 0, "colour": "#02C100", "symbol": "+"},
        {"code": "poor", "label": "Poor", "severity": 1, "colour": "#BF0000", "symbol": "X"},
    ],
    "domains": [
        {
            "code": "blinding",
            "short": "B",
            "name": "Blinding",
            "questions": [
                {"code": "b1", "text": "Were assessors blinded?", "options": ["yes", "no", "unclear"]},
                {
                    "code": "b2",
                    "text": "If no: was the outcome objective?",
                    "options": ["yes", "no"],
                    "asked_if": {"question": "b1", "in": ["no"]},
                },
            ],
        },
    ],
}


def rob2_data():
    return json.loads((TOOLS_DIR / "rob2.json").read_text())


def test_every_built_in_tool_loads():
    assert [load(code).code for code in ("rob2", "robins_i", "nos_cohort", "nos_case_control")] == [
        "rob2",
        "robins_i",
        "nos_cohort",
        "nos_case_control",
    ]
    with pytest.raises(ToolError, match="no built-in tool 'rob1'"):
        load("rob1")


def test_a_custom_tool_has_questions_and_the_assessors_judgement():
    tool = parse(CUSTOM, "custom.json")
    assert tool.kind == "custom" and tool.variant().domains == ("blinding",)
    suggestion = suggest_domain(tool, "blinding", {"b1": "no", "b2": "yes"})
    assert suggestion.judgement is None and not suggestion.missing
    assert suggest_domain(tool, "blinding", {"b1": "no"}).missing == ("b2",)
    assert suggest_overall(tool, {"blinding": "good"}).judgement is None


def test_a_custom_tool_may_not_carry_an_algorithm():
    data = copy.deepcopy(CUSTOM)
    data["domains"][0]["algorithm"] = {"parts": []}
    with pytest.raises(ToolError, match=r"custom.json: domains\[0\].algorithm: a custom tool has no algorithm"):
        parse(data, "custom.json")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("judgements"), r"rob2.json: judgements: is missing"),
        (lambda d: d.update(kind="checklist"), r"rob2.json: kind: 'checklist' is not one of"),
        (
            lambda d: d["domains"][0]["questions"][1].update(options=["Y", "Maybe"]),
            r"rob2.json: domains\[0\].questions\[1\].options\[1\]: 'Maybe' is not one of the tool's answers",
        ),
        (
            lambda d: d["domains"][1]["questions"][2].update(asked_if={"question": "2.5", "in": ["Y"]}),
            r"domains\[1\].questions\[2\].asked_if.question: '2.5' is not an earlier question",
        ),
        (
            lambda d: d["domains"][0]["algorithm"]["parts"][0]["rules"].pop(3),
            r"domains\[0\].algorithm.parts\[0\].rules: the answers 1.1 Y, 1.2 PN, 1.3 Y match no rule",
        ),
        (
            lambda d: d["domains"][0]["algorithm"]["parts"][0]["rules"][0]["when"]["all"].pop(1),
            r"domains\[0\].algorithm.parts\[0\].rules: the answers 1.1 PN, 1.2 Y, 1.3 PN match rules D1.low and",
        ),
        (
            lambda d: d["domains"][4]["algorithm"]["parts"][0]["rules"][0].update(judgement="moderate"),
            r"domains\[4\].algorithm.parts\[0\].rules\[0\].judgement: 'moderate' is not one of the tool's judgements",
        ),
        (
            lambda d: d["overall"]["rules"].pop(1),
            r"overall.rules: the domain judgements low, low, low, low, some_concerns match no rule",
        ),
        (lambda d: d["variants"][0]["domains"].append("D9"), r"variants\[0\].domains\[5\]: 'D9' is not a domain"),
        (
            lambda d: d["domains"][0]["questions"][0].update(asked_if={"answer": "1.1"}),
            r"domains\[0\].questions\[0\].asked_if: not a condition",
        ),
        (lambda d: d["domains"][0].update(short=""), r"domains\[0\].short: is empty"),
    ],
)
def test_a_bad_entry_is_named_by_file_and_path(change, message):
    data = rob2_data()
    change(data)
    with pytest.raises(ToolError, match=message):
        parse(data, "rob2.json")


def test_a_file_that_is_not_json_says_where(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"code": "x",\n "kind": }')
    with pytest.raises(ToolError, match="broken.json: line 2: not JSON"):
        load_file(path)


def test_a_star_item_whose_maximum_the_options_cannot_reach_is_refused():
    data = json.loads((TOOLS_DIR / "nos_cohort.json").read_text())
    data["sections"][1]["items"][0]["max_stars"] = 3
    with pytest.raises(ToolError, match=r"sections\[1\].items\[0\].max_stars: is 3 but the options give at most 2"):
        parse(data, "nos_cohort.json")


COHORT_ANSWERS = {
    "representativeness": "a",
    "non_exposed": "a",
    "exposure": "b",
    "outcome_absent_at_start": "a",
    "comparability": ["a", "b"],
    "assessment": "b",
    "follow_up_length": "a",
    "follow_up_adequacy": "c",
}


def test_newcastle_ottawa_stars_add_up_to_at_most_nine():
    result = score(load("nos_cohort"), COHORT_ANSWERS)
    assert (result.stars, result.total, result.maximum) == ({"selection": 4, "comparability": 2, "outcome": 2}, 8, 9)
    assert result.quality == "good"


@pytest.mark.parametrize(
    ("changes", "quality"),
    [
        ({"non_exposed": "b", "exposure": "c"}, "fair"),
        ({"comparability": []}, "poor"),
        ({"assessment": "c"}, "poor"),
        ({"representativeness": "c", "non_exposed": "b"}, "fair"),
    ],
)
def test_newcastle_ottawa_quality_follows_the_ahrq_thresholds(changes, quality):
    answers = COHORT_ANSWERS | changes
    result = score(load("nos_cohort"), answers)
    if changes.get("comparability") == []:
        assert result.missing == ("comparability",) and result.quality is None
    else:
        assert result.quality == quality


def test_newcastle_ottawa_case_control_and_bad_choices():
    tool = load("nos_case_control")
    answers = {
        "case_definition": "b",
        "representativeness": "a",
        "control_selection": "b",
        "control_definition": "a",
        "comparability": ["a"],
        "ascertainment": "b",
        "same_method": "a",
        "non_response": "c",
    }
    result = score(tool, answers)
    assert (result.stars, result.total, result.quality) == (
        {"selection": 2, "comparability": 1, "exposure": 2},
        5,
        "fair",
    )
    with pytest.raises(ValueError, match="same_method: 'z' is not one of a, b"):
        score(tool, answers | {"same_method": "z"})
    with pytest.raises(ValueError, match="same_method: choose one option"):
        score(tool, answers | {"same_method": ["a", "b"]})
    with pytest.raises(ValueError, match="no item colour"):
        score(tool, answers | {"colour": "a"})
