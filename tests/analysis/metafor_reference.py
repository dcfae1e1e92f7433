"""Reading the metafor reference files (tests/data/meta/metafor_reference) and computing the same with the engine."""

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.engine.analysis import meta_analyse
from analysis.engine.counts import ContinuityCorrection
from analysis.engine.dataset import EffectTable, effect_table
from analysis.engine.pooling import PooledEffect
from tests.analysis.reference import META_DATA

REFERENCE = META_DATA / "metafor_reference"
GENERATOR = REFERENCE / "generate.R"
TOLERANCE = 1e-6
RESULT_FIELDS = (
    "k",
    "estimate",
    "se",
    "z_or_t",
    "p_value",
    "ci_lower",
    "ci_upper",
    "pi_lower",
    "pi_upper",
    "tau2",
    "se_tau2",
    "i2",
    "h2",
    "q",
    "q_p_value",
)


def reference_files(folder: Path = REFERENCE) -> list[Path]:
    return sorted(folder.glob("*.json"))


def load(path: Path) -> dict:
    return json.loads(path.read_text())


@dataclass(frozen=True)
class Case:
    file: str
    index: int
    reference: dict
    case: dict

    @property
    def id(self) -> str:
        c = self.case
        knha = "+knha" if c.get("knha") else ""
        correction = c.get("correction") or {}
        cc = f"[{correction['add']:g},{correction['to']},drop00={correction['drop00']}]" if correction else ""
        return f"{self.file}:{c['measure']}:{c['method']}{knha}{cc}#{self.index}"


def cases(folder: Path = REFERENCE) -> list[Case]:
    found = []
    for path in reference_files(folder):
        reference = load(path)
        for index, case in enumerate(reference["cases"]):
            found.append(Case(path.stem, index, reference, case))
    return found


def table_for(reference: dict, case: dict, subgroup: str | None = None) -> EffectTable:
    correction = case.get("correction")
    return effect_table(
        pd.DataFrame(reference["data"]),
        case["measure"],
        correction=ContinuityCorrection(**correction) if correction else None,
        ratio=bool(case.get("ratio")),
        subgroup=subgroup,
    )


def engine_result(reference: dict, case: dict) -> tuple[EffectTable, PooledEffect]:
    """The per-study effects and the pooled result the engine gives for a reference case, via meta_analyse."""
    analysis = meta_analyse(table_for(reference, case), method=case["method"], knha=case["knha"])
    return analysis.table, analysis.overall


def close(actual: float | None, expected: float | None) -> bool:
    if expected is None:
        return actual is None or (isinstance(actual, float) and math.isnan(actual))
    return actual is not None and math.isclose(actual, expected, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def differences(reference: dict, case: dict) -> list[str]:
    """Every number of the case that the engine does not reproduce to 1e-6 (relative or absolute)."""
    table, result = engine_result(reference, case)
    found = []
    for name in ("yi", "vi"):
        ours = getattr(table, name)
        expected = np.array([math.nan if v is None else v for v in case[name]], dtype=float)
        same = np.isclose(ours, expected, rtol=TOLERANCE, atol=TOLERANCE) | (np.isnan(ours) & np.isnan(expected))
        found += [f"{name}[{i}]: {ours[i]!r} != {expected[i]!r}" for i in np.flatnonzero(~same)]
    expected_result = case["result"]
    for name in RESULT_FIELDS:
        expected_value = expected_result[name]
        if expected_value is None and name not in ("se_tau2",):
            continue  # metafor gives NA here (e.g. Q with an uncorrected zero cell); the engine leaves such studies out
        if not close(getattr(result, name), expected_value):
            found.append(f"{name}: {getattr(result, name)!r} != {expected_value!r}")
    weights = np.array(result.weights)
    if case["method"] not in ("MH", "PETO"):
        weights = weights[table.estimable]
    if not np.allclose(weights, expected_result["weights"], rtol=TOLERANCE, atol=TOLERANCE):
        found.append(f"weights: {weights.tolist()} != {expected_result['weights']}")
    return found


def params(found: list[Case]) -> list:
    return [pytest.param(c, id=c.id) for c in found if "result" in c.case]
