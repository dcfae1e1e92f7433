"""The exported metafor script: text from the review is data, never code; R's numbers equal Tandem's.

Every title, label, study name, subgroup value and field name is an escaped R string literal. That is
checked by reading the script back (its code outside literals and comments is the same whatever the
texts, and each literal reads back to its text) and by running it in R, where nothing from the review
executes. The R tests run every script of the test reviews and of the demo and compare metafor's
numbers with Tandem's stored results to 1e-6.
"""

import copy
import io
import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import TestCase, override_settings
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from analysis.exports import r_script
from analysis.models import Estimator
from analysis.rliterals import r_number, r_string
from analysis.services import run_analysis
from extraction import services as extraction
from tests.analysis.helpers import lock_team, study_values
from tests.analysis.metafor_r import disagreements, metafor_tables, run_r_file
from tests.extraction.helpers import Team

HOSTILE = [
    'a "quoted" word',
    "back\\slash at the end\\",
    '")\nfile.create("canary")\n#',
    '"); file.create("canary"); cat("INJ", "ECTED", sep = ""); ("',
    "line one\nline two\rline three\r\nend",
    "# not a comment",
    '\\u0022); file.create("canary"); (\\u0022',
    "\\\"); file.create('canary'); #",
    "NUL\x00byte",
    "İstanbul – Ünïcödé ✓ 😀 \u2028 \u200b \ufeff",
    "'single' `backtick` ${x} {{ braces }} %s \\n",
    "\x01\x07\x08\x0b\x0c\x1b\x7f",
    "lone surrogate \ud800",
    "\\",
]


def readable(text: str) -> str:
    """What R holds for text: NUL and lone surrogates cannot be R text and become U+FFFD."""
    return re.sub("[\x00\ud800-\udfff]", "\ufffd", text)


SIMPLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "\\": "\\"}
SIMPLE_ESCAPES |= {'"': '"', "'": "'", "`": "`", " ": " "}
CODE_POINT = re.compile(r"u\{([0-9a-fA-F]{1,4})\}|U\{([0-9a-fA-F]{1,8})\}|u([0-9a-fA-F]{1,4})|x([0-9a-fA-F]{1,2})")


def read_r_literal(body: str) -> str:
    """The text an R string literal's body (between its quotes) stands for, as R's parser reads it."""
    text, i = [], 0
    while i < len(body):
        if body[i] != "\\":
            text.append(body[i])
            i += 1
            continue
        if body[i + 1] in SIMPLE_ESCAPES:
            text.append(SIMPLE_ESCAPES[body[i + 1]])
            i += 2
            continue
        match = CODE_POINT.match(body, i + 1)
        assert match, f"R rejects the escape at {body[i : i + 8]!r}"
        text.append(chr(int(next(group for group in match.groups() if group), 16)))
        i = match.end()
    return "".join(text)


def read_r_source(script: str) -> tuple[str, list[str]]:
    """R source split into its code, with comments dropped and each string literal as "S", and the literals'
    texts. A literal written over several lines is refused: one would turn a comment's tail into code."""
    code, literals, i = [], [], 0
    while i < len(script):
        character = script[i]
        if character == "#":
            i = script.find("\n", i) if "\n" in script[i:] else len(script)
        elif character in "\"'":
            end = i + 1
            while script[end] != character:
                end += 2 if script[end] == "\\" else 1
            body = script[i + 1 : end]
            assert "\n" not in body and "\r" not in body, f"a literal spans lines: {body!r}"
            literals.append(read_r_literal(body))
            code.append("S")
            i = end + 1
        else:
            code.append(character)
            i += 1
    return "".join(code), literals


@pytest.mark.parametrize("text", HOSTILE)
def test_r_string_is_one_printable_ascii_literal_that_reads_back(text):
    literal = r_string(text)
    assert re.fullmatch(r'"([ !#-\[\]-~]|\\.)*"', literal), literal
    code, literals = read_r_source(f"x <- {literal} # {literal}\n")
    assert code == "x <- S \n" and literals == [readable(text)]


