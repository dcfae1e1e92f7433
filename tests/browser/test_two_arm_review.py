"""A two-arm randomised review from an empty form, in the browser: the lead applies the RCT template and adds
fields (two, in one go), two extractors' values go in, the lead locks, defines an RR and an SMD outcome comparing
drug with placebo and runs the analysis; each forest plot says which side favours which arm.

The lead adds the fields with the builder's several-fields form, its script adding and moving a row.
The extractors' values are entered through the extraction service (the extraction page has its own browser
tests); everything the lead does here is done on the pages."""

import pytest
from playwright.sync_api import expect

from extraction import services as extraction
from extraction.models import FormField
from screening.models import Study

pytestmark = pytest.mark.django_db(transaction=True)

ARMS = (
    {"arm_label": "drug", "n_randomised": 60, "events": 12, "mean": 4.1, "sd": 2.0},
    {"arm_label": "placebo", "n_randomised": 58, "events": 21, "mean": 5.0, "sd": 2.2},
)


def _extract(personas, studies):
    """Both extractors enter the same two arms (slightly different per study) and submit."""
    review = personas.review
    extraction.assign_automatically(review=review, user=personas.lead)
    fields = {f.key: f for f in FormField.objects.filter(review=review)}
    for number, study in enumerate(studies):
        entries = {(fields["study_design"].pk, 0): ("parallel RCT", ""), (fields["blinded"].pk, 0): ("yes", "")}
        for arm, values in enumerate(ARMS, start=1):
            for key, value in values.items():
                shifted = value + number if key in ("events", "n_randomised") else value
                entries[fields[key].pk, arm] = (str(shifted), "")
        for each in study.extractions.all():
            extraction.save_extraction(
                review=review, extraction_id=each.pk, user=each.extractor, entries=entries, arm_count=2, submit=True
            )


def _define_outcome(page, review, key, design, measure, columns):
    page.goto(f"/reviews/{review.pk}/analysis/outcomes/new/")
    page.locator("#id_key").fill(key)
    page.locator("#id_label").fill(key.capitalize())
    page.locator("#id_design").select_option(label=design)
    page.locator("#id_measure").select_option(measure)
    page.locator("#id_arm_field").select_option("arm_label")
    page.locator("#id_comparisons").fill("drug vs placebo")
    for column, field in columns.items():
        page.locator(f"#id_arm_{column}").select_option(field)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Outcome saved")).to_be_visible()


def test_a_two_arm_review_from_an_empty_form_to_forest_plots_that_say_what_they_favour(visit, personas):
    review = personas.review
    studies = [Study.objects.create(review=review, label=f"Trial {i} 2021") for i in range(3)]
    lead = visit("lead")
    page = lead.page
    page.goto(f"/reviews/{review.pk}/extraction/form/")
    page.get_by_role("button", name="Use the rct template").click()
    expect(page.get_by_text("fields added")).to_be_visible()
    # Several fields without a page load: a fourth row added by the script, then moved above the first.
    page.locator("#quick-section").select_option(label="Study")
    page.locator("#id_quick-0-key").fill("centres")
    page.locator("#id_quick-0-label").fill("Centres")
    page.locator("#id_quick-0-field_type").select_option(label="Whole number")
    page.get_by_role("button", name="Another row").click()
    page.locator("#id_quick-3-key").fill("blinded")
    page.locator("#id_quick-3-label").fill("Participants and personnel blinded")
    page.locator("#id_quick-3-field_type").select_option(label="Yes / no")
    moved = page.locator("[data-row]", has=page.locator("#id_quick-3-key"))
    for _ in range(3):
        moved.get_by_role("button", name="Move up").click()
    page.get_by_role("button", name="Add these fields").click()
    expect(page.get_by_text("2 fields added to Study")).to_be_visible()
    study_fields = FormField.objects.filter(review=review, section__title="Study").order_by("position")
    assert list(study_fields.values_list("key", flat=True))[-2:] == ["blinded", "centres"]

    _extract(personas, studies)
    page.goto(f"/reviews/{review.pk}/extraction/")
    page.get_by_role("button", name="Lock the extraction").click()
    expect(page.get_by_role("button", name="Unlock")).to_be_visible()

    _define_outcome(
        page,
        review,
        "response",
        "Dichotomous, intervention vs comparator (RR, OR, RD)",
        "RR",
        {"n": "n_randomised", "events": "events"},
    )
    _define_outcome(
        page,
        review,
        "symptoms",
        "Continuous, intervention vs comparator (MD, SMD)",
        "SMD",
        {"n": "n_randomised", "mean": "mean", "sd": "sd"},
    )
    page.goto(f"/reviews/{review.pk}/analysis/")
    # The run fits and draws every plot before it answers: slower than a page on a busy machine.
    with page.expect_navigation(timeout=90_000):
        page.get_by_role("button", name="Run the analysis").click(no_wait_after=True)
    expect(page.get_by_role("heading", name="Response")).to_be_visible()
    # Matplotlib draws the labels as glyph paths, each with its text in a comment beside it.
    forest = page.locator("figure.plot svg").first.inner_html()
    assert "favours drug" in forest and "favours placebo" in forest
    expect(page.get_by_text("Log risk ratio, drug vs placebo")).to_be_visible()
    expect(page.get_by_text("Standardised mean difference (Hedges' g), drug vs placebo")).to_be_visible()
    lead.screenshot("two-arm-review-results")
