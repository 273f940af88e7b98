"""Supervised theme (multi-label) and sentiment models, trained from any labelled comments."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp
from joblib import Parallel, delayed
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from analysis.themes.features import Featuriser, PreparedText, prepare
from analysis.themes.frame import CodingFrame
from analysis.themes.labelled import LabelledComments
from analysis.themes.sentiment import SENTIMENT_CLASSES

# Settings chosen by 5-fold cross-validation inside the training part only (docs/themes.md).
# Wider grids (C 3/10/30 for themes, 1/3/10 for sentiment) picked these values or scored within
# 0.01 of them in cross-validation at several times the training time, so the defaults are
# single values; the per-theme decision thresholds are always chosen by cross-validation.
THEME_C_GRID = (10.0,)
SENTIMENT_C_GRID = (3.0,)
THRESHOLD_GRID = np.linspace(-2.0, 2.0, 81)
NEUTRAL_BIAS_GRID = np.linspace(-1.0, 1.5, 26)
FOLDS = 5
SEED = 20261122
# A theme with fewer labelled examples than this cannot be learnt; patterns still tag it.
MINIMUM_POSITIVES = 8
TRAINING_JOBS = 2


class NotEnoughLabels(ValueError):
    """The labelled file has too few examples to train the requested model."""


@dataclass
class TrainedThemeModel:
    """Linear models over shared features: one per theme (with its own threshold) + sentiment."""

    featuriser: Featuriser
    theme_labels: list[str]
    theme_coef: np.ndarray
    theme_intercept: np.ndarray
    theme_threshold: np.ndarray
    sentiment_coef: np.ndarray
    sentiment_intercept: np.ndarray
    settings: dict[str, float] = field(default_factory=dict)

    def features(self, texts: pd.Series, question_types: pd.Series | None) -> sp.csr_matrix:
        return self.featuriser.transform(prepare(texts, question_types))

    def theme_scores(self, features: sp.csr_matrix) -> np.ndarray:
        scores: np.ndarray = np.asarray(features @ self.theme_coef.T) + self.theme_intercept
        return scores

    def predict_themes(self, features: sp.csr_matrix) -> pd.DataFrame:
        """Boolean column per theme label."""
        decided = self.theme_scores(features) > self.theme_threshold
        return pd.DataFrame(decided, columns=self.theme_labels)

    def predict_sentiment(self, features: sp.csr_matrix) -> np.ndarray:
        scores = np.asarray(features @ self.sentiment_coef.T) + self.sentiment_intercept
        labels: np.ndarray = np.asarray(SENTIMENT_CLASSES, dtype=object)[scores.argmax(axis=1)]
        return labels


def _folds(strata: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    _, counts = np.unique(strata, return_counts=True)
    splitter = StratifiedKFold(
        n_splits=min(FOLDS, int(counts.min())), shuffle=True, random_state=SEED
    )
    return list(splitter.split(np.zeros(len(strata)), strata))


def _theme_classifier(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced", solver="liblinear", max_iter=2000)


def _best_threshold(truth: np.ndarray, scores: np.ndarray) -> tuple[float, float]:
    results = [(f1_score(truth, scores > t, zero_division=0), -abs(t), t) for t in THRESHOLD_GRID]
    best = max(results)
    return float(best[2]), float(best[0])


def _fit_theme(x: sp.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, float, float, float]:
    """Choose C and the decision threshold by cross-validated F1, then fit on everything."""
    folds = _folds(y)
    best: tuple[float, float, float] = (-1.0, 0.0, THEME_C_GRID[0])
    for c in THEME_C_GRID:
        out_of_fold = np.zeros(len(y))
        for train, held in folds:
            model = _theme_classifier(c).fit(x[train], y[train])
            out_of_fold[held] = model.decision_function(x[held])
        threshold, score = _best_threshold(y, out_of_fold)
        best = max(best, (score, threshold, c))
    score, threshold, c = best
    final = _theme_classifier(c).fit(x, y)
    return final.coef_[0], float(final.intercept_[0]), threshold, c


def _sentiment_classifier(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000)


def _fit_sentiment(x: sp.csr_matrix, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Multinomial model; C and a bias for the hard middle class chosen by CV macro-F1."""
    y = np.array([SENTIMENT_CLASSES.index(label) for label in labels])
    folds = _folds(y)
    neutral = SENTIMENT_CLASSES.index("neutral_or_mixed")
    best: tuple[float, float, float] = (-1.0, 0.0, SENTIMENT_C_GRID[0])
    for c in SENTIMENT_C_GRID:
        out_of_fold = np.zeros((len(y), len(SENTIMENT_CLASSES)))
        for train, held in folds:
            model = _sentiment_classifier(c).fit(x[train], y[train])
            out_of_fold[held] = model.decision_function(x[held])
        for bias in NEUTRAL_BIAS_GRID:
            shifted = out_of_fold.copy()
            shifted[:, neutral] += bias
            score = f1_score(y, shifted.argmax(axis=1), average="macro")
            best = max(best, (float(score), float(bias), c))
    _, bias, c = best
    final = _sentiment_classifier(c).fit(x, y)
    intercept = final.intercept_.copy()
    intercept[neutral] += bias
    return final.coef_, intercept, c


def train_model(labelled: LabelledComments, frame: CodingFrame) -> TrainedThemeModel:
    """Fit features, one classifier per learnable theme, and the sentiment classifier."""
    prepared: PreparedText = prepare(labelled.texts, labelled.question_types)
    featuriser = Featuriser.fit(prepared, frame)
    x = featuriser.transform(prepared)
    targets = {
        label: y
        for label in labelled.theme_labels
        if MINIMUM_POSITIVES
        <= (y := labelled.themes[label].to_numpy(np.int8)).sum()
        <= len(y) - MINIMUM_POSITIVES
    }
    labels = list(targets)
    # Themes are independent binary problems: fit them on both cores.
    fitted = Parallel(n_jobs=TRAINING_JOBS)(delayed(_fit_theme)(x, y) for y in targets.values())
    coefs = [coef for coef, _, _, _ in fitted]
    intercepts = [intercept for _, intercept, _, _ in fitted]
    thresholds = [threshold for _, _, threshold, _ in fitted]
    settings = {f"C[{label}]": c for label, (_, _, _, c) in zip(labels, fitted, strict=True)}
    if not labels:
        raise NotEnoughLabels(f"no theme has at least {MINIMUM_POSITIVES} labelled examples")
    known = labelled.sentiment.isin(SENTIMENT_CLASSES).to_numpy()
    if len(set(labelled.sentiment[known])) < len(SENTIMENT_CLASSES):
        raise NotEnoughLabels("sentiment_3 needs examples of all three classes")
    sentiment_coef, sentiment_intercept, c = _fit_sentiment(
        x[known], labelled.sentiment[known].to_numpy()
    )
    settings["C[sentiment]"] = c
    return TrainedThemeModel(
        featuriser=featuriser,
        theme_labels=labels,
        theme_coef=np.vstack(coefs).astype(np.float32),
        theme_intercept=np.asarray(intercepts, dtype=np.float32),
        theme_threshold=np.asarray(thresholds, dtype=np.float32),
        sentiment_coef=sentiment_coef.astype(np.float32),
        sentiment_intercept=sentiment_intercept.astype(np.float32),
        settings=settings,
    )