@given(st.text())
@example("İstanbul\x00\r\n\"')#\\u{41}")
def test_any_text_reads_back_from_its_r_string(text):
    literal = r_string(text)
    assert literal.isascii() and literal.isprintable()
    assert read_r_source(literal) == ("S", [readable(text)])


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_r_number_reads_back_to_the_same_double(number):
    assert float(r_number(number)) == number


def test_r_number_writes_missing_and_infinite_as_r_does():
    written = [r_number(value) for value in (None, float("nan"), float("inf"), -float("inf"), 3)]
    assert written == ["NA", "NA", "Inf", "-Inf", "3.0"]


def relabel(run, text_for):
    """A copy of the run with every text from the review replaced: text_for(kind, i) gives the i-th text of a kind."""
    run = copy.copy(run)
    run.review = copy.copy(run.review)
    results = copy.deepcopy(run.results)
    subgroups = {}

    def subgroup(name):
        return subgroups.setdefault(name, text_for("subgroup", len(subgroups)))

    outcomes, studies = {}, 0
    for i, outcome in enumerate(results["outcomes"].values()):
        outcome["label"] = text_for("label", i)
        outcome["subgroups"] = {subgroup(name): result for name, result in outcome["subgroups"].items()}
        for study in outcome["studies"]:
            study["study"], study["subgroup"] = text_for("study", studies), subgroup(study["subgroup"])
            studies += 1
        outcomes[text_for("outcome", i)] = outcome
    results["outcomes"] = outcomes
    run.results = results
    run.review.title = text_for("title", 0)
    run.subgroup = text_for("field", 0)
    run.data_fingerprint = text_for("fingerprint", 0)
    return run


# Where each kind of text starts in HOSTILE: the twelve study names (two outcomes of six studies) and the two
# subgroups take every hostile text, so each is run in R as data.
FIRST_HOSTILE = {"study": 0, "subgroup": 12, "outcome": 3, "label": 5, "title": 2, "field": 7, "fingerprint": 9}


def hostile_text(kind, i):
    # The index keeps outcome keys and subgroups distinct, as they are in a review.
    return f"{HOSTILE[(FIRST_HOSTILE[kind] + i) % len(HOSTILE)]}{i}"


@pytest.fixture
def run(personas):
    return run_analysis(review=lock_team(personas).review, user=personas.lead)


@pytest.mark.django_db
def test_texts_from_the_review_are_string_literals_and_never_code(run):
    benign, benign_literals = read_r_source(r_script(relabel(run, lambda kind, i: f"{kind}{i}")))
    script = r_script(relabel(run, hostile_text))
    hostile, hostile_literals = read_r_source(script)
    assert hostile == benign, "the same code whatever the texts"
    assert len(hostile_literals) == len(benign_literals)
    in_code = {readable(hostile_text(kind, i)) for kind in ("outcome", "study", "subgroup") for i in range(2)}
    assert in_code <= set(hostile_literals)
    in_comments = [hostile_text(kind, 0) for kind in ("title", "label", "field", "fingerprint")]
    assert all(r_string(text) in script for text in in_comments)


@pytest.mark.django_db
def test_the_downloaded_script_keeps_a_title_with_a_newline_in_its_comment(client, personas, run):
    run.review.title = 'NMOSD\nfile.create("canary") # "'
    run.review.save()
    client.force_login(personas.viewer)
    response = client.get(reverse("analysis:r_script", kwargs={"review_id": run.review_id, "run_id": run.pk}))
    script = response.content.decode()
    assert "file.create" not in read_r_source(script)[0]
    assert '# Review: "NMOSD\\nfile.create(\\"canary\\") # \\""\n' in script


