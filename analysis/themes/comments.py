"""Turns a survey export into one row per free-text comment, keeping the breakdown columns."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

FREE_TEXT_ITEMS = ("overall.good", "overall.improve", "overall.other")
SUBMITTED = "submitted"


class InvalidExport(ValueError):
    """The responses file lacks the columns a themes summary needs."""


def comments_from_responses(
    responses: pd.DataFrame, items: Sequence[str] = FREE_TEXT_ITEMS
) -> pd.DataFrame:
    """One row per non-empty free-text answer of a submitted response.

    Columns: every non-free-text column of the export (area, community_group, language,
    about.* ...), plus `item` (which question) and `text`.
    """
    present = [item for item in items if item in responses.columns]
    if not present:
        raise InvalidExport(f"no free-text columns found (expected any of {list(items)})")
    if "status" in responses.columns:
        # Partial and withdrawn responses are not analysed (the respondent did not submit).
        responses = responses[responses["status"].astype(str).str.strip() == SUBMITTED]
    keep = [c for c in responses.columns if c not in present]
    if "response_id" not in responses.columns:
        responses = responses.assign(response_id=range(1, len(responses) + 1))
        keep.append("response_id")
    long = responses.melt(id_vars=keep, value_vars=present, var_name="item", value_name="text")
    # Through object first: a column that is all blanks arrives as float NaN, and pandas will
    # refuse to fill a float column with text.
    long["text"] = long["text"].astype(object).fillna("").astype(str).str.strip()
    long = long[long["text"] != ""]
    return long.sort_values(["response_id", "item"], kind="stable").reset_index(drop=True)


def read_comments(path: Path | str, items: Sequence[str] = FREE_TEXT_ITEMS) -> pd.DataFrame:
    # Every column as text: codes such as "01" and ids must not be reinterpreted as numbers.
    responses = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return comments_from_responses(responses, items)
