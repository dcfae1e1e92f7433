"""TF-IDF matrices kept on disk between retrainings.

A review's features change only when its records' texts do (an import, a merge, an edit of a title, abstract or
keywords), not when decisions do, yet computing them is most of a retraining for a large review
(docs/benchmarks.md). An entry is found by a digest of the texts and of the feature settings, so any change of
either, by whatever path, is a miss: no write path has to remember to invalidate the cache.
"""

import hashlib
import logging
import os
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from scipy import sparse

from .model import Settings, features_for

logger = logging.getLogger(__name__)

# Part of every digest: bump it when features.tfidf changes what it computes, so old entries are not read.
FORMAT = 1


def fingerprint(texts: Sequence[str], settings: Settings) -> str:
    """A digest of the texts, in order, and of the settings that shape their features."""
    digest = hashlib.blake2b(digest_size=20)
    shape = (FORMAT, settings.ngram_max, settings.min_df, settings.max_df, settings.sublinear_tf)
    digest.update(repr(shape).encode())
    for text in texts:
        encoded = text.encode()
        digest.update(len(encoded).to_bytes(8, "little"))  # lengths keep ("ab", "c") apart from ("a", "bc")
        digest.update(encoded)
    return digest.hexdigest()


class FeatureCache:
    """One file per name (a review), replaced when its texts or settings change."""

    def __init__(self, directory: Path | str):
        self.directory = Path(directory)

    def matrix(self, name: str, texts: Sequence[str], settings: Settings) -> sparse.csr_matrix:
        """The TF-IDF matrix of the texts (``features_for(texts, settings).matrix``), from disk when it is there."""
        path = self.directory / f"{name}-{fingerprint(texts, settings)}.npz"
        try:
            return sparse.csr_matrix(sparse.load_npz(path))
        except (OSError, ValueError, zipfile.BadZipFile):  # none yet, or damaged: rebuilt, and replaced below
            pass
        matrix = features_for(texts, settings).matrix
        try:
            self._store(name, path, matrix)
        except OSError as error:  # a full disk or a folder the worker may not write: retrain all the same
            logger.warning("feature cache %s not written: %s", self.directory, error)
        return matrix

    def forget(self, name: str) -> None:
        """Remove a name's entry (a deleted review's: its file holds what its records said)."""
        for entry in self.directory.glob(f"{name}-*.npz"):
            entry.unlink(missing_ok=True)

    def _store(self, name: str, path: Path, matrix: sparse.csr_matrix) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        # Written aside, then renamed: a reader never opens a half-written file, and two workers storing the
        # same entry at once both leave a whole one.
        handle, scratch = tempfile.mkstemp(dir=self.directory, prefix=f".{name}-", suffix=".npz")
        try:
            with os.fdopen(handle, "wb") as file:
                sparse.save_npz(file, matrix, compressed=False)  # a hit should cost a read, not a decompression
            os.replace(scratch, path)
        except BaseException:
            Path(scratch).unlink(missing_ok=True)
            raise
        for old in self.directory.glob(f"{name}-*.npz"):
            if old != path:
                old.unlink(missing_ok=True)