@pytest.mark.r
@pytest.mark.slow
@pytest.mark.django_db
def test_r_runs_the_hostile_script_and_executes_none_of_its_texts(run, tmp_path):
    hostile = relabel(run, hostile_text)
    codes = (tmp_path / "codes.txt").as_posix()
    script = r_script(hostile) + (
        "texts <- c(metafor_pooled$outcome, metafor_pooled$subgroup[!is.na(metafor_pooled$subgroup)], studies$study)\n"
        f"writeLines(sapply(texts, function(s) paste(utf8ToInt(s), collapse = ' ')), {r_string(codes)})\n"
    )
    (tmp_path / "hostile.R").write_text(script, encoding="utf-8")
    finished = run_r_file(tmp_path / "hostile.R")
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert not (tmp_path / "canary").exists() and "INJECTED" not in finished.stdout
    outcomes = hostile.results["outcomes"]
    last = list(outcomes.values())[-1]
    texts = [key for key, outcome in outcomes.items() for _ in range(1 + len(outcome["subgroups"]))]
    texts += [group for outcome in outcomes.values() for group in outcome["subgroups"]]
    texts += [study["study"] for study in last["studies"]]
    assert all(any(text.startswith(h) for text in texts) for h in HOSTILE[6:]), "each hostile text goes to R"
    read_back = [line.split() for line in (tmp_path / "codes.txt").read_text().splitlines()]
    assert read_back == [[str(ord(c)) for c in readable(text)] for text in texts]


def heterogeneous_values(i: int) -> dict:
    """Study i of seven: the effects of the first six differ (τ² > 0); the seventh is a third treatment's only study."""
    values = study_values(i)
    values["arr_after_mean"] = f"{[0.1, 0.9, 0.4, 1.3, 0.2, 0.7, 0.5][i]:.2f}"
    values["edss_after_mean"] = f"{[2.1, 4.8, 3.0, 5.5, 2.6, 3.9, 4.0][i]:.2f}"
    if i == 6:
        values["treatment"] = "other"
    return values


def lock_heterogeneous(personas):
    team = Team(personas, studies=7)
    for i, study in enumerate(team.studies):
        for slot in (1, 2):
            team.submit(study, slot, **heterogeneous_values(i))
    extraction.lock(review=team.review, user=personas.lead)
    return team.review


def analyse_with(review, user, models):
    """A run per (estimator, Hartung-Knapp). Drawing the plots takes most of a run's time and R never sees them."""
    with mock.patch("analysis.services.plots.render", return_value=b"<svg></svg>"):
        return [run_analysis(review=review, user=user, method=method, knha=knha) for method, knha in models]


EVERY_MODEL = [(method, knha) for method in Estimator.values for knha in (False, True)]
# Each estimator once, half of them with Hartung-Knapp: a run of the demo takes seconds.
EVERY_ESTIMATOR = [(method, i % 2 == 0) for i, method in enumerate(Estimator.values)]


def assert_metafor_agrees(runs, directory):
    tables = metafor_tables([r_script(run) for run in runs], directory)
    problems = {
        f"{run.method}{' knha' if run.knha else ''}": disagreements(run.results, *table)
        for run, table in zip(runs, tables, strict=True)
    }
    assert not any(problems.values()), {name: found for name, found in problems.items() if found}


@pytest.mark.r
@pytest.mark.slow
@pytest.mark.django_db
def test_metafor_gives_the_numbers_of_the_test_review_script(run, tmp_path):
    assert_metafor_agrees([run], tmp_path)


@pytest.mark.r
@pytest.mark.slow
@pytest.mark.django_db
def test_metafor_gives_the_numbers_with_heterogeneity_and_a_subgroup_of_one_study(personas, tmp_path):
    runs = analyse_with(lock_heterogeneous(personas), personas.lead, EVERY_MODEL)
    assert runs[0].results["outcomes"]["arr"]["overall"]["tau2"] > 0.01
    assert runs[0].results["outcomes"]["arr"]["subgroups"]["other"]["k"] == 1
    assert_metafor_agrees(runs, tmp_path)


