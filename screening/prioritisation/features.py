"""TF-IDF features of word n-grams, built with numpy from token ids.

The matrix is the one scikit-learn's ``TfidfVectorizer(ngram_range=(1, n), sublinear_tf=...,
min_df=..., max_df=...)`` gives (tests hold it to that, up to column order), in about half the
time: scikit-learn joins every bigram into a string and looks it up in a dict in Python, which
for 100,000 abstracts is most of the retraining time; here each text is tokenised once, tokens
become integer ids, and n-grams are integer codes counted with ``np.unique``.
"""

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

# scikit-learn's default token: two or more word characters.
TOKEN = re.compile(r"(?u)\b\w\w+\b")
MAX_NGRAM = 3  # codes are products of vocabulary sizes and must fit in 64 bits


@dataclass(frozen=True)
class Features:
    matrix: sparse.csr_matrix  # one L2-normalised row per text
    names: np.ndarray  # column -> n-gram, words joined by a space


def tfidf(
    texts: Sequence[str],
    *,
    ngram_max: int = 2,
    min_df: int = 1,
    max_df: float = 1.0,
    sublinear_tf: bool = True,
) -> Features:
    """TF-IDF of the word 1- to ngram_max-grams of the texts (lower-cased), smooth idf, L2 rows.

    N-grams found in fewer than min_df texts or in more than max_df (a share) of them are dropped.
    """
    check_parameters(ngram_max=ngram_max, min_df=min_df, max_df=max_df)
    vocabulary = defaultdict()
    vocabulary.default_factory = vocabulary.__len__  # a new word gets the next id, all in C
    ids, lengths = [], np.empty(len(texts), dtype=np.int64)
    for i, text in enumerate(texts):
        tokens = TOKEN.findall(text.lower())
        lengths[i] = len(tokens)
        ids.extend(map(vocabulary.__getitem__, tokens))
    words = np.array(list(vocabulary), dtype=object)
    tokens = np.array(ids, dtype=np.int64)
    text_of = np.repeat(np.arange(len(texts), dtype=np.int32), lengths)
    text_end = np.cumsum(lengths)[text_of]

    rows, columns, names = [text_of], [tokens.astype(np.int32)], [words]
    size = len(words)
    for n in range(2, ngram_max + 1):
        starts = np.flatnonzero(np.arange(len(tokens)) + n <= text_end)
        codes = tokens[starts]
        for k in range(1, n):
            codes = codes * len(words) + tokens[starts + k]
        unique, column = np.unique(codes, return_inverse=True)
        rows.append(text_of[starts])
        columns.append((size + column).astype(np.int32))
        names.append(_ngram_names(unique, words, n))
        size += len(unique)

    rows, columns = np.concatenate(rows), np.concatenate(columns)
    counts = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.float64), (rows, columns)), shape=(len(texts), size)
    )  # duplicates summed: counts
    document_frequency = np.bincount(counts.indices, minlength=size)
    keep = np.flatnonzero((document_frequency >= min_df) & (document_frequency <= max_df * len(texts)))
    if len(texts) and not len(keep):
        raise ValueError("no word is left to learn from: the texts are empty, or every word was pruned")
    matrix = counts[:, keep]
    if sublinear_tf:
        matrix.data = 1 + np.log(matrix.data)
    # Scaled in place on the stored values: sparse products would copy the matrix twice.
    matrix.data *= (np.log((1 + len(texts)) / (1 + document_frequency[keep])) + 1)[matrix.indices]
    row = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))  # the row of each stored value
    matrix.data /= np.sqrt(np.bincount(row, weights=matrix.data**2, minlength=matrix.shape[0]))[row]
    return Features(matrix=matrix.astype(np.float32), names=np.concatenate(names)[keep])


def check_parameters(*, ngram_max: int, min_df: int, max_df: float) -> None:
    if not (isinstance(ngram_max, int) and 1 <= ngram_max <= MAX_NGRAM):
        raise ValueError(f"ngram_max must be a whole number from 1 to {MAX_NGRAM}, not {ngram_max!r}")
    if not (isinstance(min_df, int) and min_df >= 1):
        raise ValueError(f"min_df must be a whole number of texts, at least 1, not {min_df!r}")
    if not (isinstance(max_df, int | float) and 0 < max_df <= 1):
        raise ValueError(f"max_df is a share of the texts, between 0 and 1, not {max_df!r}")


def _ngram_names(codes, words, n):
    parts = []
    for _ in range(n):
        codes, last = np.divmod(codes, len(words))
        parts.append(words[last])
    joined = parts.pop()
    while parts:
        joined = joined + " " + parts.pop()
    return joined
