"""Responses over time by channel, language and group, and response rates against invitations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from analysis.disclosure import MINIMUM_BASE, SMALL_COUNT_MAX, round_counts
from analysis.report.cells import table_from_frame
from analysis.report.model import Column, InvitationCount, ReportTable
from analysis.scores.encoding import MISSING_GROUP, quarter_labels

ALL = "all"
NOT_STATED = "(not stated)"
ACTIVITY_BREAKDOWNS = ("channel", "language", "community_group")


def _labels(column: pd.Series, names: Mapping[str, str]) -> pd.Series:
    text = column.astype("string").fillna("").str.strip()
    text = text.where(text != "", NOT_STATED)
    return text.map(lambda value: names.get(value, value))


def responses_by_quarter(
    submitted: pd.DataFrame,
    *,
    breakdowns: Sequence[str],
    exact_total: bool,
    group_names: Mapping[str, str],
    area_names: Mapping[str, str] | None = None,
) -> ReportTable:
    """Submitted responses per quarter: in total and by each breakdown, counts rounded.

    ``exact_total`` publishes the "all" row exactly (the national total); every other count
    is below national level and is rounded (1–7 shown as suppressed).
    """
    columns = (
        Column("quarter"),
        Column("breakdown"),
        Column("group"),
        Column("responses", "count"),
    )
    if submitted.empty:
        return table_from_frame("responses_by_quarter", _empty(columns), columns)
    codes, labels = quarter_labels(submitted["submitted_at"])
    quarter = pd.Series(np.asarray(labels, dtype=object)[codes], index=submitted.index)
    parts = []
    totals = quarter.value_counts().sort_index()
    parts.append(
        pd.DataFrame(
            {
                "quarter": totals.index,
                "breakdown": ALL,
                "group": ALL,
                "exact": exact_total,
                "count": totals.to_numpy(),
            }
        )
    )
    for breakdown in breakdowns:
        if breakdown not in submitted.columns:
            continue
        names = _names_of(breakdown, group_names, area_names)
        counts = (
            pd.DataFrame({"quarter": quarter, "group": _labels(submitted[breakdown], names)})
            .groupby(["quarter", "group"], sort=True)
            .size()
            .reset_index(name="count")
        )
        counts.insert(1, "breakdown", breakdown)
        counts["exact"] = False
        parts.append(counts)
    frame = pd.concat(parts, ignore_index=True)
    frame = frame[frame["quarter"] != MISSING_GROUP]
    frame = frame.sort_values(["quarter", "breakdown", "group"], kind="stable")
    rounded = round_counts(frame["count"])
    frame["responses"] = rounded.where(~frame["exact"].astype(bool), frame["count"].astype("Int64"))
    return table_from_frame("responses_by_quarter", frame.reset_index(drop=True), columns)


def _names_of(
    breakdown: str, group_names: Mapping[str, str], area_names: Mapping[str, str] | None
) -> Mapping[str, str]:
    """The display names of a breakdown's groups: community groups' and sub-areas' by slug."""
    if breakdown == "community_group":
        return group_names
    if breakdown == "sub_area":
        return area_names or {}
    return {}


def response_rates(
    counts: Sequence[InvitationCount],
    *,
    exact_total: bool,
    group_names: Mapping[str, str],
    area_names: Mapping[str, str] | None = None,
) -> ReportTable:
    """Responses from invitations ÷ invitations, per group, with disclosure control.

    The rate is computed from the exact counts; it is suppressed when fewer than MINIMUM_BASE
    invitations were made or when 1–7 responses came back (the rate would reveal the count).
    """
    columns = (
        Column("breakdown"),
        Column("group"),
        Column("invitations", "count"),
        Column("responses", "count"),
        Column("response_rate", "percent"),
    )
    if not counts:
        return table_from_frame("response_rates", _empty(columns), columns)
    frame = pd.DataFrame(
        {
            "breakdown": [count.breakdown for count in counts],
            "group": [
                _names_of(count.breakdown, group_names, area_names).get(count.group, count.group)
                for count in counts
            ],
            "invitations_exact": [count.invitations for count in counts],
            "responses_exact": [count.responses for count in counts],
        }
    )
    invitations = frame["invitations_exact"].astype(float)
    responses = frame["responses_exact"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(invitations > 0, 100.0 * responses / invitations, np.nan)
    frame["response_rate"] = np.round(rate, 1)
    hidden = (invitations < MINIMUM_BASE) | ((responses >= 1) & (responses <= SMALL_COUNT_MAX))
    exact = (frame["breakdown"] == ALL) & exact_total
    for column in ("invitations", "responses"):
        source = frame[f"{column}_exact"]
        frame[column] = round_counts(source).where(~exact, source.astype("Int64"))
    # Only the rate is hidden here: the counts are already rounded like any other count.
    return table_from_frame(
        "response_rates", frame, columns, suppressed_cells={"response_rate": pd.Series(hidden)}
    )


def _empty(columns: Sequence[Column]) -> pd.DataFrame:
    return pd.DataFrame({column.id: pd.Series([], dtype=object) for column in columns})
