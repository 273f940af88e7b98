"""Chooses up to three redacted, representative quotes per theme for each group shown."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.themes.pipeline import AnalysedComments
from analysis.themes.redaction import redact
from analysis.themes.summary import visible_groups

QUOTE_COLUMNS = ["breakdown", "group", "theme", "language", "quote"]
QUOTES_PER_THEME = 3
MAXIMUM_QUOTE_CHARACTERS = 300
# Quotes near this length read as a point made, not a fragment or an essay.
PREFERRED_LENGTH = 140
MINIMUM_WORDS = 4


def shorten(text: str, limit: int = MAXIMUM_QUOTE_CHARACTERS) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:") + " …"


def scored_pairs(analysed: AnalysedComments) -> pd.DataFrame:
    """Every (comment row, theme) pair, scored for how well the comment represents the theme."""
    rows, columns = np.nonzero(analysed.themes.to_numpy())
    texts = analysed.comments["text"].astype(str)
    lengths = texts.str.len().to_numpy()[rows]
    words = texts.str.count(r"\S+").to_numpy()[rows]
    strength = analysed.theme_strength.to_numpy()[rows, columns]
    # More evidence for the theme first, then a readable length; very short comments last.
    readable = -np.abs(np.log((lengths + 1) / PREFERRED_LENGTH))
    return pd.DataFrame(
        {
            "row": rows,
            "theme": analysed.themes.columns.to_numpy()[columns],
            "score": strength + readable - 10 * (words < MINIMUM_WORDS),
        }
    )


def representative_quotes(
    analysed: AnalysedComments, breakdown: str, pairs: pd.DataFrame | None = None
) -> pd.DataFrame:
    pairs = scored_pairs(analysed) if pairs is None else pairs
    groups = visible_groups(analysed, breakdown).to_numpy()
    candidates = pairs.assign(group=groups[pairs["row"].to_numpy()]).dropna(subset=["group"])
    if candidates.empty:
        return pd.DataFrame(columns=QUOTE_COLUMNS)
    candidates = candidates.sort_values(
        ["group", "theme", "score", "row"], ascending=[True, True, False, True], kind="stable"
    )
    # A few spares per theme, so removing repeated comments still leaves three.
    spares = candidates.groupby(["group", "theme"], sort=False).head(4 * QUOTES_PER_THEME)
    texts = analysed.comments["text"].astype(str).to_numpy()
    spares = spares.assign(text=texts[spares["row"].to_numpy()])
    spares = spares.drop_duplicates(["group", "theme", "text"])
    chosen = spares.groupby(["group", "theme"], sort=False).head(QUOTES_PER_THEME)
    languages = analysed.comments["detected_language"].to_numpy()
    return pd.DataFrame(
        {
            "breakdown": breakdown,
            "group": chosen["group"].to_numpy(),
            "theme": chosen["theme"].to_numpy(),
            "language": languages[chosen["row"].to_numpy()],
            # Redact before shortening, so a cut can never leave half an identifier behind.
            "quote": [shorten(redact(text)) for text in chosen["text"]],
        }
    )[QUOTE_COLUMNS]


def quotes_by_group(analysed: AnalysedComments, breakdowns: list[str]) -> pd.DataFrame:
    pairs = scored_pairs(analysed)
    tables = [representative_quotes(analysed, breakdown, pairs) for breakdown in breakdowns]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=QUOTE_COLUMNS)
