"""Headline indicators per respondent: who is in the denominator and who is in the numerator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from analysis.questionnaire_data import IndicatorData, ItemData, QuestionnaireData
from analysis.scores.encoding import Codes, EncodedResponses, Mask, evaluate_condition

Kind = Literal["proportion", "score"]


@dataclass(frozen=True)
class Measure:
    """One indicator or domain score for every respondent in its denominator.

    ``rows`` are the positions of the respondents counted (the denominator) and ``values`` their
    value there: 1/0 for an indicator (in the numerator or not), 0–10 for an experience score.
    """

    id: str
    kind: Kind
    polarity: Literal["higher", "lower"]
    rows: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64] | npt.NDArray[np.int8]
    # For a proportion, the 1/0 values as small integers: they index a counting table directly.
    flags: npt.NDArray[np.int8] | None = None


def substantive_answers(codes: Codes, item: ItemData) -> Mask:
    """Answered with a substantive option: not missing, dk, na or no_pain."""
    substantive = np.array([option.substantive for option in item.options] + [False], dtype=bool)
    # Index -1 (not answered) picks the trailing False.
    return substantive[codes]


def indicator_measure(
    indicator: IndicatorData, data: EncodedResponses, questionnaire: QuestionnaireData
) -> Measure:
    """The denominator and numerator of one headline indicator, as core-items.md defines them."""
    item = questionnaire.item(indicator.item)
    codes = data.item_codes(item)
    if indicator.kind == "match" or indicator.among is not None:
        return _general_measure(indicator, codes, item, data, questionnaire)
    # The common case in one gather: each option's state, 0 = outside the denominator
    # (missing, dk, na, no_pain), 1 = in the denominator only, 2 = in the numerator too.
    state = np.array(
        [
            (2 if option.code in indicator.numerator else 1) if option.substantive else 0
            for option in item.options
        ]
        + [0],
        dtype=np.int8,
    )[codes]
    rows = np.flatnonzero(state)
    return _measure(indicator, rows, state[rows] - np.int8(1))


def _general_measure(
    indicator: IndicatorData,
    codes: Codes,
    item: ItemData,
    data: EncodedResponses,
    questionnaire: QuestionnaireData,
) -> Measure:
    """Indicators with a population condition (``among``) or a match of two answers."""
    in_denominator = substantive_answers(codes, item)
    if indicator.among is not None:
        in_denominator &= evaluate_condition(indicator.among, data, questionnaire)
    if indicator.kind == "match":
        assert indicator.other_item is not None
        other = questionnaire.item(indicator.other_item)
        # Compare by option code, so the two items need not share a scale or its order.
        as_item_index = np.array(
            [item.codes.index(code) if code in item.codes else -2 for code in other.codes] + [-2],
            dtype=np.int16,
        )
        # An unanswered place of death counts as "not in the preferred place": the definition's
        # population is everyone who expressed a preference and named a place.
        hits = as_item_index[data.item_codes(other)] == codes
    else:
        in_numerator = np.zeros(len(item.codes) + 1, dtype=bool)
        in_numerator[[item.codes.index(code) for code in indicator.numerator]] = True
        hits = in_numerator[codes]
    rows = np.flatnonzero(in_denominator)
    return _measure(indicator, rows, hits[rows].astype(np.int8))


def _measure(
    indicator: IndicatorData, rows: npt.NDArray[np.int64], flags: npt.NDArray[np.int8]
) -> Measure:
    return Measure(
        id=indicator.id,
        kind="proportion",
        polarity=indicator.polarity,
        rows=rows,
        values=flags,
        flags=flags,
    )
