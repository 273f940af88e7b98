"""Experience scores: each evaluative answer scored 0–10, averaged per respondent in a domain."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from analysis.questionnaire_data import DomainData, ItemData, QuestionnaireData
from analysis.scores.encoding import EncodedResponses
from analysis.scores.indicators import Measure

# Packed sums must fit the accumulator: beyond this, fall back to floating point.
MAX_PACKED = np.iinfo(np.int32).max


def domain_measure(
    domain: DomainData, data: EncodedResponses, questionnaire: QuestionnaireData
) -> Measure:
    """Per respondent, the mean of their scored items in the domain (CQC method).

    Averaging within the respondent first means someone who used four services counts once,
    not four times, and a domain score is comparable between people routed past some items.
    """
    items = [questionnaire.item(item_id) for item_id in domain.items]
    # Every score is a whole number of 10/units steps, where units is the least common
    # multiple of the items' step counts (12 for the VOICES scales). Each answer then adds
    # (score in units) × 2^shift + 1 to one small integer per respondent: the total and the
    # count of scored items travel together, in a single gather per item.
    units = math.lcm(*(len(item.substantive_codes) - 1 for item in items))
    shift = len(items).bit_length()
    largest = (units * len(items)) << shift
    if largest > MAX_PACKED:
        return _float_measure(domain, items, data)
    packed = np.zeros(data.size, dtype=np.int32)
    for item in items:
        packed += _packed_table(item, units, shift)[data.item_codes(item)]
    count = np.bitwise_and(packed, (1 << shift) - 1)
    rows = np.flatnonzero(count)
    values = np.right_shift(packed[rows], shift) * (10.0 / units) / count[rows]
    return Measure(id=domain.id, kind="score", polarity="higher", rows=rows, values=values)


def _packed_table(item: ItemData, units: int, shift: int) -> npt.NDArray[np.int32]:
    """Per option (and a trailing entry for "not answered"), its packed contribution."""
    ranked = item.substantive_codes
    steps = len(ranked) - 1
    contributions = [
        ((units * (steps - ranked.index(option.code)) // steps) << shift) + 1
        if option.substantive
        else 0
        for option in item.options
    ]
    return np.array([*contributions, 0], dtype=np.int32)


def _float_measure(domain: DomainData, items: list[ItemData], data: EncodedResponses) -> Measure:
    """The same mean in floating point, for domains too large to pack (never in VOICES)."""
    total = np.zeros(data.size, dtype=np.float64)
    count = np.zeros(data.size, dtype=np.int32)
    for item in items:
        scores = item.scores()
        points = np.array([score or 0.0 for score in scores] + [0.0], dtype=np.float64)
        scored = np.array([score is not None for score in scores] + [False], dtype=np.int32)
        codes = data.item_codes(item)
        total += points[codes]
        count += scored[codes]
    rows = np.flatnonzero(count)
    values = total[rows] / count[rows]
    return Measure(id=domain.id, kind="score", polarity="higher", rows=rows, values=values)
