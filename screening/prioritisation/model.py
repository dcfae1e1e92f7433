"""Order the unscreened records by predicted relevance, learning from the decisions so far.

``rank(texts, labels)`` is the one call: texts are title + abstract + keywords (``record_text``),
labels are 1 (include), 0 (exclude) or None (not yet decided). With at least ``MIN_INCLUDES``
includes and ``MIN_EXCLUDES`` excludes a model orders the undecided records (by default a
linear SVM and multinomial naive Bayes on TF-IDF features of single words, averaged);
before that the review's highlight words do (``keyword_scores``), and without them the given
order stands. The default settings were chosen with ``bench/prioritisation.py --compare``;
docs/benchmarks.md has the comparison.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression, SGDClassifier
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import ComplementNB, MultinomialNB
from sklearn.svm import LinearSVC

from .features import check_parameters, tfidf

# One include and one exclude are enough to train: in the benchmark a model trained on them
# already finds includes faster than the import order (see docs/benchmarks.md).
MIN_INCLUDES = 1
MIN_EXCLUDES = 1


def _logistic(params, seed):
    return LogisticRegression(solver="liblinear", random_state=seed, **params)


def _svm(params, seed):
    return LinearSVC(random_state=seed, **params)


def _sgd(params, seed):
    return SGDClassifier(random_state=seed, **params)


def _complement_nb(params, seed):
    return ComplementNB(**params)


def _multinomial_nb(params, seed):
    return MultinomialNB(**params)


CLASSIFIERS = {
    "logistic": _logistic,
    "svm": _svm,
    "sgd": _sgd,
    "complement_nb": _complement_nb,
    "multinomial_nb": _multinomial_nb,
}


@dataclass(frozen=True)
class Classifier:
    """One classifier of the model, with its parameters and its weighting of the includes."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)
    # Total training weight of the includes relative to the excludes (1 = the two classes weigh
    # the same; None = every record weighs the same). Includes are a few percent of a search.
    include_weight: float | None = 1.0

    def __post_init__(self):
        if self.name not in CLASSIFIERS:
            raise ValueError(f"unknown classifier {self.name!r}; one of {', '.join(CLASSIFIERS)}")
        if self.include_weight is not None and not self.include_weight > 0:
            raise ValueError(f"include_weight must be positive, not {self.include_weight}")
        try:
            self.build(seed=0)
        except TypeError as error:  # an unknown parameter: say so here, not in a background task
            raise ValueError(f"bad parameters for {self.name}: {error}") from None

    def build(self, seed: int):
        return CLASSIFIERS[self.name](dict(self.params), seed)


