"""Turning response columns into small integer codes, so every aggregate is a numpy bincount."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.questionnaire_data import ConditionData, ItemData, QuestionnaireData
from analysis.response_data import SUBMITTED, ResponseDataError

Codes = npt.NDArray[np.int16]
GroupCodes = npt.NDArray[np.int32]
Mask = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]

# Label of the group of respondents who left a breakdown question unanswered (or the column
# empty). It is a real group: leaving it out would let its size be recovered from the total.
MISSING_GROUP = "missing"
MISSING = -1


@dataclass
class EncodedResponses:
    """Submitted responses as integer option codes (-1 = not answered) plus optional weights."""

    frame: pd.DataFrame
    weights: FloatArray | None
    size: int
    codes: dict[str, Codes] = field(default_factory=dict)
    unknown_answers: dict[str, int] = field(default_factory=dict)

    def item_codes(self, item: ItemData) -> Codes:
        """Option indices of ``item`` (in questionnaire order), computed once per item."""
        if item.id not in self.codes:
            codes, unknown = codes_for(self.frame[item.id], item.codes)
            self.codes[item.id] = codes
            if unknown:
                self.unknown_answers[item.id] = unknown
        return self.codes[item.id]


def submitted_responses(
    responses: pd.DataFrame, *, weight: str | None, needed: Sequence[str]
) -> EncodedResponses:
    """Keep submitted responses only and check the columns and the weight the analysis reads."""
    missing = sorted({"status", *needed} - set(responses.columns))
    if missing:
        raise ResponseDataError(f"the responses have no column(s): {', '.join(missing)}")
    keep = matches_label(responses["status"], SUBMITTED)
    frame = responses.loc[keep, [name for name in dict.fromkeys(needed)]]
    frame = frame.reset_index(drop=True)
    weights: FloatArray | None = None
    if weight is not None:
        values = pd.to_numeric(frame[weight], errors="coerce").to_numpy(dtype=np.float64)
        bad = int(np.count_nonzero(~np.isfinite(values) | (values < 0)))
        if bad:
            raise ResponseDataError(
                f"weight column {weight} has {bad} submitted response(s) with a missing, "
                "negative or non-numeric weight"
            )
        weights = values
    return EncodedResponses(frame=frame, weights=weights, size=len(frame))


def codes_for(column: pd.Series, codes: Sequence[str]) -> tuple[Codes, int]:
    """Map answers to option indices; empty → -1, unknown codes → -1 and counted.

    Works on the categories, not the rows, so a million answers cost one take().
    """
    categorical = (
        column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")
    )
    categories = pd.Index(categorical.cat.categories.astype(str).str.strip())
    lookup = pd.Index(list(codes)).get_indexer(categories).astype(np.int16)
    positions = categorical.cat.codes.to_numpy()
    # A trailing entry catches position -1 (an empty cell): not answered, not unknown.
    mapped: Codes = np.append(lookup, np.int16(MISSING))[positions]
    unknown_categories = (lookup == MISSING) & np.asarray(categories != "")
    unknown = 0
    if unknown_categories.any():  # rare: only then pay for a pass over the answers
        unknown = int(np.count_nonzero(np.append(unknown_categories, False)[positions]))
    return mapped, unknown


def labels_for(column: pd.Series) -> tuple[GroupCodes, tuple[str, ...]]:
    """Group codes for a free label column (area, channel...): sorted labels, then 'missing'."""
    codes, labels = stripped_labels(column)
    if (codes == MISSING).any():
        codes[codes == MISSING] = len(labels)
        labels = (*labels, MISSING_GROUP)
    return codes, labels


def stripped_labels(column: pd.Series) -> tuple[GroupCodes, tuple[str, ...]]:
    """Codes (-1 = empty) of a label column over its sorted, whitespace-stripped labels.

    Works on the categories rather than the rows: a million cells cost one take().
    """
    categorical = (
        column if isinstance(column.dtype, pd.CategoricalDtype) else column.astype("category")
    )
    categories = pd.Index(categorical.cat.categories.astype(str).str.strip())
    labels = tuple(sorted({label for label in categories if label != ""}))
    lookup = pd.Index(list(labels)).get_indexer(categories).astype(np.int32)
    codes: GroupCodes = np.append(lookup, np.int32(MISSING))[categorical.cat.codes.to_numpy()]
    return codes, labels


def matches_label(column: pd.Series, label: str) -> Mask:
    """Which cells hold ``label`` (ignoring surrounding spaces)."""
    codes, labels = stripped_labels(column)
    if label not in labels:
        return np.zeros(len(column), dtype=bool)
    found: Mask = codes == labels.index(label)
    return found


# "YYYY-MM" at the start of an ISO 8601 time: enough to know the quarter.
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def quarter_labels(submitted_at: pd.Series) -> tuple[GroupCodes, tuple[str, ...]]:
    """Calendar quarter of submission ('2025-Q1'); an unreadable or empty time is 'missing'.

    Reads only the first seven characters (fixed-width numpy strings), far faster than parsing
    a million timestamps, and parses each distinct year-month once.
    """
    prefixes = submitted_at.to_numpy(dtype=object).astype("U7")
    positions, distinct = pd.factorize(prefixes)
    ordinals = np.full(len(distinct) + 1, -1, dtype=np.int64)
    for index, prefix in enumerate(distinct):
        found = _YEAR_MONTH.match(str(prefix))
        if found and 1 <= int(found.group(2)) <= 12:
            ordinals[index] = int(found.group(1)) * 4 + (int(found.group(2)) - 1) // 3
    ordinal = ordinals[positions]
    known = ordinal >= 0
    present = np.unique(ordinal[known])
    labels = tuple(f"{value // 4}-Q{value % 4 + 1}" for value in present)
    codes = np.full(len(ordinal), len(present), dtype=np.int32)
    codes[known] = np.searchsorted(present, ordinal[known])
    if not known.all():
        labels = (*labels, MISSING_GROUP)
    return codes, labels


def evaluate_condition(
    condition: ConditionData, data: EncodedResponses, questionnaire: QuestionnaireData
) -> Mask:
    """A population condition (indicator ``among``) evaluated for every response at once."""
    if condition.op == "and":
        result = np.ones(data.size, dtype=bool)
        for part in condition.parts:
            result &= evaluate_condition(part, data, questionnaire)
        return result
    if condition.op == "or":
        result = np.zeros(data.size, dtype=bool)
        for part in condition.parts:
            result |= evaluate_condition(part, data, questionnaire)
        return result
    if condition.op == "not":
        return ~evaluate_condition(condition.parts[0], data, questionnaire)
    assert condition.item is not None
    item = questionnaire.item(condition.item)
    if condition.op == "answered":
        answered: Mask = stripped_labels(data.frame[item.id])[0] >= 0
        return answered if condition.answered else ~answered
    codes = data.item_codes(item)
    wanted = [item.codes.index(value) for value in condition.values if value in item.codes]
    # An unanswered item equals nothing, exactly as in the survey's routing.
    matches: Mask = np.isin(codes, np.asarray(wanted, dtype=np.int16))
    return matches
