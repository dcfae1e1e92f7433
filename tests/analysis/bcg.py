"""The BCG vaccine trials (13 trials, tuberculosis cases per arm) entered as a two-arm review, with the real
services: RCT template, two added fields, two extractors per trial, locked; outcomes defined on the form.

Data: ../shared/data/meta/dat_bcg.csv, metafor's dat.bcg (Colditz et al. 1994, JAMA 271:698-702)."""

from pathlib import Path

import pandas as pd

from analysis.models import OutcomeDesign
from analysis.outcomes import save_mapping
from extraction.models import FormField
from tests.analysis.entered import entered_review

DATA = Path("/work/shared/data/meta")
ARMS = ("BCG", "control")


def trials() -> pd.DataFrame:
    return pd.read_csv(DATA / "dat_bcg.csv")


def expected() -> pd.DataFrame:
    return pd.read_csv(DATA / "bcg_expected.csv", dtype=str)


def bcg_review(personas, *, without_latitude=()):
    """The trials entered, each with its latitude but those named in without_latitude (left blank)."""
    data = trials()
    studies = [
        (
            f"{row.author} {row.year}",
            {"study_design": "parallel RCT", "allocation": row.alloc}
            | ({} if f"{row.author} {row.year}" in without_latitude else {"latitude": row.ablat}),
            [
                {"arm_label": ARMS[0], "n_randomised": row.tpos + row.tneg, "events": row.tpos},
                {"arm_label": ARMS[1], "n_randomised": row.cpos + row.cneg, "events": row.cpos},
            ],
        )
        for row in data.itertuples()
    ]
    study_fields = (
        FormField(
            key="allocation", label="Allocation", field_type="choice", choices=["random", "alternate", "systematic"]
        ),
        FormField(key="latitude", label="Absolute latitude", field_type="number", unit="°"),
    )
    review, lead = entered_review(personas, studies, study_fields=study_fields), personas.lead
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
