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
