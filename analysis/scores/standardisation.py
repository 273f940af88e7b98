"""Group sums, crude and indirectly standardised estimates with their intervals, and comparisons."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from analysis.scores.aggregation import StratifiedSums
from analysis.scores.intervals import byar, t_interval, wilson

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Proportions are published as percentages; scores stay on their 0–10 scale.
PERCENT = 100.0
SCORE_MAX = 10.0


@dataclass(frozen=True)
class Reference:
    """The national picture one measure is compared with: its crude value and stratum values."""

    crude: float  # weighted mean of the measure's values (a fraction for proportions)
    stratum_means: FloatArray  # per case-mix stratum; the crude value where a stratum is empty


@dataclass(frozen=True)
class GroupSums:
    """Per group: counts and weighted sums from which every published figure is derived."""

    n: IntArray  # respondents in the denominator (unweighted: disclosure rules use this)
    hits: FloatArray  # unweighted sum of values: the numerator of a proportion
    w: FloatArray  # Σw
    w2: FloatArray  # Σw²
    wy: FloatArray  # Σw·y  (observed, O)
    spread: FloatArray  # Σw²(y − ȳ)²  (for the standard error of a mean)
    expected: FloatArray  # Σ_s W_gs · m_s  (expected, E)


def reference_from(national: StratifiedSums) -> Reference:
    """National crude value and per-stratum values p_s, from the national (group, stratum) sums."""
    w = national.w.sum(axis=0)
    wy = national.wy.sum(axis=0)
    crude = float(wy.sum() / w.sum()) if w.sum() > 0 else float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        # A stratum the reference never saw (only possible with a separate reference file)
        # falls back to the national value: it then neither raises nor lowers the expectation.
        means = np.where(w > 0, wy / w, crude)
    return Reference(crude=crude, stratum_means=means)


def group_totals(sums: StratifiedSums, reference: Reference) -> GroupSums:
    """Per-group sums from per-(group, stratum) sums; E_g = Σ_s W_gs · p_s."""
    w = sums.w.sum(axis=1)
    w2 = sums.w2.sum(axis=1)
    wy = sums.wy.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(w > 0, wy / w, 0.0)
    # Σw²(y − ȳ)² expanded so one pass suffices; clipped because rounding can dip below 0.
    spread = sums.w2y2.sum(axis=1) - 2.0 * mean * sums.w2y.sum(axis=1) + mean * mean * w2
    return GroupSums(
        n=np.rint(sums.n.sum(axis=1)).astype(np.int64),
        hits=sums.hits.sum(axis=1),
        w=w,
        w2=w2,
        wy=wy,
        spread=np.clip(spread, 0.0, None),
        expected=sums.w @ reference.stratum_means,
    )


@dataclass(frozen=True)
class Estimates:
    """The published figures of each group, before disclosure control."""

    value: FloatArray
    ci_low: FloatArray
    ci_high: FloatArray
    std_value: FloatArray
    std_ci_low: FloatArray
    std_ci_high: FloatArray
    oe_ratio: FloatArray
    comparison: npt.NDArray[np.str_]


def proportion_estimates(sums: GroupSums, reference: Reference, polarity: str) -> Estimates:
    """Crude % with Wilson interval; O/E with Byar's interval; standardised % = O/E × national %.

    With weights, the interval uses Kish's effective sample size (Σw)²/Σw², and O and E are
    scaled to that size before Byar's interval, so weighting widens intervals honestly.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        p = sums.wy / sums.w
        effective = sums.w * sums.w / sums.w2
        low, high = wilson(p * effective, effective)
        ratio = sums.wy / sums.expected
        scale = effective / sums.w
        ratio_low, ratio_high = byar(sums.wy * scale)
        ratio_low = ratio_low / (sums.expected * scale)
        ratio_high = ratio_high / (sums.expected * scale)
    # Keep the ratio inside its own interval despite the rounding of the rescaling above.
    ratio_low = np.minimum(ratio_low, ratio)
    ratio_high = np.maximum(ratio_high, ratio)
    ratio, ratio_low, ratio_high = _defined(sums.expected > 0, ratio, ratio_low, ratio_high)
    national = reference.crude * PERCENT
    comparison = _compare(ratio_low > 1.0, ratio_high < 1.0, ratio, polarity)
    return Estimates(
        value=p * PERCENT,
        ci_low=low * PERCENT,
        ci_high=high * PERCENT,
        std_value=np.clip(ratio * national, 0.0, PERCENT),
        std_ci_low=np.clip(ratio_low * national, 0.0, PERCENT),
        std_ci_high=np.clip(ratio_high * national, 0.0, PERCENT),
        oe_ratio=ratio,
        comparison=comparison,
    )


def score_estimates(sums: GroupSums, reference: Reference) -> Estimates:
    """Mean score with a t interval; standardised score = mean × national mean / expected mean.

    The expected mean is what the group would score with the national score of each of its
    case-mix strata. The group is better or worse than national when the t interval of its
    standardised score lies wholly above or below the national score (the national score, from
    far more respondents, is treated as fixed, as E is for proportions).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = sums.wy / sums.w
        effective = sums.w * sums.w / sums.w2
        # Linearised standard error of a weighted mean, with the n/(n−1) correction that makes
        # it the usual s/√n when every weight is 1.
        standard_error = np.sqrt(sums.spread * sums.n / np.maximum(sums.n - 1, 1)) / sums.w
        low, high = t_interval(mean, standard_error, effective - 1.0)
        expected_mean = sums.expected / sums.w
        ratio = mean / expected_mean
        factor = reference.crude / expected_mean
        defined = (sums.expected > 0) & np.isfinite(factor)
        ratio, std_low, std_high = _defined(defined, ratio, low * factor, high * factor)
    std_value = np.clip(ratio * reference.crude, 0.0, SCORE_MAX)
    std_low = np.clip(np.minimum(std_low, std_value), 0.0, SCORE_MAX)
    std_high = np.clip(np.maximum(std_high, std_value), 0.0, SCORE_MAX)
    # No interval (a single effective respondent) means no comparison either.
    comparable = np.where(np.isfinite(std_low) & np.isfinite(std_high), ratio, np.nan)
    comparison = _compare(
        std_low > reference.crude, std_high < reference.crude, comparable, "higher"
    )
    return Estimates(
        value=mean,
        ci_low=np.clip(low, 0.0, SCORE_MAX),
        ci_high=np.clip(high, 0.0, SCORE_MAX),
        std_value=std_value,
        std_ci_low=std_low,
        std_ci_high=std_high,
        oe_ratio=ratio,
        comparison=comparison,
    )


def _defined(defined: npt.NDArray[np.bool_], *arrays: FloatArray) -> tuple[FloatArray, ...]:
    return tuple(np.where(defined, array, np.nan) for array in arrays)


def _compare(
    above: npt.NDArray[np.bool_], below: npt.NDArray[np.bool_], ratio: FloatArray, polarity: str
) -> npt.NDArray[np.str_]:
    """better / similar / worse from which side of national the interval lies; n/a if undefined."""
    higher_is_better = polarity == "higher"
    result = np.full(len(ratio), "similar", dtype="<U7")
    result[above] = "better" if higher_is_better else "worse"
    result[below] = "worse" if higher_is_better else "better"
    result[~np.isfinite(ratio)] = "n/a"
    return result
