"""Runs every comment through language detection, theme tagging and sentiment."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.themes.features import QUESTION_TYPE_OF_ITEM
from analysis.themes.frame import CodingFrame
from analysis.themes.language import detect_languages
from analysis.themes.model import TrainedThemeModel
from analysis.themes.sentiment import label_from_vader, vader_scores
from analysis.themes.tagging import awaiting_translation, pattern_hits
from analysis.themes.text import normalise_series

NOT_SCORED = "not_scored"


@dataclass(frozen=True)
class AnalysedComments:
    """The comments (with language, confidence, sentiment) and their theme flags, row-aligned."""

    comments: pd.DataFrame
    themes: pd.DataFrame  # bool, one column per frame theme id
    theme_strength: pd.DataFrame  # pattern hits (+ model votes): ranks quotes within a theme
    frame: CodingFrame


def analyse_comments(
    comments: pd.DataFrame, frame: CodingFrame, model: TrainedThemeModel | None = None
) -> AnalysedComments:
    """Add `detected_language`, `language_confidence`, `awaiting_translation`, `sentiment`.

    Without a model, themes come from the frame's patterns and sentiment from bereavement-aware
    VADER. With one, English comments take the model's themes (for the themes it learnt) and
    sentiment; comments in other languages keep the patterns of their own language.
    """
    comments = comments.reset_index(drop=True)
    texts = comments["text"].fillna("").astype(str)
    hints = comments["language"] if "language" in comments.columns else None
    detected = detect_languages(texts, frame.languages, hints)
    languages = detected["language"]
    normalised = normalise_series(texts)
    hits = pattern_hits(normalised, languages, frame)
    themes = hits > 0
    strength = hits.astype(np.float32)
    english = (languages == "en").to_numpy()
    sentiment = np.full(len(texts), NOT_SCORED, dtype=object)
    if english.any():
        english_texts = texts[english]
        if model is None:
            sentiment[english] = label_from_vader(vader_scores(normalised[english].tolist()))
        else:
            items = comments.loc[english, "item"] if "item" in comments.columns else None
            kinds = items.map(QUESTION_TYPE_OF_ITEM) if items is not None else None
            features = model.features(english_texts, kinds)
            sentiment[english] = model.predict_sentiment(features)
            learnt = model.predict_themes(features)
            for label in model.theme_labels:
                theme = frame.theme_for_label(label)
                if theme is not None:
                    votes = learnt[label].to_numpy()
                    themes.loc[english, theme.id] = votes
                    strength.loc[english, theme.id] += votes
    # The export's own `language` (the language the survey was taken in) stays as it is: it is
    # a breakdown in its own right, and a Polish-language respondent may write in English.
    analysed = comments.assign(
        detected_language=languages.to_numpy(),
        language_confidence=detected["language_confidence"].to_numpy(),
        awaiting_translation=awaiting_translation(languages, frame).to_numpy(),
        sentiment=sentiment,
    )
    return AnalysedComments(analysed, themes, strength, frame)
