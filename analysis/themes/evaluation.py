"""Scores theme and sentiment predictions: per-class and macro precision, recall and F1."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.metrics import precision_recall_fscore_support

from analysis.themes.frame import CodingFrame
from analysis.themes.labelled import LabelledComments
from analysis.themes.model import TrainedThemeModel
from analysis.themes.sentiment import SENTIMENT_CLASSES, rule_sentiment
from analysis.themes.tagging import tag_by_patterns
from analysis.themes.text import normalise_series


@dataclass(frozen=True)
class Evaluation:
    themes: pd.DataFrame  # index: class; columns precision, recall, f1, support
    sentiment: pd.DataFrame

    @property
    def themes_macro_f1(self) -> float:
        return float(self.themes["f1"].mean())

    @property
    def sentiment_macro_f1(self) -> float:
        return float(self.sentiment["f1"].mean())

    def report(self, title: str) -> str:
        lines = [f"# {title}"]
        for heading, table in (("themes", self.themes), ("sentiment", self.sentiment)):
            lines.append(f"{heading:<44} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>8}")
            for name, row in table.iterrows():
                lines.append(
                    f"  {str(name):<42} {row.precision:>9.3f} {row.recall:>7.3f} "
                    f"{row.f1:>6.3f} {int(row.support):>8}"
                )
        lines.append(f"themes_macro_f1 {self.themes_macro_f1:.4f}")
        lines.append(f"sentiment_macro_f1 {self.sentiment_macro_f1:.4f}")
        return "\n".join(lines)


def _per_class(truth: np.ndarray, predicted: np.ndarray, names: list[str]) -> pd.DataFrame:
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, average=None, zero_division=0
    )
    return pd.DataFrame(
        {"precision": precision, "recall": recall, "f1": f1, "support": support}, index=names
    )


def _sentiment_table(test: LabelledComments, predicted: np.ndarray) -> pd.DataFrame:
    known = test.sentiment.isin(SENTIMENT_CLASSES).to_numpy()
    classes = list(SENTIMENT_CLASSES)
    truth = pd.get_dummies(pd.Categorical(test.sentiment[known], categories=classes))
    guess = pd.get_dummies(pd.Categorical(predicted[known], categories=classes))
    return _per_class(truth.to_numpy(), guess.to_numpy(), classes)


def evaluate_model(model: TrainedThemeModel, test: LabelledComments) -> Evaluation:
    features = model.features(test.texts, test.question_types)
    predicted = model.predict_themes(features)
    labels = [label for label in test.theme_labels if label in model.theme_labels]
    themes = _per_class(test.themes[labels].to_numpy(), predicted[labels].to_numpy(), labels)
    return Evaluation(themes, _sentiment_table(test, model.predict_sentiment(features)))


def evaluate_patterns(frame: CodingFrame, test: LabelledComments) -> Evaluation:
    """The untrained baseline: English frame patterns for themes, VADER rules for sentiment."""
    normalised = normalise_series(test.texts)
    english = pd.Series("en", index=normalised.index)
    tagged = tag_by_patterns(normalised, english, frame)
    labels, truth, guess = [], [], []
    for label in test.theme_labels:
        theme = frame.theme_for_label(label)
        if theme is not None:
            labels.append(label)
            truth.append(test.themes[label].to_numpy())
            guess.append(tagged[theme.id].to_numpy())
    themes = _per_class(np.column_stack(truth), np.column_stack(guess), labels)
    return Evaluation(themes, _sentiment_table(test, rule_sentiment(test.texts).to_numpy()))
