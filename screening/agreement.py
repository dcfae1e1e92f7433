"""Agreement between two reviewers' votes: pure functions, no Django.

Votes are category labels (include / exclude / maybe); each pair of votes is one
record both reviewers screened at the same stage.
"""

import math
from collections import Counter
from dataclasses import dataclass

from scipy.stats import norm

# How kappa_ci is computed, for pages and exports to say.
KAPPA_CI_METHOD = (
    "Wald interval, κ ± 1.96 × SE, with the large-sample standard error of Fleiss, Cohen & Everitt (1969), "
    "cut to [−1, 1], the range κ can take"
)


@dataclass(frozen=True)
class Agreement:
    n: int
    percent_agreement: float
    kappa: float | None
    kappa_se: float | None
    kappa_ci: tuple[float, float] | None
    pabak: float | None
    ac1: float | None


def _table(pairs, categories):
    counts = Counter(pairs)
    n = len(pairs)
    return {(a, b): counts.get((a, b), 0) / n for a in categories for b in categories}


def agreement(pairs, categories=None, level=0.95):
    """Percent agreement, Cohen's kappa with its large-sample SE (Fleiss, Cohen & Everitt 1969) and Wald CI cut to
    [−1, 1], prevalence- and bias-adjusted kappa (PABAK) and Gwet's AC1, for (vote of rater 1, vote of rater 2) pairs.

    With few records the Wald interval reaches past κ's range (0.57 ± 0.69 with six records); it is cut there rather
    than shown as "−0.12 to 1.26"."""
    pairs = list(pairs)
    n = len(pairs)
    if n == 0:
        return Agreement(0, math.nan, None, None, None, None, None)
    categories = sorted(categories or {v for pair in pairs for v in pair})
    q = len(categories)
    p = _table(pairs, categories)
    rows = {c: sum(p[c, d] for d in categories) for c in categories}
    cols = {c: sum(p[d, c] for d in categories) for c in categories}
    observed = sum(p[c, c] for c in categories)
    chance = sum(rows[c] * cols[c] for c in categories)
    pabak = (q * observed - 1) / (q - 1) if q > 1 else None
    if q < 2 or chance >= 1:
        return Agreement(n, 100 * observed, None, None, None, pabak, None)
    kappa = (observed - chance) / (1 - chance)
    diagonal = sum(p[c, c] * (1 - (rows[c] + cols[c]) * (1 - kappa)) ** 2 for c in categories)
    off = (1 - kappa) ** 2 * sum(p[c, d] * (cols[c] + rows[d]) ** 2 for c in categories for d in categories if c != d)
    variance = (diagonal + off - (kappa - chance * (1 - kappa)) ** 2) / (n * (1 - chance) ** 2)
    se = math.sqrt(max(variance, 0.0))
    half = norm.ppf((1 + level) / 2) * se
    mean_shares = [(rows[c] + cols[c]) / 2 for c in categories]
    chance_ac1 = sum(s * (1 - s) for s in mean_shares) / (q - 1)
    ac1 = (observed - chance_ac1) / (1 - chance_ac1)
    ci = (max(-1.0, float(kappa - half)), min(1.0, float(kappa + half)))
    return Agreement(n, 100 * observed, kappa, se, ci, pabak, ac1)
