"""Reads labelled comments (`text`, `cat:<theme>` 0/1 columns, `sentiment_3`) and splits them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

THEME_PREFIX = "cat:"
HELD_OUT_SHARE = 0.2
SPLIT_SEED = 20261122


class InvalidLabelledFile(ValueError):
    """A labelled file lacks the text or label columns the models need."""


@dataclass(frozen=True)
class LabelledComments:
    texts: pd.Series
    question_types: pd.Series | None
    themes: pd.DataFrame
    sentiment: pd.Series

    @property
    def theme_labels(self) -> list[str]:
        return list(self.themes.columns)

    def subset(self, rows: np.ndarray) -> LabelledComments:
        return LabelledComments(
            texts=self.texts.iloc[rows].reset_index(drop=True),
            question_types=None
            if self.question_types is None
            else self.question_types.iloc[rows].reset_index(drop=True),
            themes=self.themes.iloc[rows].reset_index(drop=True),
            sentiment=self.sentiment.iloc[rows].reset_index(drop=True),
        )


def from_frame(table: pd.DataFrame) -> LabelledComments:
    if "text" not in table.columns:
        raise InvalidLabelledFile("labelled file needs a 'text' column")
    theme_columns = [c for c in table.columns if c.startswith(THEME_PREFIX)]
    if not theme_columns and "sentiment_3" not in table.columns:
        raise InvalidLabelledFile("labelled file needs 'cat:<theme>' columns or 'sentiment_3'")
    table = table.reset_index(drop=True)
    themes = table[theme_columns].apply(pd.to_numeric, errors="coerce").fillna(0).astype(bool)
    themes.columns = [c.removeprefix(THEME_PREFIX) for c in theme_columns]
    sentiment = table.get("sentiment_3", pd.Series("", index=table.index))
    return LabelledComments(
        texts=table["text"].fillna("").astype(str),
        question_types=table["question_type"] if "question_type" in table.columns else None,
        themes=themes,
        sentiment=sentiment.fillna("").astype(str).str.strip(),
    )


def read_labelled(path: Path | str) -> LabelledComments:
    return from_frame(
        pd.read_csv(
            path, dtype={"text": str}, keep_default_na=False, na_values={"sentiment_3": [""]}
        )
    )


def rarest_label_strata(labelled: LabelledComments) -> np.ndarray:
    """Each comment's rarest positive theme (or 'none'), to stratify multi-label splits.

    Stratifying on it keeps rare themes in both parts, which a plain random split does not.
    """
    themes = labelled.themes
    order = themes.sum().sort_values().index
    strata = np.full(len(themes), "none", dtype=object)
    for label in reversed(order):  # rarest last, so it wins
        strata[themes[label].to_numpy()] = label
    return strata


def held_out_split(
    labelled: LabelledComments, share: float = HELD_OUT_SHARE, seed: int = SPLIT_SEED
) -> tuple[LabelledComments, LabelledComments]:
    """The fixed, stratified train / held-out split used for the quality figures."""
    rows = np.arange(len(labelled.texts))
    train, held = train_test_split(
        rows, test_size=share, random_state=seed, stratify=rarest_label_strata(labelled)
    )
    return labelled.subset(np.sort(train)), labelled.subset(np.sort(held))
