"""Turning analysis tables into report cells: rounded for publication, suppressed as a marker."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from analysis.report.model import SUPPRESSED, Cell, Column, ReportTable

# Figures that disclosure control blanks on a suppressed row (counts, estimates, comparisons).
HIDDEN_ON_SUPPRESSED_ROWS = frozenset(
    {
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
        "national_value",
        "area_value",
        "gap_to_area",
        "gap_to_national",
        "significant",
        "published_comparison",
        "n_comments",
        "n_theme",
        "pct",
        "pct_positive",
        "pct_negative",
        "distinctiveness_z",
        "responses",
        "response_rate",
        "position",
    }
)
# Counts that are blank only because disclosure control hid them (1-7, or under the base).
COUNT_KINDS = frozenset({"count"})


def plain(value: Any) -> str | int | float | None:
    """A pandas/numpy scalar as a plain Python value; missing becomes None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return value + 0.0  # no "-0.0" in a published table
    if isinstance(value, int | str):
        return value
    return str(value)


def table_from_frame(
    table_id: str,
    frame: pd.DataFrame,
    columns: Sequence[Column],
    *,
    suppressed: pd.Series | None = None,
    suppressed_cells: Mapping[str, pd.Series] | None = None,
) -> ReportTable:
    """Cells of ``frame`` in ``columns`` order; a suppressed row's figures become SUPPRESSED.

    A blank count is always a suppressed one (a count is never missing otherwise); a blank
    estimate on a published row is a value that does not exist and stays blank.
    ``suppressed_cells`` hides single cells (a rate that would reveal a small count).
    """
    hidden = (
        pd.Series(False, index=frame.index)
        if suppressed is None
        else suppressed.astype(bool).reindex(frame.index, fill_value=False)
    )
    rows: list[tuple[Cell, ...]] = []
    data = {column.id: frame[column.id].tolist() for column in columns}
    single = {
        name: mask.astype(bool).reindex(frame.index, fill_value=False).tolist()
        for name, mask in (suppressed_cells or {}).items()
    }
    for position, row_hidden in enumerate(hidden.tolist()):
        cells: list[Cell] = []
        for column in columns:
            value = plain(data[column.id][position])
            if (row_hidden and column.id in HIDDEN_ON_SUPPRESSED_ROWS) or (
                column.id in single and single[column.id][position]
            ):
                cells.append(SUPPRESSED)
            elif value is None and column.kind in COUNT_KINDS:
                cells.append(SUPPRESSED)
            else:
                cells.append(value)
        rows.append(tuple(cells))
    return ReportTable(table_id, tuple(columns), tuple(rows))