@dataclass(frozen=True)
class Settings:
    """Everything that decides the order; stored with the scores so a ranking can be explained.

    With several classifiers the score is the mean of their scores, each standardised by the
    mean and spread of its scores on the training records.
    """

    # Chosen by bench/prioritisation.py --compare (docs/benchmarks.md): a linear SVM and naive Bayes
    # each win on some datasets, their average on all four. Single words, not word pairs: three quarters
    # of the pairs occur in one record only, yet pairs held about 70 % of a record's normalised vector,
    # drowning the words records share; words alone gave the best mean WSS@95 over the four datasets.
    classifiers: tuple[Classifier, ...] = (
        # The dual solver, which scikit-learn picks itself while records are fewer than words: past that (50,000
        # decisions) its "auto" switches to the primal, three times slower here for the same optimum.
        Classifier("svm", {"C": 0.5, "dual": True}, include_weight=None),
        Classifier("multinomial_nb", {"alpha": 0.1}, include_weight=1.0),
    )
    ngram_max: int = 1
    min_df: int = 1
    max_df: float = 0.95
    sublinear_tf: bool = True
    seed: int = 0

    def __post_init__(self):
        if not self.classifiers or not all(isinstance(c, Classifier) for c in self.classifiers):
            raise ValueError("settings need one or more classifiers")
        check_parameters(ngram_max=self.ngram_max, min_df=self.min_df, max_df=self.max_df)

    def as_dict(self) -> dict:
        return asdict(self) | {"classifiers": [asdict(c) | {"params": dict(c.params)} for c in self.classifiers]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "Settings":
        unknown = set(data) - set(cls.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown model settings: {', '.join(sorted(unknown))}")
        classifiers = data.get("classifiers", [asdict(c) for c in cls().classifiers])
        try:
            members = tuple(Classifier(**member) for member in classifiers)
        except TypeError as error:
            raise ValueError(f"bad classifier settings: {error}") from None
        return cls(**(dict(data) | {"classifiers": members}))


DEFAULT = Settings()


@dataclass(frozen=True)
class Ranking:
    order: np.ndarray  # positions of the undecided texts, most likely relevant first
    scores: np.ndarray  # one per text (higher = more likely relevant); NaN for decided texts
    method: str  # "model", "keywords" or "given order"
    # With method "model": the trained model and the texts' features, for its probabilities (stopping.py).
    model: "Model | None" = None
    features: sparse.csr_matrix | None = None


def record_text(title: str, abstract: str, keywords: Sequence[str] = ()) -> str:
    return " ".join(part for part in (title, abstract, " ".join(keywords)) if part)


class Model:
    """The settings' classifiers trained on labelled rows of a feature matrix."""

    def __init__(self, features: sparse.csr_matrix, labels: np.ndarray, settings: Settings = DEFAULT):
        labels = np.asarray(labels)
        includes, excludes = int((labels == 1).sum()), int((labels == 0).sum())
        if includes < MIN_INCLUDES or excludes < MIN_EXCLUDES:
            raise ValueError(
                f"the model needs {MIN_INCLUDES} include(s) and {MIN_EXCLUDES} exclude(s), "
                f"not {includes} and {excludes}"
            )
        self.settings = settings
        self.members = []
        for member in settings.classifiers:
            classifier = member.build(settings.seed)
            classifier.fit(features, labels, sample_weight=sample_weights(labels, member.include_weight))
            training_scores = _scores(classifier, features)
            self.members.append((classifier, training_scores.mean(), training_scores.std() or 1.0))
        self._training = (features, labels)
        self._calibration = None

    def scores(self, features: sparse.csr_matrix) -> np.ndarray:
        """Higher = more likely relevant (one classifier: its own score, shifted and scaled)."""
        return np.mean([(_scores(c, features) - mean) / spread for c, mean, spread in self.members], axis=0)

    def probabilities(self, features: sparse.csr_matrix) -> np.ndarray:
        """Probability of relevance: the scores through Platt scaling fitted on cross-validated scores.

        Calibrated to the decided records, which prioritised screening makes richer in relevant
        ones than the rest: for undecided records the probabilities tend to be too high, so an
        estimate of what is left built on them errs on the side of more.
        """
        if self._calibration is None:
            self._calibration = self._calibrate()
        return self._calibration.predict_proba(self.scores(features).reshape(-1, 1))[:, 1]

    def _calibrate(self):
        features, labels = self._training
        folds = min(5, int((labels == 1).sum()), int((labels == 0).sum()))
        if folds < 2:
            raise ValueError("probabilities need at least two includes and two excludes")
        scores = np.empty(len(labels))
        split = StratifiedKFold(folds, shuffle=True, random_state=self.settings.seed).split(features, labels)
        for train, test in split:
            scores[test] = Model(features[train], labels[train], self.settings).scores(features[test])
        return LogisticRegression().fit(scores.reshape(-1, 1), labels)


def _scores(classifier, features):
    """The decision function, or the log-odds for naive Bayes."""
    if hasattr(classifier, "feature_log_prob_"):
        log_probability = classifier.predict_log_proba(features)
        return log_probability[:, 1] - log_probability[:, 0]
    return classifier.decision_function(features)


def sample_weights(labels: np.ndarray, include_weight: float | None) -> np.ndarray:
    """Weights giving the includes include_weight times the total weight of the excludes, mean 1."""
    includes = labels == 1
    if include_weight is None:
        return np.ones(len(labels))
    weights = np.where(includes, include_weight / includes.sum(), 1 / (~includes).sum())
    return weights * len(labels) / weights.sum()


def keyword_scores(texts: Sequence[str], include_words: Sequence[str], exclude_words: Sequence[str]) -> np.ndarray:
    """Distinct inclusion words found minus distinct exclusion words found, case-insensitive.

    Words match as the screening page highlights them (anywhere in the text), so what the
    reviewer sees marked green is what lifts a record.
    """
    include = {w.lower() for w in include_words if w.strip()}
    exclude = {w.lower() for w in exclude_words if w.strip()}
    scores = np.zeros(len(texts))
    for i, text in enumerate(texts):
        lowered = text.lower()
        scores[i] = sum(w in lowered for w in include) - sum(w in lowered for w in exclude)
    return scores


def rank(
    texts: Sequence[str],
    labels: Sequence[int | None],
    *,
    include_words: Sequence[str] = (),
    exclude_words: Sequence[str] = (),
    settings: Settings = DEFAULT,
    featurise: Callable[[Sequence[str], Settings], sparse.csr_matrix] | None = None,
) -> Ranking:
    """Order the undecided texts (label None), most likely relevant first; ties keep the given order.

    featurise(texts, settings) gives the texts' TF-IDF matrix (by default computed here; the task passes the
    review's FeatureCache); it is called only when a model trains."""
    if len(texts) != len(labels):
        raise ValueError(f"{len(texts)} texts but {len(labels)} labels")
    if any(label not in (0, 1, None) for label in labels):
        raise ValueError("labels are 1 (include), 0 (exclude) or None (undecided)")
    decided = np.array([label is not None for label in labels], dtype=bool)
    y = np.array([-1 if label is None else label for label in labels])
    undecided = np.flatnonzero(~decided)
    model = features = None
    if (y == 1).sum() >= MIN_INCLUDES and (y == 0).sum() >= MIN_EXCLUDES:
        features = featurise(texts, settings) if featurise else features_for(texts, settings).matrix
        scores = np.full(len(texts), np.nan)
        model = Model(features[decided], y[decided], settings)
        scores[undecided] = model.scores(features[undecided])
        method = "model"
    elif include_words or exclude_words:
        scores = keyword_scores(texts, include_words, exclude_words)
        scores[decided] = np.nan
        method = "keywords"
    else:
        scores = np.where(decided, np.nan, 0.0)
        method = "given order"
    order = undecided[np.argsort(-scores[undecided], kind="stable")]
    return Ranking(order=order, scores=scores, method=method, model=model, features=features)


def features_for(texts: Sequence[str], settings: Settings = DEFAULT):
    """The TF-IDF matrix the settings ask for."""
    return tfidf(
        texts,
        ngram_max=settings.ngram_max,
        min_df=settings.min_df,
        max_df=settings.max_df,
        sublinear_tf=settings.sublinear_tf,
    )
