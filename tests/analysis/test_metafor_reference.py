"""Every design, measure and method against R's metafor on published data (metadat), to 1e-6.

The numbers come from tests/data/meta/metafor_reference/*.json, written by the committed generate.R beside them
(provenance in each file); tests/analysis/test_metafor_live.py runs R itself.
"""

import math

import numpy as np
import pandas as pd
import pytest

from analysis.engine.dataset import effect_table
from analysis.engine.methods import pooler
from analysis.engine.sensitivity import leave_one_out
from analysis.engine.subgroups import subgroup_analysis
from tests.analysis.metafor_reference import REFERENCE, TOLERANCE, cases, differences, load, params, table_for

ALL = cases()


@pytest.mark.parametrize("case", params(ALL))
def test_engine_reproduces_metafor(case):
    assert differences(case.reference, case.case) == []


def test_every_measure_and_method_is_checked_on_at_least_two_data_sets():
    files_per = {}
    for case in ALL:
        if "result" in case.case:
            files_per.setdefault((case.case["measure"], case.case["method"]), set()).add(case.file)
    for measure in ("RR", "OR", "RD", "IRR", "IRD", "MD", "SMD", "GEN"):
        for method in ("REML", "DL", "PM", "ML", "HE", "SJ", "FE"):
            assert len(files_per.get((measure, method), ())) >= 2, (measure, method)
    for measure in ("RR", "OR", "RD", "IRR", "IRD"):
        assert len(files_per[measure, "MH"]) >= 2, measure
    assert len(files_per["OR", "PETO"]) >= 2
    sparse = {"hahn2001", "nielweise2007"}
    for measure in ("RR", "OR", "RD"):
        assert sparse <= files_per[measure, "MH"], "zero cells and double zeros, by Mantel-Haenszel too"


def test_every_reference_file_says_where_it_comes_from():
    for case in ALL:
        provenance = case.reference["provenance"]
        assert provenance["metafor"] and provenance["dataset"].startswith("dat.") and provenance["source"]


def test_mantel_haenszel_subgroups_and_leave_one_out_match_metafor():
    [extra] = [c for c in ALL if c.file == "bcg" and "subgroups" in c.case]
    table = table_for(extra.reference, extra.case, subgroup="alloc")
    pool_studies = pooler(table, "MH")
    analysis = subgroup_analysis(pool_studies, table.studies["subgroup"])
    for label, expected in extra.case["subgroups"].items():
        result = analysis.subgroups[label]
        for name in ("estimate", "se", "q", "i2"):
            assert math.isclose(getattr(result, name), expected[name], rel_tol=TOLERANCE, abs_tol=TOLERANCE)
    assert analysis.common_tau2 is None, "the common-τ² test belongs to inverse-variance models"
    omissions = leave_one_out(pool_studies, table.studies["study"].tolist())
    expected = extra.case["leave_one_out"]
    for name in ("estimate", "se", "q", "i2"):
        np.testing.assert_allclose([getattr(o.result, name) for o in omissions], expected[name], rtol=TOLERANCE)


def test_double_zero_studies_are_noted_and_kept_by_mantel_haenszel_risk_difference():
    niel = load(REFERENCE / "nielweise2007.json")
    frame = pd.DataFrame(niel["data"])
    rr = effect_table(frame, "RR")
    [double_zero] = frame.study[(frame.ai == 0) & (frame.ci == 0)]
    assert rr.studies.set_index("study").loc[double_zero, "dropped"]
    assert any(double_zero in note and "drop00" in note for note in rr.notes)
    rd = effect_table(frame, "RD")
    assert not rd.studies.dropped.any() and np.isfinite(rd.yi).all()
