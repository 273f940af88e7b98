"""Runs a pure-Python step over row chunks on both cores (fork; small inputs stay in-process)."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

Chunk = TypeVar("Chunk")
Result = TypeVar("Result")

# The target machine has two cores; forking more workers only adds copies of the data.
MAX_WORKERS = 2
# Below this many rows a worker costs more to start than it saves.
PARALLEL_FROM = 5_000


def worker_count(rows: int) -> int:
    if rows < PARALLEL_FROM or "fork" not in mp.get_all_start_methods():
        return 1
    return max(1, min(os.cpu_count() or 1, MAX_WORKERS))


def row_slices(rows: int, workers: int) -> list[slice]:
    step = -(-rows // workers) if rows else 1
    return [slice(start, min(start + step, rows)) for start in range(0, rows, step)] or [
        slice(0, 0)
    ]


def map_chunks(function: Callable[[Chunk], Result], chunks: Sequence[Chunk]) -> list[Result]:
    """function(chunk) for each chunk, in forked workers when there is more than one chunk."""
    if len(chunks) <= 1:
        return [function(chunk) for chunk in chunks]
    # fork: workers inherit the loaded lexicon, frame and detector without re-reading them.
    with ProcessPoolExecutor(len(chunks), mp_context=mp.get_context("fork")) as pool:
        return list(pool.map(function, chunks))
