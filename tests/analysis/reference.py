"""Published data sets (see tests/data/meta/README.md) and how to compare with printed values."""

from pathlib import Path

import pandas as pd
import pytest

from analysis.engine.counts import two_by_two

META_DATA = Path(__file__).resolve().parent.parent / "data" / "meta"


def read(name):
    return pd.read_csv(META_DATA / name)


def bcg():
    """BCG trials with metafor's escalc(measure="RR") computed from the 2×2 counts."""
    frame = read("dat_bcg.csv")
    es = two_by_two("RR", frame.tpos, frame.tpos + frame.tneg, frame.cpos, frame.cpos + frame.cneg)
    return frame, es.yi, es.vi


def egger2001():
    """Magnesium trials with metafor's escalc(measure="OR")."""
    frame = read("egger2001.csv")
    es = two_by_two("OR", frame.ai, frame.n1i, frame.ci, frame.n2i)
    return frame, es.yi, es.vi


def printed(value, decimals):
    """Approximate equality to a value printed with the given number of decimals (half a unit of the last digit)."""
    return pytest.approx(value, abs=0.5 * 10**-decimals + 1e-12)


def printed_like(text):
    """Approximate equality to a value as printed in a reference text such as "-0.7145"."""
    text = text.strip()
    if "e" in text.lower():
        return pytest.approx(float(text), rel=1e-6)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return pytest.approx(float(text), abs=max(0.5 * 10**-decimals, 1e-9))
