"""ROBINS-I: the overall judgement as the guidance tabulates it, and the one algorithmic step within a domain.

Expected values from Sterne et al. BMJ 2016;355:i4919, Table 2 (interpretation of domain-level and overall risk of
bias judgements): low = low in all domains; moderate = low or moderate in all domains; serious = serious in at least
one domain but not critical in any; critical = critical in at least one domain; no information = no clear indication
of serious or critical risk and a lack of information in one or more key domains. The detailed guidance lets the
assessor judge several serious domains critical overall, so that is offered, not imposed.
"""

import itertools

from appraisal.algorithm import answer_combinations, suggest_domain, suggest_overall
from appraisal.loader import load

ROBINS_I = load("robins_i")
LEVELS = ["low", "moderate", "serious", "critical", "no_information"]


def guidance_overall(judgements):
    if "critical" in judgements:
        return "critical"
    if "serious" in judgements:
        return "serious"
    if "no_information" in judgements:
        return "no_information"
    return "moderate" if "moderate" in judgements else "low"


def test_overall_judgement_for_every_combination_of_seven_domain_judgements():
    domains = ROBINS_I.variant("assignment").domains
    for judgements in itertools.product(LEVELS, repeat=len(domains)):
        suggestion = suggest_overall(ROBINS_I, dict(zip(domains, judgements, strict=True)))
        assert suggestion.judgement == guidance_overall(judgements), judgements
        alternatives = {a.judgement for a in suggestion.alternatives}
        several_serious = judgements.count("serious") >= 2 and "critical" not in judgements
        assert ("critical" in alternatives) == several_serious


def test_no_information_in_some_domains_offers_the_worst_of_the_others():
    judgements = dict.fromkeys(ROBINS_I.variant("adhering").domains, "low") | {"D3": "moderate", "D5": "no_information"}
    suggestion = suggest_overall(ROBINS_I, judgements, "adhering")
    assert suggestion.judgement == "no_information"
    assert [(a.rule, a.judgement) for a in suggestion.alternatives] == [
        ("O.information-lacking-in-minor-domains", "moderate")
    ]


def test_no_potential_for_confounding_suggests_low_and_other_answers_are_the_assessors():
    for answers in answer_combinations(ROBINS_I.domain("D1")):
        suggestion = suggest_domain(ROBINS_I, "D1", answers)
        if answers["1.1"] in ("N", "PN"):
            assert suggestion.judgement == "low" and suggestion.fired[0].because
            assert all(answers[q] == "NA" for q in ("1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8"))
        else:
            assert suggestion.judgement is None and not suggestion.missing


def test_confounding_questions_follow_the_tools_directions():
    domain = ROBINS_I.domain("D1")
    from appraisal.algorithm import asked

    assert asked(domain, {"1.1": "Y", "1.2": "N"}) == ["1.1", "1.2", "1.4", "1.6"]
    assert asked(domain, {"1.1": "Y", "1.2": "Y", "1.3": "Y", "1.7": "PY"}) == ["1.1", "1.2", "1.3", "1.7", "1.8"]


def test_domains_without_an_algorithm_leave_the_judgement_to_the_assessor():
    answers = {"6.1": "Y", "6.2": "Y", "6.3": "N", "6.4": "Y"}
    assert suggest_domain(ROBINS_I, "D6", answers).judgement is None


def test_seven_domains_with_their_signalling_questions():
    variant = ROBINS_I.variant("assignment")
    counts = [len(ROBINS_I.domain(code).questions) for code in variant.domains]
    assert counts == [8, 5, 3, 2, 5, 4, 3]
    assert len(ROBINS_I.domain("D4-adhering").questions) == 4
