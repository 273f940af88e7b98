"""Grouped sums for many breakdowns at once: joint (group, stratum) cells counted by bincount."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from analysis.scores.breakdowns import Grouping
from analysis.scores.encoding import FloatArray
from analysis.scores.indicators import Measure

IntArray = npt.NDArray[np.int64]

# Breakdowns are counted together while their joint table stays this small: one pass over the
# respondents then serves several breakdowns, each read off the table by summing the others
# away. About half a million cells keeps the table in cache-friendly megabytes.
PACK_CELLS = 1 << 19
MIN_PACK_CELLS = 1 << 12


@dataclass(frozen=True)
class Pack:
    """Breakdowns counted in one pass: each response's joint cell × n_strata + its stratum."""

    groupings: tuple[Grouping, ...]
    keys: npt.NDArray[np.int64] | npt.NDArray[np.int32]
    shape: tuple[int, ...]  # cells of each grouping (its groups plus the out-of-scope cell)
    n_strata: int

    @property
    def n_bins(self) -> int:
        return int(np.prod(self.shape)) * self.n_strata


def make_packs(
    groupings: Sequence[Grouping],
    strata: npt.NDArray[np.int32],
    n_strata: int,
    limit: int = PACK_CELLS,
) -> list[Pack]:
    """Greedily bundle breakdowns (in order) into packs whose joint table fits ``limit``.

    The table is also kept below the number of responses: summing a table much larger than
    the data it counts would cost more than the pass it saves.
    """
    limit = min(limit, max(MIN_PACK_CELLS, len(strata)))
    bundles: list[list[Grouping]] = []
    size = 0
    for grouping in groupings:
        cells = grouping.n_cells * n_strata * 2
        if bundles and size * grouping.n_cells <= limit:
            bundles[-1].append(grouping)
            size *= grouping.n_cells
        else:
            bundles.append([grouping])
            size = cells
    packs = []
    for bundle in bundles:
        joint = np.zeros(len(strata), dtype=np.int64)
        for grouping in bundle:
            joint = joint * grouping.n_cells + grouping.codes
        keys = joint * n_strata + strata
        shape = tuple(g.n_cells for g in bundle)
        # Narrow keys are faster to gather; the flag doubles the bin count for proportions.
        if int(np.prod(shape)) * n_strata * 2 < np.iinfo(np.int32).max:
            keys = keys.astype(np.int32)
        packs.append(Pack(tuple(bundle), keys, shape, n_strata))
    return packs


@dataclass(frozen=True)
class StratifiedSums:
    """Sums per (group, stratum), each an array of shape (cells, n_strata).

    ``hits`` is unweighted (the published numerator); the w-sums carry the weights (all 1
    without a weight column, when they are simply the counts).
    """

    n: FloatArray
    hits: FloatArray
    w: FloatArray
    w2: FloatArray
    wy: FloatArray
    w2y: FloatArray
    w2y2: FloatArray


def pack_sums(pack: Pack, measure: Measure, weights: FloatArray | None) -> list[StratifiedSums]:
    """One pass of bincount per needed sum over the pack's joint cells; then the marginals."""
    key = pack.keys[measure.rows]
    bins = pack.n_bins
    y = measure.values.astype(np.float64, copy=False)
    stacked: npt.NDArray[Any]
    if weights is None and measure.flags is not None:
        # Unweighted proportion: a single integer count of (cell, in numerator or not).
        stacked = np.bincount(key * 2 + measure.flags, minlength=bins * 2).reshape(bins, 2)
    elif weights is None:
        stacked = np.stack(
            [_count(key, bins), _sum(key, y, bins), _sum(key, y * y, bins)],
            axis=-1,
        )
    else:
        each = weights[measure.rows]
        each2 = each * each
        stacked = np.stack(
            [
                _count(key, bins),
                _sum(key, y, bins),
                _sum(key, each, bins),
                _sum(key, each2, bins),
                _sum(key, each * y, bins),
                _sum(key, each2 * y, bins),
                _sum(key, each2 * y * y, bins),
            ],
            axis=-1,
        )
    table = stacked.reshape(*pack.shape, pack.n_strata, stacked.shape[-1])
    result = []
    for position in range(len(pack.shape)):
        others = tuple(axis for axis in range(len(pack.shape)) if axis != position)
        marginal = table.sum(axis=others) if others else table
        # Sum first, convert after: the marginals are far smaller than the joint table.
        result.append(_stratified(marginal.astype(np.float64), weighted=weights is not None))
    return result


def _stratified(marginal: FloatArray, *, weighted: bool) -> StratifiedSums:
    """Name the stacked sums; without weights every w-sum is a plain count or sum."""
    fields = [marginal[..., index] for index in range(marginal.shape[-1])]
    if weighted:
        return StratifiedSums(*fields)
    if len(fields) == 2:  # proportion: counts of (not in numerator, in numerator)
        n = fields[0] + fields[1]
        hits = fields[1]
        return StratifiedSums(n, hits, n, n, hits, hits, hits)
    n, total, squares = fields
    return StratifiedSums(n, total, n, n, total, total, squares)


Keys = npt.NDArray[np.int64] | npt.NDArray[np.int32]


def _sum(key: Keys, values: FloatArray, bins: int) -> FloatArray:
    return np.bincount(key, weights=values, minlength=bins).astype(np.float64)


def _count(key: Keys, bins: int) -> FloatArray:
    return np.bincount(key, minlength=bins).astype(np.float64)
