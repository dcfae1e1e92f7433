"""When to stop screening: the recall curve, the model's estimate of what is left, and a test.

The test is the one of Callaghan & Müller-Hansen, "Statistical stopping criteria for automated
screening in systematic reviews", Systematic Reviews 9:273 (2020). Its null hypothesis is that
recall is still below the target. Records drawn at random, without replacement, from those not
yet screened are draws from an urn; under the null hypothesis the urn held at least

    K_tar = floor(r_seen / target - r_before + 1)

relevant records, where r_seen is every relevant record found so far and r_before those found
before the random draws began. With n records drawn and k relevant among them, the p-value is
the hypergeometric P(X <= k) for an urn of N_urn records (all records minus those screened
before the draws) holding K_tar relevant ones. Screening may stop when p < 1 - confidence:
then, with that confidence, recall is at least the target.

How the sample is drawn matters, and the caller says which applies:

- ``sample_start=i``: from the i-th screened record on, records were shown in random order
  from all records not yet screened (the paper's workflow: prioritised screening, then a
  random sample of the rest). This is the test as the paper derives it.
- ``sample_start=None``: "ranked quasi-sampling", the paper's extension for when screening
  never switched to random order. Every run of the most recently screened records is treated
  as if it were a random sample and the smallest p-value is taken. This is conservative only
  if the prioritised records screened last hold at least as large a share of relevant records
  as those left unscreened, which holds when the model ranks better than chance; it assumes
  that, the random sample guarantees it.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import hypergeom


@dataclass(frozen=True)
class StoppingTest:
    p_value: float  # of the null hypothesis that recall is below target_recall
    stop: bool  # p_value < 1 - confidence
    target_recall: float
    confidence: float
    sample_size: int  # records treated as the random sample (the one giving the smallest p)
    relevant_in_sample: int
    relevant_seen: int
    relevant_needed: int  # K_tar: the fewest relevant records in the urn that would mean a missed target


def recall_curve(labels: Sequence[int]) -> np.ndarray:
    """Relevant records found after screening 1, 2, ... records (labels in screening order)."""
    return np.cumsum(_binary(labels))


def estimated_remaining(probabilities: Sequence[float]) -> float:
    """Expected number of relevant records among the unscreened ones: the sum of their probabilities.

    The model's own estimate, as good as its probabilities are calibrated: use it to see how far
    screening has come, and the test to decide when to stop.
    """
    probabilities = np.asarray(probabilities, dtype=float)
    if ((probabilities < 0) | (probabilities > 1)).any():
        raise ValueError("probabilities lie between 0 and 1")
    return float(probabilities.sum())


def hypergeometric_test(
    labels: Sequence[int],
    *,
    total: int,
    target_recall: float = 0.95,
    confidence: float = 0.95,
    sample_start: int | None = None,
) -> StoppingTest:
    """Test that recall has reached target_recall, from the screened labels in screening order.

    total is every record to screen, screened or not; sample_start is where random sampling of
    the unscreened records began (None: ranked quasi-sampling; see the module's docstring).
    Quasi-sampling evaluates one hypergeometric tail per screened record: about 9 s of CPU for
    50,000 screened records, so it belongs in the background task, not in a request.
    """
    labels = _binary(labels)
    seen = len(labels)
    if not 0 < target_recall <= 1:
        raise ValueError(f"target recall is a share between 0 and 1, not {target_recall}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence is between 0 and 1, not {confidence}")
    if total < seen:
        raise ValueError(f"{seen} records screened but only {total} in total")
    if sample_start is not None and not 0 <= sample_start <= seen:
        raise ValueError(f"the sample starts at record {sample_start}, but {seen} are screened")
    relevant_seen = int(labels.sum())
    # One candidate sample per start: the sample is labels[start:].
    starts = np.arange(seen) if sample_start is None else np.array([sample_start])
    sizes = seen - starts
    in_sample = np.concatenate([np.cumsum(labels[::-1])[::-1], [0]])[starts]
    needed = np.floor(relevant_seen / target_recall - (relevant_seen - in_sample) + 1 + 1e-9).astype(int)
    urn = total - starts
    with np.errstate(invalid="ignore"):
        p = hypergeom.cdf(in_sample, urn, np.minimum(needed, urn), sizes)
    p = np.where(needed > urn, 0.0, p)  # the urn cannot hold that many: the null hypothesis is impossible
    p = np.where(sizes == 0, 1.0, p)  # no sample, no evidence
    if not len(p):
        p, sizes, in_sample, needed = np.array([1.0]), np.array([0]), np.array([0]), np.array([1])
    best = int(np.argmin(p))
    p_value = float(min(max(p[best], 0.0), 1.0))
    return StoppingTest(
        p_value=p_value,
        stop=p_value < 1 - confidence,
        target_recall=target_recall,
        confidence=confidence,
        sample_size=int(sizes[best]),
        relevant_in_sample=int(in_sample[best]),
        relevant_seen=relevant_seen,
        relevant_needed=int(needed[best]),
    )


def _binary(labels):
    labels = np.asarray(labels, dtype=int) if len(labels) else np.zeros(0, dtype=int)
    if not np.isin(labels, (0, 1)).all():
        raise ValueError("labels are 1 (relevant) or 0 (not relevant)")
    return labels
