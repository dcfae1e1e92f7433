"""RoB 2's algorithms against every combination of signalling answers that the guidance's flowcharts tabulate."""

import itertools

import pytest

from appraisal.algorithm import answer_combinations, asked, suggest_domain, suggest_overall
from appraisal.loader import load
from tests.appraisal import rob2_guidance as guidance

ROB2 = load("rob2")


def on_path(path: dict[str, str], answers: dict[str, str]) -> bool:
    return all(answers[question] in allowed.split("/") for question, allowed in path.items())


def expected(paths, answers):
    """The judgement of the one flowchart path these answers take; fails if they take none or several."""
    matched = [judgement for path, judgement in paths if on_path(path, answers)]
    assert len(matched) == 1, f"{answers} take {len(matched)} paths of the guidance's flowchart"
    return matched[0]


FLOWCHARTS = {
    "D1": guidance.DOMAIN_1,
    "D2-adhering": guidance.DOMAIN_2_ADHERING,
    "D3": guidance.DOMAIN_3,
    "D4": guidance.DOMAIN_4,
    "D5": guidance.DOMAIN_5,
}


@pytest.mark.parametrize("domain", FLOWCHARTS)
def test_every_combination_of_answers_gets_the_flowcharts_judgement(domain):
    paths = FLOWCHARTS[domain]
    combinations = list(answer_combinations(ROB2.domain(domain)))
    for answers in combinations:
        suggestion = suggest_domain(ROB2, domain, answers)
        assert suggestion.judgement == expected(paths, answers), answers
        assert len(suggestion.fired) == 1 and suggestion.because
    taken = {index for answers in combinations for index, (path, _) in enumerate(paths) if on_path(path, answers)}
    assert taken == set(range(len(paths))), "every path of the flowchart is reached by some answers"


def test_domain_2_for_the_effect_of_assignment_combines_its_two_parts_as_the_guidance_tabulates():
    combinations = list(answer_combinations(ROB2.domain("D2-assignment")))
    assert len(combinations) > 100
    for answers in combinations:
        part_1 = expected(guidance.DOMAIN_2_ASSIGNMENT_PART_1, answers)
        part_2 = expected(guidance.DOMAIN_2_ASSIGNMENT_PART_2, answers)
        suggestion = suggest_domain(ROB2, "D2-assignment", answers)
        assert suggestion.judgement == guidance.PARTS_COMBINED[part_1, part_2], answers
        assert [f.judgement for f in suggestion.fired] == [part_1, part_2]


@pytest.mark.parametrize("variant", ["assignment", "adhering"])
def test_overall_judgement_for_every_combination_of_domain_judgements(variant):
    domains = ROB2.variant(variant).domains
    for judgements in itertools.product([guidance.LOW, guidance.SOME, guidance.HIGH], repeat=len(domains)):
        suggestion = suggest_overall(ROB2, dict(zip(domains, judgements, strict=True)), variant)
        assert suggestion.judgement == guidance.overall(judgements)
        several_concerns = judgements.count(guidance.SOME) >= 2 and guidance.HIGH not in judgements
        assert [a.judgement for a in suggestion.alternatives] == (["high"] if several_concerns else [])


def test_the_form_asks_only_the_questions_the_answers_lead_to():
    domain = ROB2.domain("D2-assignment")
    assert asked(domain, {}) == ["2.1", "2.2", "2.6"]
    assert asked(domain, {"2.1": "N", "2.2": "PN", "2.6": "Y"}) == ["2.1", "2.2", "2.6"]
    assert asked(domain, {"2.1": "NI", "2.2": "N", "2.3": "Y", "2.4": "PY", "2.6": "N"}) == [
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "2.5",
        "2.6",
        "2.7",
    ]


def test_unanswered_questions_give_no_suggestion_and_are_named():
    suggestion = suggest_domain(ROB2, "D3", {"3.1": "N"})
    assert suggestion.judgement is None
    assert suggestion.missing == ("3.2",)


def test_an_answer_left_from_before_an_earlier_answer_changed_is_read_as_not_applicable():
    answers = {"3.1": "Y", "3.2": "N", "3.3": "Y", "3.4": "Y"}  # 3.1 changed to Y after the rest were answered
    assert suggest_domain(ROB2, "D3", answers).judgement == "low"


def test_an_answer_the_question_does_not_offer_is_refused():
    with pytest.raises(ValueError, match=r"3\.2: 'NI' is not one of Y, PY, PN, N"):
        suggest_domain(ROB2, "D3", {"3.1": "N", "3.2": "NI"})
    with pytest.raises(ValueError, match="no question '9.9'"):
        suggest_domain(ROB2, "D3", {"9.9": "Y"})


def test_overall_waits_for_every_domain():
    suggestion = suggest_overall(ROB2, {"D1": "low", "D3": "high"})
    assert suggestion.judgement is None
    assert suggestion.missing == ("D2-assignment", "D4", "D5")


def test_every_signalling_question_is_there_with_its_number():
    numbers = {d.code: [q.code for q in d.questions] for d in ROB2.domains}
    assert numbers == {
        "D1": ["1.1", "1.2", "1.3"],
        "D2-assignment": ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7"],
        "D2-adhering": ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6"],
        "D3": ["3.1", "3.2", "3.3", "3.4"],
        "D4": ["4.1", "4.2", "4.3", "4.4", "4.5"],
        "D5": ["5.1", "5.2", "5.3"],
    }