@pytest.fixture(scope="module")
def demo_runs(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo built once for this module: its own analysis, then one with each estimator.

    Built in a transaction that is rolled back, so no other test sees it: TestCase's atomic blocks, since the
    services' durable atomic blocks may nest only in those. Another fixture that builds the demo once (per session)
    can take its place: only the runs, with their review loaded, are used."""
    from reviews.demo import DEMO_TITLE
    from reviews.models import Review

    media = tmp_path_factory.mktemp("demo-media")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=hashers),
    ):
        atomics = TestCase._enter_atomics()
        try:
            call_command("demo", stdout=io.StringIO())
            review = Review.objects.get(title=DEMO_TITLE)
            own = review.analysis_runs.select_related("review")
            runs = [*own, *analyse_with(review, review.created_by, EVERY_ESTIMATOR)]
        finally:
            TestCase._rollback_atomics(atomics)
    return runs


@pytest.mark.r
@pytest.mark.slow
def test_metafor_gives_the_numbers_of_every_demo_script(demo_runs, tmp_path):
    assert len(demo_runs) == 1 + len(Estimator.values)
    assert_metafor_agrees(demo_runs, tmp_path)


def bcg_runs(personas):
    """The BCG trials (tests/analysis/bcg.py) pooled by Mantel-Haenszel as RR, OR and RD (RR by allocation too) and
    by Peto as OR, beside the inverse-variance outcomes that review already defines."""
    from analysis.models import OutcomeDesign
    from analysis.outcomes import save_mapping
    from tests.analysis.bcg import ARMS, bcg_review

    review = bcg_review(personas)
    common = {
        "review": review,
        "user": personas.lead,
        "mapping": None,
        "design": OutcomeDesign.DICHOTOMOUS,
        "columns": {"n": "n_randomised", "events": "events"},
        "arm_field": "arm_label",
        "comparisons": [list(ARMS)],
    }
    for key, measure, method, group, moderator in (
        ("tb_mh_by_allocation", "RR", "MH", "allocation", "latitude"),
        ("tb_mh_or", "OR", "MH", "", ""),
        ("tb_mh_rd", "RD", "MH", "", "latitude"),
        ("tb_peto", "OR", "PETO", "allocation", ""),
    ):
        save_mapping(
            key=key, label=key, measure=measure, method=method, group_field=group, moderator_field=moderator, **common
        )
    return analyse_with(review, personas.lead, [("REML", False), ("DL", True)])


@pytest.mark.django_db
def test_the_script_pools_mantel_haenszel_and_peto_outcomes_with_rma_mh_and_rma_peto(personas):
    [run, _] = bcg_runs(personas)
    script = r_script(run)
    assert 'analyse("tb_mh", studies, "MH", "RR")' in script
    assert 'analyse("tb_peto", studies, "PETO", "OR")' in script
    assert 'analyse("tb_iv", studies, "REML", "RR")' in script
    # Aronson 1948 first (studies in name order): 4/123 vaccinated, 11/139 controls with tuberculosis.
    assert "  ai = c(4.0, 29.0, " in script and "  n2i = c(139.0, 7277.0, " in script


@pytest.mark.django_db
def test_the_script_regresses_an_outcome_with_a_moderator_on_it(personas):
    [run, _] = bcg_runs(personas)
    script = r_script(run)
    # Aronson 1948 first, at latitude 44; the regression takes the run's estimator, not the outcome's MH.
    assert "  moderator = c(44.0, " in script
    assert 'regress("tb_mh_by_allocation", studies, "REML")' in script
    assert 'regress("tb_mh_or"' not in script


@pytest.mark.r
@pytest.mark.slow
@pytest.mark.django_db
def test_metafor_gives_the_numbers_of_mantel_haenszel_and_peto_outcomes(personas, tmp_path):
    runs = bcg_runs(personas)
    assert {outcome["method"] for outcome in runs[0].results["outcomes"].values()} == {"REML", "MH", "PETO"}
    assert_metafor_agrees(runs, tmp_path)
