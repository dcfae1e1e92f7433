"""Properties of the evaluator over the built-in tools, whatever the answers."""

from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.algorithm import answer_combinations, suggest_domain, suggest_overall, worst
from appraisal.loader import load

ROB2 = load("rob2")
ROBINS_I = load("robins_i")
SURE = {"Y": "PY", "PY": "Y", "N": "PN", "PN": "N"}


def test_probably_yes_and_no_weigh_as_yes_and_no_in_every_rob2_domain():
    """The guidance treats Y and PY alike, and N and PN: swapping one for the other never changes a suggestion."""
    for domain in ROB2.domains:
        for answers in answer_combinations(domain):
            swapped = {q: SURE.get(a, a) for q, a in answers.items()}
            assert suggest_domain(ROB2, domain.code, answers) == suggest_domain(ROB2, domain.code, swapped)


def test_no_information_never_earns_a_better_judgement_than_any_definite_answer_could():
    """Lack of information is never rewarded: answering NI to a question is never better than the best judgement
    reachable by answering it Y or N instead (with the same earlier answers, and any later ones)."""
    severity = {j.code: j.severity for j in ROB2.judgements}
    for domain in ROB2.domains:
        codes = [q.code for q in domain.questions]
        judged = [
            (answers, severity[suggest_domain(ROB2, domain.code, answers).judgement])
            for answers in answer_combinations(domain)
        ]
        best: dict[tuple, int] = {}
        for answers, level in judged:
            for index, code in enumerate(codes):
                key = (*[answers[c] for c in codes[:index]], code, answers[code])
                best[key] = min(best.get(key, level), level)
        for answers, level in judged:
            for index, code in enumerate(codes):
                if answers[code] == "NI":
                    prefix = [answers[c] for c in codes[:index]]
                    definite = [best[key] for key in ((*prefix, code, "Y"), (*prefix, code, "N")) if key in best]
                    assert level >= min(definite), (domain.code, answers)


def test_every_suggestion_is_the_worst_of_the_rules_that_fired():
    for domain in ROB2.domains:
        for answers in answer_combinations(domain):
            suggestion = suggest_domain(ROB2, domain.code, answers)
            assert suggestion.judgement == worst(ROB2, [f.judgement for f in suggestion.fired])


def judgements_for(tool, variant):
    domains = tool.variant(variant).domains
    codes = [j.code for j in tool.judgements]
    return st.tuples(*[st.sampled_from(codes) for _ in domains]).map(lambda js: dict(zip(domains, js, strict=True)))


@settings(max_examples=300)
@given(judgements_for(ROB2, "assignment"))
def test_rob2_overall_is_never_better_than_the_worst_domain(judgements):
    overall = suggest_overall(ROB2, judgements)
    assert overall.judgement == worst(ROB2, list(judgements.values()))


@settings(max_examples=300)
@given(judgements_for(ROBINS_I, "adhering"))
def test_robins_i_overall_is_never_better_than_the_worst_domain(judgements):
    overall = suggest_overall(ROBINS_I, judgements, "adhering")
    worst_domain = ROBINS_I.judgement(worst(ROBINS_I, list(judgements.values())) or "low")
    suggested = ROBINS_I.judgement(overall.judgement)
    if suggested.severity is None:  # no information: only when nothing is serious or critical
        assert worst_domain.severity < 2
    else:
        assert suggested.severity >= worst_domain.severity
    for alternative in overall.alternatives:
        assert alternative.judgement != overall.judgement
