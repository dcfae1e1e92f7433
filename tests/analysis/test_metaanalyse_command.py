import io
import json

import pytest
from django.core.management import CommandError, call_command

from analysis.engine.analysis import RESULT_KEYS
from tests.analysis.reference import META_DATA, printed


def run(*args):
    out = io.StringIO()
    call_command("metaanalyse", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def bcg_plain(tmp_path):
    import pandas as pd

    from tests.analysis.reference import bcg

    frame, yi, vi = bcg()
    path = tmp_path / "bcg.csv"
    pd.DataFrame({"study": frame.author, "yi": yi, "vi": vi, "alloc": frame.alloc}).to_csv(path, index=False)
    return path


def test_json_has_the_promised_keys_and_metafor_numbers(bcg_plain):
    data = json.loads(run(str(bcg_plain), "--measure", "PLAIN", "--subgroup", "alloc", "--json"))
    assert set(RESULT_KEYS) <= set(data["overall"])
    assert set(data["subgroups"]) == {"random", "alternate", "systematic"}
    assert all(set(RESULT_KEYS) <= set(s) for s in data["subgroups"].values())
    overall = data["overall"]
    assert (overall["k"], overall["estimate"], overall["tau2"]) == (13, printed(-0.7145, 4), printed(0.3132, 4))
    assert (overall["q"], overall["q_df"]) == (printed(152.2330, 4), 12)
    assert overall["q_p_value"] < 1e-4 and overall["p_value"] < 1e-4
    assert set(data["subgroup_test"]) >= {"q_between", "df", "p_value", "method"}
    assert data["subgroup_test"]["df"] == 2
    assert data["subgroup_test_common_tau2"]["value"] == printed(1.7675, 4)
    assert len(data["leave_one_out"]) == 13


def test_hartung_knapp_and_method_options(bcg_plain):
    data = json.loads(run(str(bcg_plain), "--measure", "PLAIN", "--method", "DL", "--knha", "--json"))
    assert (data["method"], data["knha"], data["overall"]["statistic"]) == ("DL", True, "t")
    assert data["overall"]["tau2"] == printed(0.3088, 4)


def test_readable_report_keeps_the_effect_test_apart_from_heterogeneity(tmp_path):
    lines = (META_DATA / "morris2008.csv").read_text().splitlines()
    (tmp_path / "m.csv").write_text("\n".join(lines[:4] + lines[6:9]))
    text = run(str(tmp_path / "m.csv"), "--subgroup", "arm")
    assert "Subgroup treatment (k = 3)" in text
    assert "test of the effect: z = " in text and "test of heterogeneity: Q = " in text
    assert "Test for subgroup differences, separate τ²" in text
    assert "Test for subgroup differences, common τ²" in text
    assert "Warning: fewer than 10 studies" in text


def test_pre_post_without_r_reports_the_assumed_value(tmp_path):
    path = tmp_path / "arr.csv"
    path.write_text("study,n,mean_pre,sd_pre,mean_post,sd_post\nA,20,1.8,0.9,0.4,0.5\nB,30,1.5,0.8,0.3,0.4\n")
    text = run(str(path), "--r", "0.6")
    assert "r = 0.6 assumed" in text
    data = json.loads(run(str(path), "--json"))
    assert [s["r_assumed"] for s in data["studies"]] == [True, True]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("study,n,mean_pre,sd_pre\nA,20,1,1\n", "row 2 (study 'A'): mean_post and sd_post missing"),
        (
            "study,n,mean_pre,sd_pre,mean_post,sd_post\nA,20,1,-1,0.5,0.5\n",
            "row 2 (study 'A'): sd_pre must not be negative",
        ),
        ("study,n,mean_pre,sd_pre,mean_post,sd_post\nA,1,1,1,0.5,0.5\n", "row 2 (study 'A'): n must be at least 2"),
        ("study,mean_pre\nA,1\n", "missing column: n"),
        ("", "not a readable CSV file"),
    ],
)
def test_errors_name_the_file_and_row(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(str(path))


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "absent.csv"))


def reference_csv(tmp_path, name, **columns):
    """A metafor reference file's data as the CSV a user would give (tests/data/meta/metafor_reference)."""
    import pandas as pd

    from tests.analysis.metafor_reference import REFERENCE, load

    reference = load(REFERENCE / f"{name}.json")
    path = tmp_path / f"{name}.csv"
    pd.DataFrame(reference["data"]).rename(columns=columns).to_csv(path, index=False)
    return path, reference


def reference_case(reference, measure, method, **match):
    return next(
        case
        for case in reference["cases"]
        if (case["measure"], case["method"], case["knha"]) == (measure, method, False)
        and all(case["correction"][key] == value for key, value in match.items())
    )


