"""The TF-IDF matrix kept between retrainings: read back while the texts stay, rebuilt as soon as one changes."""

import dataclasses

import pytest

from screening.prioritisation import cache
from screening.prioritisation.cache import FeatureCache
from screening.prioritisation.model import DEFAULT, features_for

TEXTS = [
    "Tocilizumab for neuromyelitis optica spectrum disorder",
    "Dietary sodium and blood pressure in older adults",
    "Satralizumab reduces relapses in neuromyelitis optica",
]


@pytest.fixture
def built(monkeypatch):
    """Counts the matrices computed, as against read from disk."""
    calls = []

    def counting(texts, settings):
        calls.append(list(texts))
        return features_for(texts, settings)

    monkeypatch.setattr(cache, "features_for", counting)
    return calls


def test_the_same_texts_are_read_back_not_computed_again(tmp_path, built):
    store = FeatureCache(tmp_path)
    first = store.matrix("review-1", TEXTS, DEFAULT)
    again = store.matrix("review-1", TEXTS, DEFAULT)
    assert len(built) == 1
    assert again.dtype == first.dtype and (again != first).nnz == 0
    assert (again != features_for(TEXTS, DEFAULT).matrix).nnz == 0


def test_an_edited_text_is_computed_again_and_replaces_the_old_file(tmp_path, built):
    store = FeatureCache(tmp_path)
    store.matrix("review-1", TEXTS, DEFAULT)
    edited = [TEXTS[0], TEXTS[1] + " in rural villages", TEXTS[2]]
    matrix = store.matrix("review-1", edited, DEFAULT)
    assert len(built) == 2 and matrix.shape[1] > features_for(TEXTS, DEFAULT).matrix.shape[1]
    assert len(list(tmp_path.glob("review-1-*.npz"))) == 1


@pytest.mark.parametrize(
    "texts, feature_settings",
    [
        ([*TEXTS, "Screen time and sleep"], DEFAULT),  # an import
        (TEXTS[1:], DEFAULT),  # a merge
        (TEXTS[::-1], DEFAULT),  # the rows in another order
        (TEXTS, dataclasses.replace(DEFAULT, ngram_max=DEFAULT.ngram_max + 1)),
        (TEXTS, dataclasses.replace(DEFAULT, sublinear_tf=False)),
    ],
)
def test_any_change_of_texts_or_feature_settings_is_a_miss(tmp_path, built, texts, feature_settings):
    store = FeatureCache(tmp_path)
    store.matrix("review-1", TEXTS, DEFAULT)
    store.matrix("review-1", texts, feature_settings)
    assert len(built) == 2


def test_texts_split_at_another_place_are_other_texts():
    assert cache.fingerprint(["ab", "c"], DEFAULT) != cache.fingerprint(["a", "bc"], DEFAULT)


def test_reviews_keep_their_own_files(tmp_path, built):
    store = FeatureCache(tmp_path)
    store.matrix("review-1", TEXTS, DEFAULT)
    store.matrix("review-12", TEXTS[:2], DEFAULT)
    store.matrix("review-1", TEXTS, DEFAULT)
    assert len(built) == 2 and len(list(tmp_path.glob("*.npz"))) == 2


def test_a_damaged_file_is_computed_again(tmp_path, built):
    store = FeatureCache(tmp_path)
    store.matrix("review-1", TEXTS, DEFAULT)
    (path,) = tmp_path.glob("review-1-*.npz")
    path.write_bytes(b"half a file")
    matrix = store.matrix("review-1", TEXTS, DEFAULT)
    assert len(built) == 2 and (matrix != features_for(TEXTS, DEFAULT).matrix).nnz == 0
    assert store.matrix("review-1", TEXTS, DEFAULT).shape == matrix.shape and len(built) == 2


def test_a_cache_that_cannot_be_written_still_gives_the_matrix(tmp_path, built, caplog):
    occupied = tmp_path / "not-a-folder"
    occupied.write_text("")
    matrix = FeatureCache(occupied).matrix("review-1", TEXTS, DEFAULT)
    assert (matrix != features_for(TEXTS, DEFAULT).matrix).nnz == 0
    assert "feature cache" in caplog.text and not list(tmp_path.glob("*.npz"))
