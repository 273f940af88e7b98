"""Breakdowns (national, area, quarter, any item...) and case-mix strata, as integer codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.questionnaire_data import CHOICE_TYPES, QuestionnaireData
from analysis.response_data import ResponseDataError
from analysis.scores.encoding import (
    MISSING_GROUP,
    EncodedResponses,
    GroupCodes,
    Mask,
    labels_for,
    matches_label,
    quarter_labels,
    stripped_labels,
)

NATIONAL = "national"
NATIONAL_GROUP = "all"
AREA = "area"
QUARTER = "quarter"
# Breakdowns by the response's own columns rather than by an answer.
RESPONSE_BREAKDOWNS = ("area", "community_group", "language", "channel", QUARTER)
# Keeps the strata table small enough to hold per measure (about.age_band × cause_group is 45).
MAX_STRATA = 100_000


@dataclass(frozen=True)
class Grouping:
    """One breakdown: a group code per response and the group labels.

    Responses outside the scope (another area) carry the extra code len(labels), so every
    response has a cell and no aggregate needs a filtering pass; that cell is never published.
    """

    breakdown: str
    codes: GroupCodes
    labels: tuple[str, ...]
    present: Mask  # groups with at least one response in scope: only these get rows

    @property
    def n_cells(self) -> int:
        return len(self.labels) + 1


def make_grouping(breakdown: str, codes: GroupCodes, labels: tuple[str, ...]) -> Grouping:
    """A Grouping from codes where -1 means outside the scope."""
    cells = np.where(codes < 0, len(labels), codes).astype(np.int32)
    present = np.bincount(cells, minlength=len(labels) + 1)[: len(labels)] > 0
    return Grouping(breakdown, cells, labels, present)


def source_column(name: str) -> str:
    """The column a breakdown is read from (the quarter comes from the submission time)."""
    return "submitted_at" if name == QUARTER else name


def check_breakdown(name: str, columns: Sequence[str], questionnaire: QuestionnaireData) -> None:
    """Refuse a breakdown the data cannot support, with a one-line reason."""
    if name == NATIONAL:
        raise ResponseDataError("'national' is always reported; it is not a --by column")
    if source_column(name) not in columns:
        raise ResponseDataError(f"unknown --by column {name!r}: the responses have no such column")
    item = questionnaire.items.get(name)
    if item is not None and item.type not in CHOICE_TYPES:
        raise ResponseDataError(
            f"cannot break down by {name}: it is a {item.type} item, not a single choice"
        )


def grouping_for(
    name: str, data: EncodedResponses, questionnaire: QuestionnaireData, scope: Mask | None
) -> Grouping:
    """Group codes of breakdown ``name``; respondents outside ``scope`` are left out."""
    item = questionnaire.items.get(name)
    if name == QUARTER:
        codes, labels = quarter_labels(data.frame["submitted_at"])
    elif item is not None:
        option_codes = data.item_codes(item).astype(np.int32)
        # Unanswered (or an unknown code) is its own group, placed after the options.
        codes = np.where(option_codes < 0, len(item.codes), option_codes).astype(np.int32)
        labels = (*item.codes, MISSING_GROUP)
    else:
        codes, labels = labels_for(data.frame[name])
    if scope is not None:
        codes = np.where(scope, codes, -1).astype(np.int32)
    return make_grouping(name, codes, labels)


def national_grouping(size: int) -> Grouping:
    return make_grouping(NATIONAL, np.zeros(size, dtype=np.int32), (NATIONAL_GROUP,))


def area_grouping(scope: Mask, area: str) -> Grouping:
    return make_grouping(AREA, np.where(scope, 0, -1).astype(np.int32), (area,))


def area_scope(data: EncodedResponses, area: str) -> Mask:
    """Responses from one area; ResponseDataError when the area has none."""
    if "area" not in data.frame.columns:
        raise ResponseDataError("the responses have no area column, so --area cannot be used")
    mask = matches_label(data.frame["area"], area)
    if not mask.any():
        raise ResponseDataError(f"unknown --area {area!r}: no submitted responses from that area")
    return mask


def strata_codes(
    casemix: Sequence[str],
    questionnaire: QuestionnaireData,
    data: EncodedResponses,
    reference: EncodedResponses,
) -> tuple[GroupCodes, GroupCodes, int]:
    """Case-mix strata (every combination of the variables) for the data and the reference.

    A missing value is a stratum of its own: people who skip "age at death" are not like the
    average respondent, and dropping them would bias the expected values.
    """
    data_codes = np.zeros(data.size, dtype=np.int64)
    reference_codes = np.zeros(reference.size, dtype=np.int64)
    n_strata = 1
    for name in casemix:
        item = questionnaire.items.get(name)
        if item is not None:
            levels = len(item.codes) + 1
            data_level = data.item_codes(item).astype(np.int64) % levels
            reference_level = reference.item_codes(item).astype(np.int64) % levels
        else:
            data_level, reference_level, levels = _shared_labels(
                data.frame[name], reference.frame[name]
            )
        n_strata *= levels
        if n_strata > MAX_STRATA:
            raise ResponseDataError("too many case-mix strata: use fewer or coarser --casemix")
        data_codes = data_codes * levels + data_level
        reference_codes = reference_codes * levels + reference_level
    return data_codes.astype(np.int32), reference_codes.astype(np.int32), n_strata


def _shared_labels(
    data: pd.Series, reference: pd.Series
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], int]:
    """Codes for a non-item case-mix column on one label list shared by data and reference."""
    data_codes, data_labels = stripped_labels(data)
    reference_codes, reference_labels = stripped_labels(reference)
    labels = pd.Index(sorted(set(data_labels) | set(reference_labels)))
    missing = len(labels)  # the last level: an empty cell is a stratum of its own

    def shared(codes: GroupCodes, own: tuple[str, ...]) -> npt.NDArray[np.int64]:
        lookup = np.append(labels.get_indexer(list(own)), missing).astype(np.int64)
        return lookup[codes]

    return shared(data_codes, data_labels), shared(reference_codes, reference_labels), missing + 1
