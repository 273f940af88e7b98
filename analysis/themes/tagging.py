"""Tags comments with the coding frame's themes by matching each language's patterns."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.themes.frame import CodingFrame
from analysis.themes.parallel import map_chunks, row_slices, worker_count


def pattern_hits(normalised: pd.Series, languages: pd.Series, frame: CodingFrame) -> pd.DataFrame:
    """How many pattern matches each comment has per theme (0 where its language has none)."""
    slices = row_slices(len(normalised), worker_count(len(normalised)))
    chunks = [(normalised.iloc[part], languages.iloc[part], frame) for part in slices]
    return pd.concat(map_chunks(_pattern_hits_in_chunk, chunks))


def _pattern_hits_in_chunk(chunk: tuple[pd.Series, pd.Series, CodingFrame]) -> pd.DataFrame:
    normalised, languages, frame = chunk
    hits = np.zeros((len(normalised), len(frame.themes)), dtype=np.int32)
    for language in languages.unique():
        in_language = (languages == language).to_numpy()
        texts = normalised[in_language]
        for column, theme in enumerate(frame.themes):
            regex = theme.regex_for(str(language))
            if regex is None:
                continue
            # Most comments match few themes: a search that stops at the first match rules
            # them out cheaply, and only the matches are counted in full.
            found = texts.str.contains(regex).to_numpy()
            rows = np.flatnonzero(in_language)[found]
            hits[rows, column] = texts[found].str.count(regex).to_numpy()
    return pd.DataFrame(hits, index=normalised.index, columns=frame.theme_ids)


def tag_by_patterns(
    normalised: pd.Series, languages: pd.Series, frame: CodingFrame
) -> pd.DataFrame:
    """Boolean theme columns: True where at least one of the theme's patterns matches."""
    return pattern_hits(normalised, languages, frame) > 0


def awaiting_translation(languages: pd.Series, frame: CodingFrame) -> pd.Series:
    """True for comments in a language the frame has no patterns for (counted, never dropped)."""
    return ~languages.isin(frame.languages_with_patterns)
