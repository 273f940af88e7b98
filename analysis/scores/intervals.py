"""Confidence intervals, vectorised: Wilson (proportions), Byar (O/E ratios), Student t (means)."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

CONFIDENCE = 0.95


def normal_quantile(confidence: float = CONFIDENCE) -> float:
    """The two-sided standard normal critical value (1.959964 for 95%)."""
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson(
    successes: npt.ArrayLike, n: npt.ArrayLike, confidence: float = CONFIDENCE
) -> tuple[FloatArray, FloatArray]:
    """Wilson score interval for a proportion, as fractions; NaN where n is 0.

    Wilson rather than the textbook p ± z·SE because it stays inside 0–1 and keeps its coverage
    for small bases and proportions near 0% or 100%, which is exactly where bereavement-survey
    subgroups sit. ``n`` may be fractional: with weights it is Kish's effective sample size and
    ``successes`` is then p × n_eff.
    """
    x = np.asarray(successes, dtype=np.float64)
    size = np.asarray(n, dtype=np.float64)
    z = normal_quantile(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / size
        denominator = 1.0 + z * z / size
        centre = (p + z * z / (2.0 * size)) / denominator
        half = z * np.sqrt(p * (1.0 - p) / size + z * z / (4.0 * size * size)) / denominator
    low = np.where(size > 0, np.clip(centre - half, 0.0, 1.0), np.nan)
    high = np.where(size > 0, np.clip(centre + half, 0.0, 1.0), np.nan)
    # Guard the estimate itself against rounding at the ends (p = 0 or 1 exactly).
    low = np.minimum(low, p)
    high = np.maximum(high, p)
    return low, high


def byar(observed: npt.ArrayLike, confidence: float = CONFIDENCE) -> tuple[FloatArray, FloatArray]:
    """Byar's approximation to the exact Poisson interval for an observed count O.

    Divide both limits by the expected count E to get the interval of the ratio O/E. It is the
    method Public Health England and the ONS use for standardised ratios; it is within a few
    percent of the exact interval even for O of 1–10.
    """
    o = np.asarray(observed, dtype=np.float64)
    z = normal_quantile(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        low_base = 1.0 - 1.0 / (9.0 * o) - z / (3.0 * np.sqrt(o))
        low = np.where(o > 0, o * np.clip(low_base, 0.0, None) ** 3, 0.0)
        upper_o = o + 1.0
        high = upper_o * (1.0 - 1.0 / (9.0 * upper_o) + z / (3.0 * np.sqrt(upper_o))) ** 3
    low = np.minimum(low, o)
    high = np.maximum(high, o)
    return np.where(o >= 0, low, np.nan), np.where(o >= 0, high, np.nan)


def t_quantile(df: npt.ArrayLike, confidence: float = CONFIDENCE) -> FloatArray:
    """The two-sided Student t critical value for ``df`` degrees of freedom (may be fractional).

    Hill's algorithm (Comm. ACM 13(10), 1970, algorithm 396), accurate to about 1e-6 for
    df >= 1, so the analysis needs no SciPy at run time. NaN where df < 1.
    """
    degrees = np.asarray(df, dtype=np.float64)
    p = 1.0 - confidence  # two-tailed probability
    # One call per distinct degrees of freedom (groups share them), never per respondent.
    distinct, positions = np.unique(degrees, return_inverse=True)
    values = np.array(
        [_hill(p, float(value)) if value >= 1 else math.nan for value in distinct],
        dtype=np.float64,
    )
    result: FloatArray = values[positions].reshape(degrees.shape)
    return result


def _hill(p: float, n: float) -> float:
    if n == 1.0:
        return math.cos(p * math.pi / 2) / math.sin(p * math.pi / 2)
    if n == 2.0:
        return math.sqrt(2.0 / (p * (2.0 - p)) - 2.0)
    a = 1.0 / (n - 0.5)
    b = 48.0 / (a * a)
    c = ((20700.0 * a / b - 98.0) * a - 16.0) * a + 96.36
    d = ((94.5 / (b + c) - 3.0) / b + 1.0) * math.sqrt(a * math.pi / 2.0) * n
    x = d * p
    y = x ** (2.0 / n)
    if y > 0.05 + a:
        x = NormalDist().inv_cdf(0.5 * p)
        y = x * x
        if n < 5:
            c += 0.3 * (n - 4.5) * (x + 0.6)
        c = (((0.05 * d * x - 5.0) * x - 7.0) * x - 2.0) * x + b + c
        y = (((((0.4 * y + 6.3) * y + 36.0) * y + 94.5) / c - y - 3.0) / b + 1.0) * x
        y = math.expm1(a * y * y)
    else:
        y = (
            (1.0 / (((n + 6.0) / (n * y) - 0.089 * d - 0.822) * (n + 2.0) * 3.0) + 0.5 / (n + 4.0))
            * y
            - 1.0
        ) * (n + 1.0) / (n + 2.0) + 1.0 / y
    return math.sqrt(n * y)


def t_interval(
    mean: npt.ArrayLike,
    standard_error: npt.ArrayLike,
    df: npt.ArrayLike,
    confidence: float = CONFIDENCE,
) -> tuple[FloatArray, FloatArray]:
    """mean ± t(df) × standard error; NaN where df < 1 (a single respondent has no spread)."""
    centre = np.asarray(mean, dtype=np.float64)
    half = t_quantile(df, confidence) * np.asarray(standard_error, dtype=np.float64)
    return centre - half, centre + half
