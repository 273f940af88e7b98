"""Theme counts, sentiment and distinctiveness per group, with disclosure control applied."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.disclosure import MINIMUM_BASE, SENSITIVE_BREAKDOWNS, round_counts
from analysis.themes.pipeline import AnalysedComments

AWAITING_TRANSLATION = "awaiting_translation"
NOT_STATED = "(not stated)"
SUMMARY_COLUMNS = [
    "breakdown",
    "group",
    "theme",
    "n_comments",
    "n_theme",
    "pct",
    "pct_positive",
    "pct_negative",
    "distinctiveness_z",
    "suppressed",
]
# Strength of the informative Dirichlet prior, in pseudo-comments shared out by each theme's
# overall rate: it pulls small groups towards the overall picture so a handful of comments
# cannot look "distinctive" (Monroe, Colaresi & Quinn 2008, "Fightin' Words").
PRIOR_COMMENTS = 50.0


def group_labels(comments: pd.DataFrame, breakdown: str) -> pd.Series:
    if breakdown not in comments.columns:
        raise KeyError(f"no column '{breakdown}' to break down by")
    labels = comments[breakdown].fillna("").astype(str).str.strip()
    return labels.where(labels != "", NOT_STATED)


def suppressed_groups(sizes: pd.Series, breakdown: str) -> set[str]:
    """Groups under the minimum base, plus, in sensitive breakdowns, the next smallest.

    With one small group hidden alone, subtracting the others from a total would reveal it.
    """
    small = set(sizes[sizes < MINIMUM_BASE].index)
    if breakdown in SENSITIVE_BREAKDOWNS and len(small) == 1:
        shown = sizes[~sizes.index.isin(small)].sort_values(kind="stable")
        if len(shown):
            small.add(shown.index[0])
    return {str(group) for group in small}


def log_odds_z(
    in_group: np.ndarray, group_size: np.ndarray, total: np.ndarray, overall_size: float
) -> np.ndarray:
    """z-score of a theme's log-odds ratio in a group against all other groups.

    The informative Dirichlet prior comes from the theme's overall rate. All arrays broadcast
    as (groups, themes); `total` is each theme's count over all groups.
    """
    rest, rest_size = total - in_group, overall_size - group_size
    rate = total / max(overall_size, 1.0)
    alpha_yes, alpha_no = PRIOR_COMMENTS * rate, PRIOR_COMMENTS * (1 - rate)
    a, b = in_group + alpha_yes, group_size - in_group + alpha_no
    c, d = rest + alpha_yes, rest_size - rest + alpha_no
    with np.errstate(divide="ignore", invalid="ignore"):
        delta = np.log(a / b) - np.log(c / d)
        z = delta / np.sqrt(1 / a + 1 / b + 1 / c + 1 / d)
    return np.where(np.isfinite(z), z, np.nan)


def _percent(part: pd.DataFrame, whole: pd.DataFrame | pd.Series, axis: int = 0) -> pd.DataFrame:
    with np.errstate(divide="ignore", invalid="ignore"):
        return part.div(whole, axis=axis).mul(100).round(1)


def summarise_breakdown(analysed: AnalysedComments, breakdown: str) -> pd.DataFrame:
    comments, themes = analysed.comments, analysed.themes
    groups = group_labels(comments, breakdown)
    flags = themes.assign(**{AWAITING_TRANSLATION: comments["awaiting_translation"].to_numpy()})
    sizes = groups.value_counts().sort_index()
    counts = flags.groupby(groups).sum().reindex(sizes.index)
    positive = flags.mul(comments["sentiment"].eq("positive").to_numpy(), axis=0)
    negative = flags.mul(comments["sentiment"].eq("negative").to_numpy(), axis=0)
    scored = flags.mul(
        comments["sentiment"].isin(["positive", "negative", "neutral_or_mixed"]).to_numpy(), axis=0
    )
    scored_counts = scored.groupby(groups).sum().reindex(sizes.index)
    pct_positive = _percent(positive.groupby(groups).sum().reindex(sizes.index), scored_counts)
    pct_negative = _percent(negative.groupby(groups).sum().reindex(sizes.index), scored_counts)
    z = log_odds_z(
        counts.to_numpy(float),
        sizes.to_numpy(float)[:, None],
        counts.sum().to_numpy(float)[None, :],
        float(sizes.sum()),
    )
    z_table = pd.DataFrame(np.round(z, 2), index=sizes.index, columns=counts.columns)
    long = pd.DataFrame(
        {
            "group": np.repeat(sizes.index.to_numpy(), len(counts.columns)),
            "theme": np.tile(counts.columns.to_numpy(), len(sizes)),
            "n_comments": np.repeat(sizes.to_numpy(), len(counts.columns)),
            "n_theme": counts.to_numpy().ravel(),
            "pct": _percent(counts, sizes).to_numpy().ravel(),
            "pct_positive": pct_positive.to_numpy().ravel(),
            "pct_negative": pct_negative.to_numpy().ravel(),
            "distinctiveness_z": z_table.to_numpy().ravel(),
        }
    )
    long.loc[
        long["theme"] == AWAITING_TRANSLATION, ["pct_positive", "pct_negative", "distinctiveness_z"]
    ] = np.nan
    hidden = long["group"].isin(suppressed_groups(sizes, breakdown))
    # Every group here is below national level: its counts are published the NHS Digital way
    # (1-7 blank, others to the nearest 5), like every sub-national count, here in the analysis
    # so no caller can forget it. The percentages above come from the exact counts.
    for column in ("n_comments", "n_theme"):
        long[column] = round_counts(long[column])
    # A suppressed group shows nothing but its name and the flag: not even its size.
    long.loc[hidden, SUMMARY_COLUMNS[3:9]] = pd.NA
    long["suppressed"] = hidden.to_numpy()
    long.insert(0, "breakdown", breakdown)
    return long[SUMMARY_COLUMNS]


def summarise_by_group(analysed: AnalysedComments, breakdowns: Sequence[str]) -> pd.DataFrame:
    """The themes table for every breakdown, one row per breakdown x group x theme."""
    tables = [summarise_breakdown(analysed, breakdown) for breakdown in breakdowns]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=SUMMARY_COLUMNS)


def visible_groups(analysed: AnalysedComments, breakdown: str) -> pd.Series:
    """Each comment's group label, or None where the group is suppressed (for quotes, phrases)."""
    groups = group_labels(analysed.comments, breakdown)
    hidden = suppressed_groups(groups.value_counts(), breakdown)
    return groups.where(~groups.isin(hidden), None)
