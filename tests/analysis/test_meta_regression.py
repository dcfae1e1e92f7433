"""An outcome regressed on a numeric form field (its moderator): validation, the fit against metafor's printed
rma(yi, vi, mods = ~ ablat) on the BCG trials, studies without the moderator, the page and the exports."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analysis.exports import r_script
from analysis.models import AnalysisRun, OutcomeDesign, OutcomeMapping
from analysis.outcomes import MappingError, save_mapping
from analysis.services import run_analysis
from tests.analysis.bcg import bcg_review
from tests.analysis.metafor_r import disagreements, metafor_tables
from tests.analysis.reference import printed

pytestmark = pytest.mark.django_db


def regressed(review, lead, moderator="latitude"):
    """The inverse-variance outcome of the BCG review with a moderator."""
    mapping = OutcomeMapping.objects.get(review=review, key="tb_iv")
    return save_mapping(
        review=review,
        user=lead,
        mapping=mapping,
        key=mapping.key,
        label=mapping.label,
        group_field="",
        design=mapping.design,
        measure=mapping.measure,
        columns=mapping.columns,
        arm_field=mapping.arm_field,
        comparisons=mapping.comparisons,
        moderator_field=moderator,
    )


def url(name, run, **kwargs):
    return reverse(f"analysis:{name}", kwargs={"review_id": run.review_id, "run_id": run.pk, **kwargs})


@pytest.mark.parametrize(
    ("moderator", "problem"),
    [
        ("altitude", "the moderator 'altitude' is not on the form"),
        ("allocation", "the moderator 'allocation' is not a number field"),
    ],
)
def test_a_moderator_must_be_a_number_field_of_the_form(personas, moderator, problem):
    review = bcg_review(personas)
    with pytest.raises(MappingError, match=problem):
        regressed(review, personas.lead, moderator)
    assert OutcomeMapping.objects.get(review=review, key="tb_iv").moderator_field == ""


def test_a_within_arm_change_is_not_regressed(personas):
    review = bcg_review(personas)
    with pytest.raises(MappingError, match="a meta-regression needs a two-arm or generic outcome"):
        save_mapping(
            review=review,
            user=personas.lead,
            mapping=None,
            key="change",
            label="Change",
            group_field="",
            columns={"n": "n_randomised"},
            design=OutcomeDesign.PRE_POST,
            moderator_field="latitude",
        )


def test_the_outcome_form_offers_number_fields_only_as_moderators(client, personas):
    review = bcg_review(personas)
    mapping = OutcomeMapping.objects.get(review=review, key="tb_iv")
    client.force_login(personas.lead)
    page = reverse("analysis:mapping_edit", args=[review.pk, mapping.pk])
    form = {
        "key": "tb_iv",
        "label": "TB",
        "design": "dichotomous",
        "measure": "RR",
        "arm_field": "arm_label",
        "comparisons": "BCG vs control",
        "arm_n": "n_randomised",
        "arm_events": "events",
    }
    refused = client.post(page, {**form, "moderator_field": "allocation"})
    assert refused.status_code == 400 and "Select a valid choice" in refused.content.decode()
    assert client.post(page, {**form, "moderator_field": "latitude"}).status_code == 302
    mapping.refresh_from_db()
    assert mapping.moderator_field == "latitude"
    assert "Meta-regression on" in client.get(reverse("analysis:mappings", args=[review.pk])).content.decode()


def test_the_regression_on_latitude_equals_metafors(personas):
    review = bcg_review(personas)
    regressed(review, personas.lead)
    run = run_analysis(review=review, user=personas.lead, method="REML")
    regression = run.results["outcomes"]["tb_iv"]["meta_regression"]
    # rma(yi, vi, mods = ~ ablat, data=dat), metafor's docs (see tests/analysis/test_models_and_small_studies.py).
    intercept, slope = regression["coefficients"]
    assert (intercept["estimate"], intercept["se"]) == (printed(0.2515, 4), printed(0.2491, 4))
    assert (slope["estimate"], slope["se"]) == (printed(-0.0291, 4), printed(0.0072, 4))
    assert (slope["ci_lower"], slope["ci_upper"]) == (printed(-0.0432, 4), printed(-0.0150, 4))
    assert regression["moderator_test"]["statistic"] == printed(16.3571, 4)
    assert (regression["tau2"], regression["i2"], regression["k"]) == (printed(0.0764, 4), printed(68.39, 2), 13)
    assert "meta_regression" not in run.results["outcomes"]["tb_mh"]


def test_hartung_knapp_makes_the_moderator_test_an_f_test(personas):
    review = bcg_review(personas)
    regressed(review, personas.lead)
    run = run_analysis(review=review, user=personas.lead, method="REML", knha=True)
    test = run.results["outcomes"]["tb_iv"]["meta_regression"]["moderator_test"]
    # metafor: F(df1 = 1, df2 = 11) = QM / 1 with the variances scaled by the residual mean square.
    assert (test["statistic_name"], test["df"]) == ("F", [1, 11])


def test_studies_without_the_moderator_are_left_out_with_a_note(personas):
    review = bcg_review(personas, without_latitude=("Aronson 1948",))
    regressed(review, personas.lead)
    run = run_analysis(review=review, user=personas.lead)
    outcome = run.results["outcomes"]["tb_iv"]
    assert outcome["overall"]["k"] == 13, "the pooled effect keeps every study"
    assert outcome["meta_regression"]["k"] == 12
    assert outcome["meta_regression"]["notes"] == ["left out, no Absolute latitude: Aronson 1948 (BCG vs control)"]


def test_a_moderator_gone_from_the_data_leaves_the_regression_unfitted_not_the_run_failed(personas):
    review = bcg_review(personas)
    OutcomeMapping.objects.filter(review=review, key="tb_iv").update(moderator_field="gone")
    run = run_analysis(review=review, user=personas.lead)
    regression = run.results["outcomes"]["tb_iv"]["meta_regression"]
    assert run.status == "done" and "coefficients" not in regression
    assert regression["notes"][-1] == "not fitted: no studies to pool"


def test_the_page_shows_the_regression_without_another_query(client, personas, django_assert_num_queries):
    review = bcg_review(personas)
    regressed(review, personas.lead)
    run = run_analysis(review=review, user=personas.lead)
    client.force_login(personas.viewer)
    with CaptureQueriesContext(connection) as shown:
        page = client.get(url("run", run)).content.decode()
    assert "Meta-regression on Absolute latitude" in page
    assert "-0.0291 (0.0072)" in page and "QM(1) =" in page and "16.3571" in page
    # The same page without the regression makes as many queries: the table reads the stored results only.
    results = run.results
    del results["outcomes"]["tb_iv"]["meta_regression"]
    AnalysisRun.objects.filter(pk=run.pk).update(results=results)
    with django_assert_num_queries(len(shown.captured_queries)):
        assert "Meta-regression" not in client.get(url("run", run)).content.decode()


def test_the_exports_carry_the_regression(client, personas):
    review = bcg_review(personas)
    regressed(review, personas.lead)
    run = run_analysis(review=review, user=personas.lead)
    client.force_login(personas.reviewer)
    exported = json.loads(client.get(url("export", run, file_format="json")).content)
    assert exported["outcomes"]["tb_iv"]["meta_regression"]["moderator_test"]["statistic_name"] == "QM"
    text = client.get(url("export", run, file_format="csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    [test] = [row for row in rows if row[:2] == ["tb_iv", "meta-regression on latitude"]]
    assert (test[3], float(test[4]), test[5]) == ("QM", printed(16.3571, 4), "1")
    [slope] = [row for row in rows if row[:3] == ["tb_iv", "latitude", "slope"]]
    assert float(slope[3]) == printed(-0.0291, 4) and slope[8] == "13"


@pytest.mark.r
@pytest.mark.slow
def test_metafor_gives_the_moderator_tests_of_the_script_without_a_study_and_with_each_kind_of_test(personas, tmp_path):
    review = bcg_review(personas, without_latitude=("Aronson 1948",))
    regressed(review, personas.lead)
    models = (("REML", True), ("PM", False), ("FE", False))
    runs = [run_analysis(review=review, user=personas.lead, method=method, knha=knha) for method, knha in models]
    for run, table in zip(runs, metafor_tables([r_script(run) for run in runs], tmp_path), strict=True):
        assert not disagreements(run.results, *table), (run.method, run.knha)
