"""Simulation metrics of the ASReview literature, on the relevance of records in screening order.

``labels`` is the truth (1 relevant, 0 not) of every record of the simulation in the order it
was screened; a simulation that stopped once every relevant record was found may pad the
rest with zeros. Prior knowledge is left out by the caller, as ASReview's insights do by
default: N and the relevant count are those of the records the model ordered.

- WSS@r (work saved over sampling; Cohen et al. 2006, as in van de Schoot et al. 2021):
  at the first point where recall reaches r, (TN + FN) / N - (1 - r), where TN + FN are the
  records not yet screened. Recall "reaches" r when found / relevant >= r.
- RRF@s (relevant records found): the share of relevant records found among the first
  floor(s * N) records screened.
"""

import math
from collections.abc import Sequence

import numpy as np


def records_to_recall(labels: Sequence[int], recall: float) -> int:
    """How many records were screened when the share of relevant records found first reached recall."""
    if not 0 < recall <= 1:
        raise ValueError(f"recall is a share between 0 and 1, not {recall}")
    found = np.cumsum(_checked(labels))
    needed = math.ceil(recall * found[-1] - 1e-9)  # tolerance: 0.95 * 20 is 19.000000000000004
    return int(np.searchsorted(found, needed)) + 1


def wss(labels: Sequence[int], recall: float) -> float:
    """Work saved over sampling at recall, as a share (0.717 for 71.7 %)."""
    screened = records_to_recall(labels, recall)
    return (len(labels) - screened) / len(labels) - (1 - recall)


def rrf(labels: Sequence[int], share: float = 0.10) -> float:
    """Share of the relevant records found after screening floor(share * N) records."""
    labels = _checked(labels)
    if not 0 < share <= 1:
        raise ValueError(f"share is between 0 and 1, not {share}")
    screened = math.floor(share * len(labels) + 1e-9)
    return float(labels[:screened].sum() / labels.sum())


def _checked(labels):
    labels = np.asarray(labels)
    if not np.isin(labels, (0, 1)).all():
        raise ValueError("labels are 1 (relevant) or 0 (not relevant)")
    if not labels.sum():
        raise ValueError("no relevant record: recall is undefined")
    return labels
