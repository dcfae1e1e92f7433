"""The BCG vaccine trials (13 trials, tuberculosis cases per arm) entered as a two-arm review, with the real
services: RCT template, two added fields, two extractors per trial, locked; outcomes defined on the form.

Data: ../shared/data/meta/dat_bcg.csv, metafor's dat.bcg (Colditz et al. 1994, JAMA 271:698-702)."""

from pathlib import Path

import pandas as pd

from analysis.models import OutcomeDesign
from analysis.outcomes import save_mapping
from extraction import services as extraction
from extraction.models import FormField, Section
from extraction.template import load
from reviews.models import Role
from reviews.services import add_member
from screening.models import Study
from tests.factories import make_user

DATA = Path("/work/shared/data/meta")
ARMS = ("BCG", "control")


def trials() -> pd.DataFrame:
    return pd.read_csv(DATA / "dat_bcg.csv")


def expected() -> pd.DataFrame:
    return pd.read_csv(DATA / "bcg_expected.csv", dtype=str)


def bcg_review(personas):
    review, lead = personas.review, personas.lead
    second = make_user("reviewer2")
    add_member(review=review, user=second, role=Role.REVIEWER, by=lead)
    extraction.apply_template(review=review, user=lead, template=load("rct"))
    study_section = Section.objects.get(review=review, title="Study")
    for field in (
        FormField(
            section=study_section,
            key="allocation",
            label="Allocation",
            field_type="choice",
            choices=["random", "alternate", "systematic"],
        ),
        FormField(section=study_section, key="latitude", label="Absolute latitude", field_type="number", unit="°"),
    ):
        extraction.save_field(review=review, user=lead, field=field)
    fields = {f.key: f for f in FormField.objects.filter(review=review)}
    data = trials()
    studies = {
        row.trial: Study.objects.create(review=review, label=f"{row.author} {row.year}") for row in data.itertuples()
    }
    extraction.assign_automatically(review=review, user=lead)
    for row in data.itertuples():
        study_level = {"study_design": "parallel RCT", "allocation": row.alloc, "latitude": str(row.ablat)}
        arms = [
            {"arm_label": ARMS[0], "n_randomised": str(row.tpos + row.tneg), "events": str(row.tpos)},
            {"arm_label": ARMS[1], "n_randomised": str(row.cpos + row.cneg), "events": str(row.cpos)},
        ]
        entries = {(fields[key].pk, 0): (text, "") for key, text in study_level.items()}
        for number, arm in enumerate(arms, start=1):
            entries |= {(fields[key].pk, number): (text, "") for key, text in arm.items()}
        for each in studies[row.trial].extractions.all():
            extraction.save_extraction(
                review=review, extraction_id=each.pk, user=each.extractor, entries=entries, arm_count=2, submit=True
            )
    extraction.lock(review=review, user=lead)
    common = {
        "review": review,
        "user": lead,
        "mapping": None,
        "design": OutcomeDesign.DICHOTOMOUS,
        "measure": "RR",
        "columns": {"n": "n_randomised", "events": "events"},
        "arm_field": "arm_label",
        "comparisons": [list(ARMS)],
    }
    save_mapping(key="tb_iv", label="Tuberculosis (inverse variance)", group_field="allocation", method="", **common)
    save_mapping(key="tb_mh", label="Tuberculosis (Mantel-Haenszel)", group_field="", method="MH", **common)
    return review
