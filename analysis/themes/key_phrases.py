"""Key phrases per theme and group: NLTK bigram collocations, counted in each group's comments."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder

from analysis.themes.frame import WORD_CHARACTER
from analysis.themes.parallel import map_chunks, row_slices, worker_count
from analysis.themes.pipeline import AnalysedComments
from analysis.themes.redaction import EMAIL_ADDRESS
from analysis.themes.summary import visible_groups
from analysis.themes.text import STOP_WORDS

PHRASE_COLUMNS = ["breakdown", "group", "theme", "phrase", "n"]
PHRASES_PER_THEME = 5
# A phrase must recur in several comments of the group: one person's wording is not a theme.
MINIMUM_PHRASE_COUNT = 3
# Collocations are found once over all comments, then counted per group and theme.
CANDIDATE_COLLOCATIONS = 3_000
_PHRASE_TOKEN = re.compile(rf"{WORD_CHARACTER}+(?:['’]{WORD_CHARACTER}+)*|[^\s\w]")
_SENTENCE_ENDS = frozenset(".!?\n")
# NHS, GP, A&E, ICU: upper-case abbreviations are services, not people.
_ACRONYM = re.compile(r"[A-Z]{2,4}")


def _phrase_words(text: str) -> list[str]:
    """Lower-case content words, with "" marking a break no phrase may span.

    Capitalised words inside a sentence are dropped rather than lower-cased: they are names
    (Dr Patel, Jane), places and streets, which must never become a group's key phrase, and a
    regex redaction pass over every comment would cost more than the rest of the step.
    """
    words: list[str] = []
    previous = ""
    sentence_start = True
    for token in _PHRASE_TOKEN.findall(text):
        if not token[0].isalnum():
            sentence_start = sentence_start or token in _SENTENCE_ENDS
            token = ""
        elif token[0].isupper() and not sentence_start and not _ACRONYM.fullmatch(token):
            token = ""
        else:
            sentence_start = False
            token = token.lower()
        if len(token) < 2 or not token.isalpha() or token in STOP_WORDS:
            if previous:
                words.append("")
            previous = ""
            continue
        words.append(token)
        previous = token
    return words


def _words_and_bigrams(
    chunk: tuple[pd.Series, int],
) -> tuple[list[list[str]], list[int], list[str]]:
    """Content words per comment (gaps as "") and adjacent pairs, for one chunk of rows."""
    raw, first_row = chunk
    documents: list[list[str]] = []
    rows: list[int] = []
    bigrams: list[str] = []
    texts = raw.str.normalize("NFKC")
    with_at = texts.str.contains("@", regex=False)
    texts[with_at] = texts[with_at].str.replace(EMAIL_ADDRESS, " ", regex=True)
    for row, text in enumerate(texts, start=first_row):
        words = _phrase_words(text)
        for first, second in zip(words, words[1:], strict=False):
            if first and second:
                rows.append(row)
                bigrams.append(f"{first} {second}")
        documents.append(words)
    return documents, rows, bigrams


def comment_bigrams(analysed: AnalysedComments) -> pd.DataFrame:
    """One row per (comment row, bigram of adjacent content words), without names or e-mails.

    A stop word, number or punctuation mark between two words breaks the pair, so "no one
    came" never yields "no came".
    """
    texts = analysed.comments["text"].astype(str)
    slices = row_slices(len(texts), worker_count(len(texts)))
    parts = map_chunks(_words_and_bigrams, [(texts.iloc[part], part.start) for part in slices])
    documents = [document for part in parts for document in part[0]]
    finder = BigramCollocationFinder.from_documents(documents)
    finder.apply_ngram_filter(lambda first, second: not first or not second)
    finder.apply_freq_filter(MINIMUM_PHRASE_COUNT)
    collocations = {
        f"{a} {b}"
        for a, b in finder.nbest(BigramAssocMeasures.likelihood_ratio, CANDIDATE_COLLOCATIONS)
    }
    table = pd.DataFrame(
        {
            "row": [row for part in parts for row in part[1]],
            "phrase": [bigram for part in parts for bigram in part[2]],
        }
    )
    table = table[table["phrase"].isin(collocations)]
    return table.drop_duplicates()  # a comment counts once per phrase


def key_phrases(analysed: AnalysedComments, breakdown: str, bigrams: pd.DataFrame) -> pd.DataFrame:
    groups = visible_groups(analysed, breakdown).to_numpy()
    theme_rows, theme_columns = np.nonzero(analysed.themes.to_numpy())
    pairs = pd.DataFrame(
        {
            "row": theme_rows,
            "theme": analysed.themes.columns.to_numpy()[theme_columns],
            "group": groups[theme_rows],
        }
    ).dropna(subset=["group"])
    counted = (
        pairs.merge(bigrams, on="row")
        .groupby(["group", "theme", "phrase"])
        .size()
        .rename("n")
        .reset_index()
    )
    counted = counted[counted["n"] >= MINIMUM_PHRASE_COUNT]
    counted = counted.sort_values(
        ["group", "theme", "n", "phrase"], ascending=[True, True, False, True]
    )
    top = counted.groupby(["group", "theme"], sort=False).head(PHRASES_PER_THEME)
    return top.assign(breakdown=breakdown)[PHRASE_COLUMNS].reset_index(drop=True)


def phrases_by_group(analysed: AnalysedComments, breakdowns: list[str]) -> pd.DataFrame:
    bigrams = comment_bigrams(analysed)
    tables = [key_phrases(analysed, breakdown, bigrams) for breakdown in breakdowns]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=PHRASE_COLUMNS)
