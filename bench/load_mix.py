"""Pure helpers for the mixed load: the request mix, the answer ledger and the memory trend fit."""

from __future__ import annotations

import math
import statistics
from collections.abc import Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)

# ----------------------------------------------------------------------------- mix


def weighted_sequence(weights: Mapping[str, int]) -> Iterator[str]:
    """Kinds in the exact proportions of `weights`, spread evenly (smooth weighted round robin).

    Deterministic, so two runs send the same mix; after any n picks each kind's count is within
    one of n × its share, so even a short --quick run gets the intended 70/25/5 split.
    """
    if not weights or any(w < 0 for w in weights.values()) or sum(weights.values()) == 0:
        raise ValueError("weights must be non-negative and not all zero")
    total = sum(weights.values())
    current = dict.fromkeys(weights, 0)
    while True:
        for kind, weight in weights.items():
            current[kind] += weight
        chosen = max(current, key=lambda kind: current[kind])
        current[chosen] -= total
        yield chosen


def due_offsets(rate: float, seconds: float) -> list[float]:
    """Open-loop arrival times (seconds from the start) at a constant rate, ending before `seconds`.

    Arrivals do not wait for replies, as real carers do not: a slow server then shows up as
    latency and lateness instead of silently lowering the rate the way a closed loop would.
    """
    if rate <= 0 or seconds <= 0:
        raise ValueError("rate and seconds must be positive")
    count = math.floor(rate * seconds - 1e-9) + 1
    return [i / rate for i in range(count)]


# ----------------------------------------------------------------------------- ledger


@dataclass
class LedgerDiff(Generic[Key]):
    """How the database differs from what the clients were told was saved."""

    compared: int
    missing: list[Key] = field(default_factory=list)  # acknowledged, not in the database
    wrong: list[Key] = field(default_factory=list)  # in the database with another value
    extra: list[Key] = field(default_factory=list)  # in the database, never acknowledged

    @property
    def exact(self) -> bool:
        return not (self.missing or self.wrong or self.extra)


def compare_ledger(
    expected: Mapping[Key, str | None], stored: Mapping[Key, str | None]
) -> LedgerDiff[Key]:
    """Compare the last acknowledged value of every key with the stored one, both ways."""
    diff: LedgerDiff[Key] = LedgerDiff(compared=len(expected))
    for key, value in expected.items():
        if key not in stored:
            diff.missing.append(key)
        elif stored[key] != value:
            diff.wrong.append(key)
    diff.extra = [key for key in stored if key not in expected]
    return diff


# ----------------------------------------------------------------------------- percentiles


def percentile(ordered: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted sequence (nan when empty)."""
    if not ordered:
        return float("nan")
    rank = max(1, math.ceil(len(ordered) * pct / 100))
    return ordered[rank - 1]


def percentile_by_window(
    points: Sequence[tuple[float, float]], window: float, pct: float
) -> list[float]:
    """The `pct` percentile of the values in each `window` seconds of (time, value) points.

    A tail that is bounded stays level window after window; one that keeps rising is a queue
    or a leak building up, whatever the whole run's percentile says.
    """
    if window <= 0:
        raise ValueError("window must be positive")
    buckets: dict[int, list[float]] = {}
    for at, value in points:
        buckets.setdefault(int(at // window), []).append(value)
    return [percentile(sorted(buckets[i]), pct) for i in sorted(buckets)]


# ----------------------------------------------------------------------------- memory trend


@dataclass(frozen=True)
class Trend:
    """A least-squares line through (seconds, MiB) samples, and whether it is a real growth."""

    samples: int
    slope_mib_per_min: float
    fitted_growth_mib: float  # slope × the span of the samples
    residual_sd_mib: float  # the noise around the line
    growing: bool


# A fitted rise is called growth only when it is larger than the noise around the line and
# larger than a floor that a single allocator arena or cache fill can produce.
GROWTH_NOISE_FACTOR = 3.0
GROWTH_FLOOR_MIB = 2.0


def memory_trend(points: Sequence[tuple[float, float]]) -> Trend:
    """Fit RSS (MiB) against time (s); `growing` if the fitted rise beats noise and the floor."""
    if len(points) < 3:
        return Trend(len(points), float("nan"), float("nan"), float("nan"), False)
    xs = [x for x, _ in points]
    ys = [y for _, y in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return Trend(len(points), float("nan"), float("nan"), float("nan"), False)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx
    intercept = mean_y - slope * mean_x
    residuals = [y - (intercept + slope * x) for x, y in points]
    residual_sd = math.sqrt(sum(r * r for r in residuals) / (len(points) - 2))
    growth = slope * (max(xs) - min(xs))
    growing = growth > max(GROWTH_FLOOR_MIB, GROWTH_NOISE_FACTOR * residual_sd)
    return Trend(len(points), slope * 60, growth, residual_sd, growing)


def after_warmup(
    points: Sequence[tuple[float, float]], fraction: float = 0.2
) -> list[tuple[float, float]]:
    """Drop the first `fraction` of the run: caches (templates, rendered components) fill then."""
    if not points:
        return []
    start, end = points[0][0], points[-1][0]
    cut = start + (end - start) * fraction
    return [p for p in points if p[0] >= cut]
