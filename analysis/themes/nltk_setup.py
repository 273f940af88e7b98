"""Points NLTK at the project's own nltk_data directory, so nothing is downloaded at run time."""

from __future__ import annotations

from pathlib import Path

import nltk

# <repo>/nltk_data, filled by scripts/prepare_nltk_data.py during `make install`.
PROJECT_NLTK_DATA = Path(__file__).resolve().parents[2] / "nltk_data"
VADER_RESOURCE = "sentiment/vader_lexicon/vader_lexicon.txt"


class MissingNltkData(RuntimeError):
    """A resource the themes analysis needs is not in the project's nltk_data directory."""


def use_project_nltk_data() -> Path:
    """Put the project's nltk_data first on NLTK's search path (idempotent) and return it."""
    directory = str(PROJECT_NLTK_DATA)
    # NLTK >= 3.10 only opens files under roots on nltk.data.path, and takes the first match:
    # ours must come first so a stale user-wide copy never shadows the one we installed.
    while directory in nltk.data.path:
        nltk.data.path.remove(directory)
    nltk.data.path.insert(0, directory)
    return PROJECT_NLTK_DATA


def require_resource(resource: str) -> None:
    """Fail with the fix spelled out when an install-time NLTK resource is missing."""
    root = use_project_nltk_data()
    if not (root / resource).is_file():
        raise MissingNltkData(
            f"NLTK resource '{resource}' is missing from {root}. "
            "Run `make install` (it runs scripts/prepare_nltk_data.py); "
            "the analysis never downloads data at run time."
        )
