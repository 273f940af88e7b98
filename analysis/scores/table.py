"""The published table: one row per measure and group, with the columns the issue fixes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.disclosure import NOT_APPLICABLE, apply_disclosure_control
from analysis.scores.breakdowns import NATIONAL, Grouping
from analysis.scores.indicators import Measure
from analysis.scores.standardisation import Estimates, GroupSums

OUTPUT_COLUMNS: tuple[str, ...] = (
    "indicator",
    "kind",
    "breakdown",
    "group",
    "n",
    "numerator",
    "value",
    "ci_low",
    "ci_high",
    "std_value",
    "std_ci_low",
    "std_ci_high",
    "oe_ratio",
    "comparison",
    "suppressed",
)
ESTIMATE_COLUMNS = ("value", "ci_low", "ci_high", "std_value", "std_ci_low", "std_ci_high")


Block = dict[str, npt.NDArray[Any]]


def block(measure: Measure, grouping: Grouping, sums: GroupSums, estimates: Estimates) -> Block:
    """The rows of one measure in one breakdown (groups with a response in scope), as columns.

    Plain arrays, stacked once at the end: building a DataFrame per block would cost more than
    all the arithmetic.
    """
    rows = np.flatnonzero(grouping.present)
    size = len(rows)
    columns: Block = {
        "indicator": np.full(size, measure.id, dtype=object),
        "kind": np.full(size, measure.kind, dtype=object),
        "breakdown": np.full(size, grouping.breakdown, dtype=object),
        "group": np.asarray(grouping.labels, dtype=object)[rows],
        "n": sums.n[rows],
        # A score has no numerator: its value is a mean, not a count.
        "numerator": np.full(size, np.nan) if measure.kind == "score" else sums.hits[rows],
    }
    for column in (*ESTIMATE_COLUMNS, "oe_ratio"):
        columns[column] = getattr(estimates, column)[rows]
    columns["comparison"] = estimates.comparison[rows].astype(object)
    if grouping.breakdown == NATIONAL:
        # National is the yardstick, so it is never compared with itself.
        columns["comparison"] = np.full(size, NOT_APPLICABLE, dtype=object)
    return columns


def published_table(blocks: Sequence[Block]) -> pd.DataFrame:
    """Stack the blocks, apply disclosure control, and fix the column order and types."""
    if not blocks:
        return empty_table()
    table = pd.DataFrame(
        {column: np.concatenate([columns[column] for columns in blocks]) for column in blocks[0]}
    )
    exact = table["breakdown"] == NATIONAL
    table = apply_disclosure_control(table, exact_counts=exact)
    table["suppressed"] = table["suppressed"].astype("int64")
    for column in ("indicator", "kind", "breakdown", "group", "comparison"):
        table[column] = table[column].astype(str)
    return table.loc[:, list(OUTPUT_COLUMNS)]


def empty_table() -> pd.DataFrame:
    columns: dict[str, pd.Series] = {}
    for column in OUTPUT_COLUMNS:
        if column in ("n", "numerator"):
            columns[column] = pd.Series([], dtype="Int64")
        elif column == "suppressed":
            columns[column] = pd.Series([], dtype="int64")
        elif column in ("indicator", "kind", "breakdown", "group", "comparison"):
            columns[column] = pd.Series([], dtype=str)
        else:
            columns[column] = pd.Series([], dtype="float64")
    return pd.DataFrame(columns)


# Published precision: a percentage to 0.1, a 0–10 score to 0.01, a ratio to 0.001.
DECIMALS = {"proportion": 1, "score": 2}
RATIO_DECIMALS = 3
POINT_COLUMNS = (
    *ESTIMATE_COLUMNS,
    "area_value",
    "gap_to_area",
    "national_value",
    "gap_to_national",
)


def round_for_publication(table: pd.DataFrame) -> pd.DataFrame:
    """Round estimates for display (after every computation, so nothing compounds the rounding)."""
    result = table.copy()
    for kind, decimals in DECIMALS.items():
        rows = result["kind"] == kind
        for column in POINT_COLUMNS:
            if column in result.columns:
                result.loc[rows, column] = result.loc[rows, column].round(decimals)
    if "oe_ratio" in result.columns:
        result["oe_ratio"] = result["oe_ratio"].round(RATIO_DECIMALS)
    return result
