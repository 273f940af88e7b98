"""Negation and bereavement: "not kind" is criticism, "Mum died" is not a complaint."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.themes.sentiment import rule_sentiment
from analysis.themes.text import STOP_WORDS, analysed_tokens, normalise


def test_negation_marks_the_words_it_governs() -> None:
    tokens = analysed_tokens(normalise("The nurses were not kind. The doctor was lovely."))
    assert "kind_NEG" in tokens
    assert "kind" not in tokens
    assert not any(t.startswith("doctor") and t.endswith("_NEG") for t in tokens)


def test_stop_words_keep_negations() -> None:
    assert {"not", "no", "never", "nobody", "nothing"}.isdisjoint(STOP_WORDS)
    assert "the" in STOP_WORDS


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("The nurses were not kind.", "negative"),
        ("The nurses were kind.", "positive"),
        ("The doctor was not helpful.", "negative"),
    ],
)
def test_negation_changes_sentiment(comment: str, expected: str) -> None:
    assert rule_sentiment(pd.Series([comment])).iloc[0] == expected


@pytest.mark.parametrize(
    "comment",
    [
        "My husband died on Tuesday.",
        "Mum passed away in the hospice in May.",
        "Dad's death came after a long illness with cancer.",
        "We lost my mother last spring and the funeral was last week.",
        "He was dying and we were all there.",
    ],
)
def test_bereavement_words_alone_do_not_make_a_comment_negative(comment: str) -> None:
    assert rule_sentiment(pd.Series([comment])).iloc[0] != "negative"


def test_a_peaceful_death_with_praise_reads_as_positive() -> None:
    comment = "Mum died peacefully at home and the nurses were wonderful."
    assert rule_sentiment(pd.Series([comment])).iloc[0] == "positive"


def test_criticism_around_a_death_is_still_negative() -> None:
    comment = "Dad died in pain because the staff were rude and ignored us."
    assert rule_sentiment(pd.Series([comment])).iloc[0] == "negative"