@pytest.mark.parametrize(
    ("name", "measure", "method"),
    [
        ("nielweise2007", "RR", "MH"),
        ("nielweise2007", "OR", "PETO"),
        ("hahn2001", "RD", "REML"),
        ("hart1999", "IRR", "MH"),
        ("nielweise2008", "IRD", "DL"),
        ("normand1999", "MD", "REML"),
        ("gibson2002", "SMD", "PM"),
        ("pignon2000", "GEN", "REML"),
    ],
)
def test_every_design_from_a_csv_with_metafors_columns_gives_metafors_numbers(tmp_path, name, measure, method):
    path, reference = reference_csv(tmp_path, name)
    data = json.loads(run(str(path), "--measure", measure, "--method", method, "--json"))
    expected = reference_case(reference, measure, method)["result"]
    for key in ("k", "estimate", "se", "ci_lower", "ci_upper", "q", "tau2"):
        assert data["overall"][key] == pytest.approx(expected[key], rel=1e-6, abs=1e-6), key
    assert data["method"] == method and data["method_note"]


def test_generic_ratios_with_their_cis(tmp_path):
    path, reference = reference_csv(tmp_path, "hackshaw1998")
    data = json.loads(run(str(path), "--measure", "GEN", "--ratio", "--method", "DL", "--json"))
    assert data["overall"]["estimate"] == pytest.approx(reference_case(reference, "GEN", "DL")["result"]["estimate"])
    text = run(str(path), "--measure", "GEN", "--ratio")
    assert "As a ratio: 1.2" in text and "SE from the 95% CI of the log ratio" in text


def test_continuity_correction_options_act_as_escalcs_add_and_to(tmp_path):
    path, reference = reference_csv(tmp_path, "hahn2001")
    data = json.loads(run(str(path), "--measure", "OR", "--method", "FE", "--cc-to", "all", "--json"))
    expected = reference_case(reference, "OR", "FE", to="all")["result"]
    assert data["overall"]["estimate"] == pytest.approx(expected["estimate"], rel=1e-9)
    assert '(escalc add=0.5, to="all")' in data["method_note"]
    kept = json.loads(run(str(path), "--measure", "RR", "--no-drop00", "--method", "FE", "--json"))
    assert kept["overall"]["estimate"] == pytest.approx(
        reference_case(reference, "RR", "FE", drop00=False)["result"]["estimate"], rel=1e-9
    )
    dropped = json.loads(run(str(path), "--measure", "RR", "--method", "FE", "--json"))
    assert [s["study"] for s in dropped["studies"] if s["dropped"]] == [
        s["study"] for s in dropped["studies"] if s["yi"] is None
    ]
    assert "(drop00)" in dropped["method_note"]


def test_mantel_haenszel_report_shows_the_ratio_and_the_method_note(tmp_path):
    path, _ = reference_csv(tmp_path, "nielweise2007")
    text = run(str(path), "--measure", "RR", "--method", "MH")
    assert "Model: common effect (Mantel-Haenszel)" in text
    assert "Method: Common effect (Mantel-Haenszel). Mantel-Haenszel RR with the Greenland-Robins variance" in text
    assert "As a ratio: 0.3" in text
    assert "double zero: no estimate of its own" in text and "n/a" in text


@pytest.mark.parametrize(
    ("content", "options", "message"),
    [
        (
            "study,ai,n1i,ci,n2i\nA,3,20,2,20\nB,9,8,1,10\n",
            ["--measure", "RR"],
            "row 3 (study 'B'): ai (9 events) is more than n1i (8 patients)",
        ),
        ("study,ai,n1i,ci,n2i\nA,3,20,two,20\n", ["--measure", "OR"], "row 2: ci is not a number: 'two'"),
        ("study,x1i,t1i,x2i,t2i\nA,3,0,2,20\n", ["--measure", "IRR"], "row 2 (study 'A'): t1i must be greater than 0"),
        (
            "study,ai,n1i,ci,n2i\nA,3,20,2,20\n",
            ["--measure", "RR", "--method", "PETO"],
            "Peto's method pools odds ratios",
        ),
        (
            "study,n1,mean1,sd1,n2,mean2,sd2\nA,20,1,1,20,2,1\n",
            ["--measure", "MD", "--method", "MH"],
            "Mantel-Haenszel pools counts",
        ),
        ("study,ai,n1i,ci,n2i\nA,3,20,2,20\n", ["--measure", "RR", "--cc", "-1"], "at least 0"),
        ("study,n1,mean1,n2,mean2\nA,20,1,20,2\n", ["--measure", "SMD"], "row 2 (study 'A'): group 1 needs mean1"),
    ],
)
def test_new_designs_errors_name_the_row(tmp_path, content, options, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(str(path), *options)
