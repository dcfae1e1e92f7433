"""Each question's condition in the tool files says what the official wording's "If ... to ...:" prefix says."""

import re

import pytest

from appraisal.algorithm import answer_combinations, asked
from appraisal.loader import load

PREFIX = re.compile(r"^(?:\[If applicable:\] )?If (.+?): ")


def prefix_holds(prefix: str, answers: dict[str, str]) -> bool:
    """'Y/PY/NI to 2.1 or 2.2', 'N/PN/NI to 4.1 and 4.2', 'N/PN to 4.3, 4.4 or 4.5', clauses joined by ', or '."""
    for clause in prefix.split(", or "):
        allowed, questions = clause.split(" to ")
        codes = re.split(r", | or | and ", questions)
        test = all if " and " in questions else any
        if test(answers.get(code) in allowed.split("/") for code in codes):
            return True
    return False


@pytest.mark.parametrize("tool_code", ["rob2", "robins_i"])
def test_questions_are_asked_exactly_when_their_wording_says(tool_code):
    tool = load(tool_code)
    checked = 0
    for domain in tool.domains:
        for answers in answer_combinations(domain):
            shown = asked(domain, answers)
            for question in domain.questions:
                match = PREFIX.match(question.text)
                if match:
                    assert (question.code in shown) == prefix_holds(match.group(1), answers), (question.code, answers)
                    checked += 1
    assert checked > 100
