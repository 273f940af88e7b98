"""Text preparation: normalise, tokenise, mark negation and stem, in any supported language."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache

import pandas as pd
import simplemma
from nltk.sentiment.util import mark_negation
from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import RegexpTokenizer
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from analysis.themes.frame import WORD_CHARACTER

# Words keep inner apostrophes ("didn't") so NLTK's negation regex sees them; clause punctuation
# is kept as tokens because it ends a negation's scope.
TOKENIZER = RegexpTokenizer(rf"{WORD_CHARACTER}+(?:['’]{WORD_CHARACTER}+)*|[.:;!?]")

NEGATION_WORDS = frozenset(
    {
        "not",
        "no",
        "never",
        "nobody",
        "none",
        "nothing",
        "nowhere",
        "neither",
        "nor",
        "cannot",
        "noone",
        "without",
        "hardly",
    }
)
# sklearn's list contains not/no/never/nobody: keeping them is what makes "not kind" and
# "nobody told us" mean what they say.
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) - NEGATION_WORDS

_SNOWBALL = {"en": "english", "pt": "portuguese", "es": "spanish", "ro": "romanian", "ar": "arabic"}
# simplemma lemmatises these; Snowball has no Welsh, Polish or Lithuanian stemmer.
_SIMPLEMMA = frozenset({"cy", "pl", "lt", "ur", "hi", "bn"})
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'"})


def normalise_series(texts: pd.Series) -> pd.Series:
    """Vectorised normalisation: NFKC, lower case, straight apostrophes, single spaces."""
    cleaned = texts.fillna("").astype(str).str.normalize("NFKC").str.lower()
    cleaned = cleaned.str.translate(_APOSTROPHES)
    return cleaned.str.replace(r"\s+", " ", regex=True).str.strip()


def normalise(text: str) -> str:
    return str(normalise_series(pd.Series([text])).iloc[0])


def tokenise(normalised_text: str) -> list[str]:
    return list(TOKENIZER.tokenize(normalised_text))


@lru_cache(maxsize=8)
def stemmer_for(language: str) -> Callable[[str], str]:
    """A cached word -> stem function for a language (identity where no stemmer exists)."""
    if language in _SNOWBALL:
        snowball = SnowballStemmer(_SNOWBALL[language])
        return lru_cache(maxsize=200_000)(snowball.stem)
    if language in _SIMPLEMMA:

        def lemmatise(word: str) -> str:
            return str(simplemma.lemmatize(word, lang=language))

        return lru_cache(maxsize=200_000)(lemmatise)
    return str


def analysed_tokens(normalised_text: str, language: str = "en") -> list[str]:
    """Tokens stemmed, negation-scoped (`kind_NEG`), with stop words and punctuation dropped."""
    stem = stemmer_for(language)
    tokens = tokenise(normalised_text)
    mark_negation(tokens, shallow=True)
    result = []
    for token in tokens:
        base, negated = (token[:-4], True) if token.endswith("_NEG") else (token, False)
        if base in STOP_WORDS or not base[0].isalnum() and base not in NEGATION_WORDS:
            continue
        stemmed = stem(base)
        result.append(stemmed + "_NEG" if negated else stemmed)
    return result


def analysed_documents(normalised: Iterable[str], languages: Iterable[str]) -> list[str]:
    """Space-joined analysed tokens per document, ready for a whitespace vectoriser."""
    return [
        " ".join(analysed_tokens(text, lang))
        for text, lang in zip(normalised, languages, strict=True)
    ]
