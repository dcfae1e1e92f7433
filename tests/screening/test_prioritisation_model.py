"""The relevance order: a model once there are decisions to learn from, highlight words before."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from screening.prioritisation.features import tfidf
from screening.prioritisation.model import DEFAULT, Classifier, Model, Settings, features_for, rank, record_text

RELEVANT = [
    "Tocilizumab for neuromyelitis optica spectrum disorder: a randomised trial",
    "Interleukin-6 receptor blockade with tocilizumab in NMOSD relapse prevention",
    "Satralizumab and tocilizumab reduce relapses in neuromyelitis optica",
]
IRRELEVANT = [
    "Dietary sodium and blood pressure in older adults: a cohort study",
    "Knee replacement outcomes after physiotherapy: a cohort study",
    "Screen time and sleep quality in adolescents",
    "Blood pressure control with salt substitutes in rural villages",
]


def test_a_model_trained_on_one_include_and_one_exclude_puts_the_similar_record_first():
    texts = [RELEVANT[0], IRRELEVANT[0], *IRRELEVANT[1:], *RELEVANT[1:]]
    labels = [1, 0] + [None] * (len(texts) - 2)
    ranking = rank(texts, labels)
    assert ranking.method == "model"
    assert sorted(ranking.order[:2]) == [5, 6]  # the two tocilizumab records, out of the five undecided
    assert np.isnan(ranking.scores[:2]).all() and not np.isnan(ranking.scores[2:]).any()


def test_every_classifier_orders_the_same_easy_case():
    texts = [RELEVANT[0], IRRELEVANT[0], IRRELEVANT[1], RELEVANT[1], IRRELEVANT[2], RELEVANT[2]]
    labels = [1, 0, 0, None, None, None]
    members = [
        Classifier("logistic", {"C": 1.0}),
        Classifier("svm", {"C": 0.1}),
        Classifier("sgd", {"loss": "modified_huber"}),
        Classifier("complement_nb", {"alpha": 0.1}),
        Classifier("multinomial_nb", {"alpha": 0.1}),
    ]
    for classifiers in [(member,) for member in members] + [tuple(members)]:
        ranking = rank(texts, labels, settings=Settings(classifiers=classifiers))
        assert ranking.order[-1] == 4, classifiers  # screen time and sleep: last


def test_the_order_is_the_same_every_time():
    texts = RELEVANT + IRRELEVANT
    labels = [1, None, None, 0, None, None, None]
    first, again = rank(texts, labels), rank(texts, labels)
    assert first.order.tolist() == again.order.tolist()
    assert np.array_equal(first.scores, again.scores, equal_nan=True)


def test_before_the_model_can_train_highlight_words_order_the_queue():
    texts = IRRELEVANT + RELEVANT
    ranking = rank(texts, [0] + [None] * 6, include_words=["tocilizumab", "NMOSD"], exclude_words=["cohort"])
    assert ranking.method == "keywords"
    # Record 5 has both inclusion words, 4 and 6 one each (in the given order), 1 the exclusion word.
    assert ranking.order.tolist() == [5, 4, 6, 2, 3, 1]


def test_without_highlight_words_the_given_order_stands():
    ranking = rank(RELEVANT + IRRELEVANT, [None, 1, None, None, None, None, None])
    assert ranking.method == "given order"
    assert ranking.order.tolist() == [0, 2, 3, 4, 5, 6]


def test_probabilities_are_calibrated_scores():
    texts = RELEVANT * 3 + IRRELEVANT * 3
    labels = np.array([1] * 9 + [0] * 12)
    features = features_for(texts).matrix
    model = Model(features, labels)
    probabilities = model.probabilities(features)
    assert ((probabilities > 0) & (probabilities < 1)).all()
    assert probabilities[:9].min() > probabilities[9:].max()
    with pytest.raises(ValueError, match="two includes and two excludes"):
        Model(features[[0, 9, 10]], labels[[0, 9, 10]]).probabilities(features)


def test_the_features_are_scikit_learns_tfidf():
    texts = [record_text(t, "an abstract about it", ["keyword"]) for t in RELEVANT + IRRELEVANT] + [""]
    ours = tfidf(texts, ngram_max=2, max_df=0.9)
    theirs = TfidfVectorizer(ngram_range=(1, 2), max_df=0.9, sublinear_tf=True)
    matrix = theirs.fit_transform(texts)
    column = {name: i for i, name in enumerate(theirs.get_feature_names_out())}
    assert sorted(column) == sorted(ours.names)
    reordered = matrix[:, [column[name] for name in ours.names]]
    assert abs(reordered - ours.matrix).max() < 1e-6


def test_settings_round_trip_and_refuse_what_they_do_not_know():
    assert Settings.from_dict(DEFAULT.as_dict()) == DEFAULT
    ensemble = Settings(classifiers=(Classifier("svm", {"C": 1.0}, None), Classifier("multinomial_nb", {}, 2.0)))
    assert Settings.from_dict(ensemble.as_dict()) == ensemble
    with pytest.raises(ValueError, match="unknown classifier 'forest'"):
        Classifier("forest")
    with pytest.raises(ValueError, match="unknown model settings: colour"):
        Settings.from_dict({"colour": "blue"})
    with pytest.raises(ValueError, match="bad parameters for svm"):
        Settings.from_dict({"classifiers": [{"name": "svm", "params": {"gamma": 2}}]})
    with pytest.raises(ValueError, match="bad classifier settings"):
        Settings.from_dict({"classifiers": [{"kind": "svm"}]})
    with pytest.raises(ValueError, match="include_weight must be positive"):
        Classifier("svm", include_weight=0)
    with pytest.raises(ValueError, match="one or more classifiers"):
        Settings(classifiers=())
    with pytest.raises(ValueError, match="ngram_max must be a whole number from 1 to 3, not 'two'"):
        Settings.from_dict({"ngram_max": "two"})
    with pytest.raises(ValueError, match="max_df is a share"):
        Settings(max_df=2)


@pytest.mark.parametrize(
    ("texts", "labels", "message"),
    [
        (["a", "b"], [1], "2 texts but 1 labels"),
        (["a", "b"], [1, "yes"], "labels are 1"),
        (["a", "b"], [1, 0.5], "labels are 1"),
    ],
)
def test_bad_input_is_refused_with_a_reason(texts, labels, message):
    with pytest.raises(ValueError, match=message):
        rank(texts, labels)
