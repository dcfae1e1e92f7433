"""The second demo review: the 13 BCG vaccine trials (Colditz et al. 1994; metafor's dat.bcg) carried through every
stage by the real services, whose pooled numbers equal metafor's published ones."""

import math

import pytest

from analysis.engine.dataset import MEASURE_INFO
from appraisal.models import Appraisal, Assessment
from appraisal.models import Consensus as Judgement
from appraisal.services import is_locked as appraisal_locked
from extraction.models import Consensus, ConsensusStatus, Extraction
from extraction.services import is_locked
from identification.demo import bcg_trials
from reviews.demo import BCG, BCG_TITLE, NMOSD
from reviews.models import Review
from screening.conflicts import open_conflicts
from screening.models import Resolution, Stage, Vote
from tests.analysis.bcg import expected, trials
from tests.analysis.reference import printed

pytestmark = pytest.mark.django_db


@pytest.fixture
def bcg(demo):
    return Review.objects.get(title=BCG_TITLE)


def test_each_demo_review_knows_its_demo(demo, bcg):
    assert (demo.demo, bcg.demo) == (NMOSD, BCG)


def test_the_trials_are_metafors_dat_bcg():
    columns = ["author", "year", "tpos", "tneg", "cpos", "cneg", "ablat", "alloc"]
    ours = [[row[column] for column in columns] for row in bcg_trials()]
    assert ours == trials()[columns].astype(str).to_numpy().tolist()


def test_the_trials_are_imported_screened_by_two_and_one_conflict_adjudicated(bcg):
    [record_import] = bcg.imports.all()
    assert record_import.status == "done" and record_import.record_count == 15
    assert Vote.objects.filter(review=bcg, stage=Stage.TITLE_ABSTRACT).values("reviewer").distinct().count() == 2
    [adjudicated] = Resolution.objects.filter(review=bcg, method="adjudication")
    assert "meta-analysis" in adjudicated.record.shown.title and adjudicated.decision == "exclude"
    assert not open_conflicts(bcg, Stage.TITLE_ABSTRACT) and not open_conflicts(bcg, Stage.FULL_TEXT)
    labels = sorted(bcg.studies.values_list("label", flat=True))
    assert len(labels) == 13 and "Hart 1977" in labels and "Rosenthal 1960" in labels


def test_the_trials_are_extracted_twice_the_one_conflict_settled_and_locked(bcg):
    assert Extraction.objects.filter(review=bcg, status="submitted").count() == 26
    [settled] = Consensus.objects.filter(review=bcg, status=ConsensusStatus.RESOLVED)
    assert (settled.field.key, settled.arm, settled.value) == ("events", 2, "65")
    assert settled.study.label == "Rosenthal 1961"
    assert is_locked(bcg)


def test_the_trials_are_assessed_with_rob2_twice_one_disagreement_settled_and_locked(bcg):
    assert Appraisal.objects.filter(review=bcg, tool="rob2", outcome="Tuberculosis").count() == 13
    assert Assessment.objects.filter(review=bcg, status="submitted").count() == 26
    settled = Judgement.objects.filter(review=bcg, status="resolved")
    assert "D4" in settled.values_list("domain", flat=True)
    assert {cell.resolved_by.username for cell in settled} == {"adjudicator"}
    assert appraisal_locked(bcg)


def published(case: str, quantity: str) -> float:
    """metafor's printed value (4 decimals), the first of bcg_expected.csv's rows for it."""
    table = expected()
    return float(table[(table.case_id == case) & (table.quantity == quantity)].expected_value.iloc[0])


def test_the_pooled_risk_ratios_equal_metafors(bcg):
    [run] = bcg.analysis_runs.all()
    assert run.status == "done" and MEASURE_INFO["RR"].ratio
    tb, mh = run.results["outcomes"]["tb"], run.results["outcomes"]["tb_mh"]
    overall = tb["overall"]
    # rma(yi, vi, method="REML") on dat.bcg: log RR -0.7145 (-1.0669 to -0.3622), RR 0.4894 (0.3441 to 0.6962).
    for ours, quantity in (
        (overall["estimate"], "estimate"),
        (overall["ci_lower"], "ci_lb"),
        (overall["ci_upper"], "ci_ub"),
    ):
        assert ours == pytest.approx(published("bcg_rr_reml", quantity), abs=5e-5)
    assert overall["tau2"] == pytest.approx(published("bcg_rr_reml", "tau2"), abs=5e-5)
    rr = [math.exp(overall[key]) for key in ("estimate", "ci_lower", "ci_upper")]
    assert rr == pytest.approx([0.4894, 0.3441, 0.6962], abs=5e-5)
    for allocation in ("random", "alternate", "systematic"):
        assert tb["subgroups"][allocation]["estimate"] == pytest.approx(
            published(f"bcg_rr_sub_{allocation}", "estimate"), abs=5e-5
        )
    # rma.mh(ai, n1i, ci, n2i, measure="RR") on dat.bcg (metafor 3.8-1): -0.4537 (SE 0.0393), -0.5308 to -0.3766.
    assert mh["method"] == "MH"
    pooled = [mh["overall"][key] for key in ("estimate", "se", "ci_lower", "ci_upper")]
    assert pooled == pytest.approx([-0.4537, 0.0393, -0.5308, -0.3766], abs=5e-5)


def test_the_random_effects_outcome_is_regressed_on_latitude_as_metafor(bcg):
    [run] = bcg.analysis_runs.all()
    regression = run.results["outcomes"]["tb"]["meta_regression"]
    # rma(yi, vi, mods = ~ ablat, data=dat) on dat.bcg (metafor's docs, reference/emmprep.html and the tutorials).
    assert (regression["label"], regression["k"], regression["notes"]) == ("Absolute latitude", 13, [])
    intercept, slope = regression["coefficients"]
    printed_rows = (
        (intercept, (0.2515, 0.2491, 1.0095, 0.3127, -0.2368, 0.7397)),
        (slope, (-0.0291, 0.0072, -4.0444, None, -0.0432, -0.0150)),
    )
    for coefficient, values in printed_rows:
        keys = ("estimate", "se", "statistic", "p_value", "ci_lower", "ci_upper")
        for key, value in zip(keys, values, strict=True):
            if value is not None:
                assert coefficient[key] == printed(value, 4), key
    assert slope["p_value"] < 1e-4  # printed "<.0001"
    test = regression["moderator_test"]
    assert (test["statistic_name"], test["df"], test["statistic"]) == ("QM", [1], printed(16.3571, 4))
    assert test["p_value"] < 1e-4
    assert (regression["tau2"], regression["i2"]) == (printed(0.0764, 4), printed(68.39, 2))
    assert "meta_regression" not in run.results["outcomes"]["tb_mh"]
