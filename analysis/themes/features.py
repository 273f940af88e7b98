"""Turns comments into the sparse features the theme and sentiment models learn from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from analysis.themes.frame import CodingFrame
from analysis.themes.sentiment import BEREAVEMENT_WORDS, vader_scores, without_bereavement_phrases
from analysis.themes.tagging import pattern_hits
from analysis.themes.text import analysed_documents, normalise_series

# The survey's three free-text items play the role of the FFT question types the labelled
# data carries, so "what was good" comments can be told from "what could improve".
QUESTION_TYPE_OF_ITEM = {
    "overall.good": "what_good",
    "overall.improve": "could_improve",
    "overall.other": "nonspecific",
}
# Dense features (pattern hits, VADER) are few beside tens of thousands of n-grams: a weight
# above 1 lets the linear model use them without a tiny regularisation constant.
DENSE_WEIGHT = 1.5


@dataclass(frozen=True)
class PreparedText:
    """Normalised text with bereavement wording removed, plus analysed (stemmed) tokens."""

    normalised: pd.Series
    for_models: pd.Series
    analysed: list[str]


def prepare(texts: pd.Series, question_types: pd.Series | None = None) -> PreparedText:
    normalised = normalise_series(texts)
    # Bereavement words are dropped from what the models see, so no model can learn that a
    # death in itself makes a comment negative (the labelled NHS data would teach it that).
    stripped = normalised.map(without_bereavement_phrases)
    languages = ["en"] * len(stripped)
    analysed = [
        " ".join(t for t in doc.split() if t.removesuffix("_NEG") not in BEREAVEMENT_WORDS)
        for doc in analysed_documents(stripped, languages)
    ]
    if question_types is not None:
        kinds = question_types.reindex(texts.index).fillna("unknown").astype(str).tolist()
        analysed = [f"qt_{kind} {doc}" for kind, doc in zip(kinds, analysed, strict=True)]
    return PreparedText(normalised=normalised, for_models=stripped, analysed=analysed)


def _word_vectoriser(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(
        ngram_range=(1, 2),
        sublinear_tf=True,
        min_df=2,
        token_pattern=r"\S+",
        lowercase=False,
        vocabulary=vocabulary,
        dtype=np.float32,
    )


def _char_vectoriser(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        sublinear_tf=True,
        min_df=2,
        max_features=60_000,
        vocabulary=vocabulary,
        dtype=np.float32,
    )


@dataclass
class Featuriser:
    """Word and character TF-IDF, pattern hits per theme and VADER scores, side by side."""

    word: TfidfVectorizer
    char: TfidfVectorizer
    frame: CodingFrame

    @classmethod
    def fit(cls, prepared: PreparedText, frame: CodingFrame) -> Featuriser:
        word = _word_vectoriser().fit(prepared.analysed)
        char = _char_vectoriser().fit(prepared.for_models)
        return cls(word=word, char=char, frame=frame)

    @classmethod
    def from_arrays(
        cls,
        word_vocabulary: dict[str, int],
        word_idf: np.ndarray,
        char_vocabulary: dict[str, int],
        char_idf: np.ndarray,
        frame: CodingFrame,
    ) -> Featuriser:
        word, char = _word_vectoriser(word_vocabulary), _char_vectoriser(char_vocabulary)
        # A fixed vocabulary plus the saved idf is a fitted TfidfVectorizer, rebuilt from plain
        # arrays, so a model file never needs pickle (which could run code on load).
        word.fit(["placeholder"])
        char.fit(["placeholder"])
        word.idf_, char.idf_ = word_idf, char_idf
        return cls(word=word, char=char, frame=frame)

    def transform(self, prepared: PreparedText) -> sp.csr_matrix:
        english = pd.Series("en", index=prepared.normalised.index)
        hits = pattern_hits(prepared.normalised, english, self.frame).to_numpy(np.float32)
        vader = vader_scores(prepared.normalised.tolist()).astype(np.float32)
        dense = np.hstack([np.log1p(hits), vader]) * DENSE_WEIGHT
        blocks = [
            self.word.transform(prepared.analysed),
            self.char.transform(prepared.for_models),
            sp.csr_matrix(dense),
        ]
        return sp.hstack(blocks, format="csr", dtype=np.float32)
