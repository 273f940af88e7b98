"""Rule-based sentiment with VADER, made fair to bereavement: grief is not a complaint."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import pandas as pd
from nltk.sentiment.vader import SentimentIntensityAnalyzer, SentiText

from analysis.themes.nltk_setup import VADER_RESOURCE, require_resource
from analysis.themes.parallel import map_chunks, row_slices, worker_count

SENTIMENT_CLASSES = ("positive", "neutral_or_mixed", "negative")
VADER_COLUMNS = ("vader_neg", "vader_neu", "vader_pos", "vader_compound")

# VADER scores these as strongly negative ("died" -2.6, "cancer" -3.4), but in a bereavement
# survey they describe what happened, not how the care was: "Mum died peacefully" is praise.
BEREAVEMENT_WORDS = frozenset(
    {
        "died",
        "die",
        "dies",
        "dying",
        "death",
        "deaths",
        "dead",
        "deceased",
        "grief",
        "grieving",
        "grieve",
        "mourn",
        "mourning",
        "funeral",
        "funerals",
        "loss",
        "cancer",
        "bereaved",
        "bereavement",
        "sad",
        "sadly",
        "sadness",
        "heartbroken",
        "devastated",
        "tragic",
        "tragedy",
        "cry",
        "crying",
        "cried",
        "tears",
        "coffin",
        "grave",
        "widow",
        "widowed",
        "terminal",
        "terminally",
        "fatal",
        "passing",
        "illness",
        "ill",
    }
)
_RELATIVE = (
    r"(?:husband|wife|partner|mum|mother|mam|mom|dad|father|son|daughter|brother|sister|nan|"
    r"nana|gran|granny|grandma|grandad|grandmother|grandfather|aunt|uncle|friend|loved one|baby)"
)
# "lost my husband" is a death, "lost his notes" is a complaint: only the first is neutralised.
BEREAVEMENT_PHRASES = re.compile(
    rf"\b(?:passed away|passed on|lost (?:my|our|his|her|their) {_RELATIVE}|rest in peace|"
    rf"end of (?:his|her|their) life|end of life)\b",
    re.IGNORECASE,
)
# VADER's own cut-offs; a comment with clear praise and clear criticism is "mixed".
POSITIVE_FROM, NEGATIVE_TO, MIXED_SHARE = 0.05, -0.05, 0.15


class _QuickSentiText(SentiText):  # type: ignore[misc]
    """NLTK's SentiText giving the same tokens, faster.

    NLTK builds every word x punctuation pair for each comment; that product was most of
    VADER's time on 100,000 comments.
    """

    def _words_and_emoticons(self) -> list[str]:
        words_only = {
            w for w in self.REGEX_REMOVE_PUNCTUATION.sub("", self.text).split() if len(w) > 1
        }
        marks = self.PUNC_LIST
        edge = {mark[0] for mark in marks} | {mark[-1] for mark in marks}
        tokens = [we for we in self.text.split() if len(we) > 1]
        for i, token in enumerate(tokens):
            if token[0] not in edge and token[-1] not in edge:
                continue
            # NLTK's mapping lets "word + mark" win over "mark + word" for the same token.
            for mark in marks:
                if token.endswith(mark) and token[: -len(mark)] in words_only:
                    tokens[i] = token[: -len(mark)]
                    break
            else:
                for mark in marks:
                    if token.startswith(mark) and token[len(mark) :] in words_only:
                        tokens[i] = token[len(mark) :]
                        break
        return tokens


class _QuickVader(SentimentIntensityAnalyzer):  # type: ignore[misc]
    """NLTK's analyser, scoring with _QuickSentiText; otherwise NLTK's own rules."""

    def polarity_scores(self, text: str) -> dict[str, float]:
        constants = self.constants
        sentitext = _QuickSentiText(text, constants.PUNC_LIST, constants.REGEX_REMOVE_PUNCTUATION)
        words = sentitext.words_and_emoticons
        first_index: dict[str, int] = {}
        for index, token in enumerate(words):
            first_index.setdefault(token, index)
        sentiments: list[float] = []
        for item in words:
            i = first_index[item]
            lowered = item.lower()
            if (
                i < len(words) - 1 and lowered == "kind" and words[i + 1].lower() == "of"
            ) or lowered in constants.BOOSTER_DICT:
                sentiments.append(0)
                continue
            sentiments = self.sentiment_valence(0, sentitext, item, i, sentiments)
        sentiments = self._but_check(words, sentiments)
        scores: dict[str, float] = self.score_valence(sentiments, text)
        return scores


@lru_cache(maxsize=1)
def bereavement_aware_vader() -> SentimentIntensityAnalyzer:
    require_resource(VADER_RESOURCE)
    analyzer = _QuickVader(lexicon_file=VADER_RESOURCE)
    for word in BEREAVEMENT_WORDS:
        analyzer.lexicon.pop(word, None)
    return analyzer


def without_bereavement_phrases(text: str) -> str:
    return BEREAVEMENT_PHRASES.sub(" ", text)


def _vader_rows(texts: list[str]) -> list[tuple[float, float, float, float]]:
    analyzer = bereavement_aware_vader()
    rows = []
    for text in texts:
        scores = analyzer.polarity_scores(without_bereavement_phrases(text))
        rows.append((scores["neg"], scores["neu"], scores["pos"], scores["compound"]))
    return rows


def vader_scores(texts: Iterable[str]) -> np.ndarray:
    """An (n, 4) array of VADER neg, neu, pos, compound with bereavement words neutral."""
    texts = list(texts)
    bereavement_aware_vader()  # load (and fail clearly) before any worker starts
    slices = row_slices(len(texts), worker_count(len(texts)))
    parts = map_chunks(_vader_rows, [texts[part] for part in slices])
    rows = [row for part in parts for row in part]
    return np.asarray(rows, dtype=np.float64).reshape(-1, 4)


def label_from_vader(scores: np.ndarray) -> np.ndarray:
    """positive / neutral_or_mixed / negative from VADER scores (the untrained rule)."""
    negative, positive, compound = scores[:, 0], scores[:, 2], scores[:, 3]
    mixed = (negative >= MIXED_SHARE) & (positive >= MIXED_SHARE)
    labels = np.full(len(scores), "neutral_or_mixed", dtype=object)
    labels[(compound >= POSITIVE_FROM) & ~mixed] = "positive"
    labels[(compound <= NEGATIVE_TO) & ~mixed] = "negative"
    return labels


def rule_sentiment(texts: pd.Series) -> pd.Series:
    return pd.Series(label_from_vader(vader_scores(texts.tolist())), index=texts.index)
