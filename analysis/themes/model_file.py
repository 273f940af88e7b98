"""Saves and loads trained models as plain arrays and JSON (.npz), never as pickle."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from analysis.themes.features import Featuriser
from analysis.themes.frame import CodingFrame, Theme
from analysis.themes.model import TrainedThemeModel

FORMAT = "carer-voices-themes-model"
FORMAT_VERSION = 1
_ARRAYS = (
    "theme_coef",
    "theme_intercept",
    "theme_threshold",
    "sentiment_coef",
    "sentiment_intercept",
)


class InvalidModelFile(ValueError):
    """The file is not a themes model this version can read."""


def _frame_to_json(frame: CodingFrame) -> dict[str, Any]:
    return {
        "languages": list(frame.languages),
        "themes": [
            {
                "id": t.id,
                "name": t.name,
                "description": t.description,
                "framework": t.framework,
                "label": t.label,
                "patterns": {k: list(v) for k, v in t.patterns.items()},
            }
            for t in frame.themes
        ],
    }


def _frame_from_json(data: dict[str, Any]) -> CodingFrame:
    themes = tuple(
        Theme(
            id=t["id"],
            name=t["name"],
            description=t["description"],
            framework=t["framework"],
            label=t["label"],
            patterns={k: tuple(v) for k, v in t["patterns"].items()},
        )
        for t in data["themes"]
    )
    return CodingFrame(themes=themes, languages=tuple(data["languages"]))


def _terms_in_index_order(vocabulary: dict[str, int]) -> np.ndarray:
    terms = sorted(vocabulary, key=vocabulary.__getitem__)
    return np.array(terms, dtype=str)


def save_model(model: TrainedThemeModel, path: Path | str) -> Path:
    """Write the model to `path` (the name is kept exactly; no suffix is added)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    metadata = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "theme_labels": model.theme_labels,
        "settings": model.settings,
        # The pattern-hit features follow the frame in force at training time, so the model
        # carries that frame: analysts can edit the packaged frame without breaking old models.
        "frame": _frame_to_json(model.featuriser.frame),
    }
    arrays = {name: getattr(model, name) for name in _ARRAYS}
    with target.open("wb") as handle:
        np.savez_compressed(
            handle,
            metadata=np.array(json.dumps(metadata)),
            word_terms=_terms_in_index_order(model.featuriser.word.vocabulary_),
            word_idf=model.featuriser.word.idf_,
            char_terms=_terms_in_index_order(model.featuriser.char.vocabulary_),
            char_idf=model.featuriser.char.idf_,
            **arrays,
        )
    return target


def load_model(path: Path | str) -> TrainedThemeModel:
    try:
        with np.load(Path(path), allow_pickle=False) as data:
            metadata = json.loads(str(data["metadata"]))
            if metadata.get("format") != FORMAT or metadata.get("version") != FORMAT_VERSION:
                raise InvalidModelFile(f"{path}: not a version {FORMAT_VERSION} themes model")
            featuriser = Featuriser.from_arrays(
                word_vocabulary={t: i for i, t in enumerate(data["word_terms"].tolist())},
                word_idf=data["word_idf"],
                char_vocabulary={t: i for i, t in enumerate(data["char_terms"].tolist())},
                char_idf=data["char_idf"],
                frame=_frame_from_json(metadata["frame"]),
            )
            arrays = {name: data[name] for name in _ARRAYS}
    except (OSError, KeyError, ValueError) as error:
        if isinstance(error, InvalidModelFile):
            raise
        raise InvalidModelFile(f"{path}: cannot read themes model ({error})") from error
    return TrainedThemeModel(
        featuriser=featuriser,
        theme_labels=list(metadata["theme_labels"]),
        settings=dict(metadata["settings"]),
        **arrays,
    )
