"""Free-text themes by community group, with redacted quotes, for the comments in scope."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from analysis.disclosure import round_counts
from analysis.report.cells import table_from_frame
from analysis.report.model import Column, ReportTable
from analysis.themes.pipeline import AnalysedComments
from analysis.themes.quotes import representative_quotes
from analysis.themes.summary import summarise_breakdown

BREAKDOWN = "community_group"
# Enough themes per group to see what it raises most, few enough to read at a board meeting.
THEMES_PER_GROUP = 6

THEME_COLUMNS = (
    Column("group"),
    Column("theme"),
    Column("theme_name"),
    Column("n_comments", "count"),
    Column("n_theme", "count"),
    Column("pct", "percent"),
    Column("pct_positive", "percent"),
    Column("pct_negative", "percent"),
    Column("distinctiveness_z", "ratio"),
)
QUOTE_COLUMNS = (
    Column("group"),
    Column("theme"),
    Column("theme_name"),
    Column("language"),
    Column("quote"),
)


def subset(analysed: AnalysedComments, keep: np.ndarray) -> AnalysedComments:
    """The analysed comments where ``keep`` is true (analysis is per comment, so this is exact)."""
    return AnalysedComments(
        analysed.comments.loc[keep].reset_index(drop=True),
        analysed.themes.loc[keep].reset_index(drop=True),
        analysed.theme_strength.loc[keep].reset_index(drop=True),
        analysed.frame,
    )


def theme_tables(
    analysed: AnalysedComments | None,
    *,
    only_group: str | None,
    group_names: Mapping[str, str],
) -> tuple[ReportTable, ReportTable]:
    """Themes by community group (top themes per group) and up to three quotes per theme.

    Groups under the base are one suppressed row each, with no counts and no quotes. Counts
    are rounded like every sub-national count; percentages come from the exact counts.
    """
    empty = pd.DataFrame({column.id: pd.Series([], dtype=object) for column in THEME_COLUMNS})
    empty_quotes = pd.DataFrame({c.id: pd.Series([], dtype=object) for c in QUOTE_COLUMNS})
    if analysed is None or analysed.comments.empty or BREAKDOWN not in analysed.comments:
        return (
            table_from_frame("themes", empty, THEME_COLUMNS),
            table_from_frame("quotes", empty_quotes, QUOTE_COLUMNS),
        )
    names = {theme.id: theme.name for theme in analysed.frame.themes}
    names.setdefault("awaiting_translation", "Awaiting translation")
    summary = summarise_breakdown(analysed, BREAKDOWN)
    if only_group is not None:
        summary = summary.loc[summary["group"] == only_group]
    hidden = summary["suppressed"].astype(bool)
    # The percentage, not the (rounded, possibly blank) count, says whether a theme came up.
    shown = summary.loc[~hidden & (summary["pct"].fillna(0) > 0)]
    shown = shown.sort_values(["group", "pct"], ascending=[True, False], kind="stable")
    shown = shown.groupby("group", sort=False).head(THEMES_PER_GROUP)
    suppressed_groups = summary.loc[hidden].drop_duplicates("group").assign(theme="")
    rows = pd.concat([shown, suppressed_groups], ignore_index=True)
    rows = rows.sort_values("group", kind="stable").reset_index(drop=True)
    rows["theme_name"] = rows["theme"].map(lambda theme: names.get(theme, theme))
    for column in ("n_comments", "n_theme"):
        rows[column] = round_counts(rows[column])
    hidden_rows = rows["suppressed"].astype(bool)
    rows["group"] = rows["group"].map(lambda slug: group_names.get(slug, slug))
    themes = table_from_frame("themes", rows, THEME_COLUMNS, suppressed=hidden_rows)

    quotes = representative_quotes(analysed, BREAKDOWN)
    # Quotes only for the themes the table shows, so the two sections read together.
    pairs = set(zip(shown["group"], shown["theme"], strict=True))
    keep = [pair in pairs for pair in zip(quotes["group"], quotes["theme"], strict=True)]
    quotes = quotes.loc[keep]
    quotes = quotes.assign(
        theme_name=quotes["theme"].map(lambda theme: names.get(theme, theme)),
        group=quotes["group"].map(lambda slug: group_names.get(slug, slug)),
    ).reset_index(drop=True)
    if quotes.empty:
        quotes = empty_quotes
    return themes, table_from_frame("quotes", quotes, QUOTE_COLUMNS)
