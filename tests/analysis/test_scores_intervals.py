"""Intervals checked against independent implementations (statsmodels, SciPy) and by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.proportion import proportion_confint

from analysis.scores.intervals import byar, t_interval, t_quantile, wilson


@pytest.mark.parametrize(
    ("successes", "n"),
    [(0, 10), (1, 10), (5, 10), (10, 10), (3, 17), (412, 1000), (99_000, 100_000), (7, 12)],
)
def test_wilson_matches_statsmodels(successes: int, n: int) -> None:
    low, high = wilson(np.array([successes]), np.array([n]))
    expected_low, expected_high = proportion_confint(successes, n, alpha=0.05, method="wilson")
    assert low[0] == pytest.approx(expected_low, abs=1e-12)
    assert high[0] == pytest.approx(expected_high, abs=1e-12)


def test_wilson_on_an_effective_sample_size_matches_statsmodels() -> None:
    # Weighted: p = 0.37 on Kish's n_eff = 23.6 (statsmodels accepts fractional counts).
    p, effective = 0.37, 23.6
    low, high = wilson(np.array([p * effective]), np.array([effective]))
    expected = proportion_confint(p * effective, effective, alpha=0.05, method="wilson")
    assert (low[0], high[0]) == pytest.approx(expected, abs=1e-12)


def test_wilson_is_undefined_without_respondents() -> None:
    low, high = wilson(np.array([0]), np.array([0]))
    assert math.isnan(low[0]) and math.isnan(high[0])


def test_byar_by_hand_for_eleven_observed() -> None:
    # Byar: O(1 − 1/9O − z/3√O)³ and (O+1)(1 − 1/9(O+1) + z/3√(O+1))³, z = 1.959964.
    z = 1.959963984540054
    low, high = byar(np.array([11.0]))
    assert low[0] == pytest.approx(11 * (1 - 1 / 99 - z / (3 * math.sqrt(11))) ** 3, rel=1e-12)
    assert high[0] == pytest.approx(12 * (1 - 1 / 108 + z / (3 * math.sqrt(12))) ** 3, rel=1e-12)
    assert (low[0], high[0]) == pytest.approx((5.4837, 19.6832), abs=1e-4)


@pytest.mark.parametrize("observed", [1, 3, 10, 25, 100, 1000])
def test_byar_is_close_to_the_exact_poisson_interval(observed: int) -> None:
    low, high = byar(np.array([float(observed)]))
    exact_low = stats.chi2.ppf(0.025, 2 * observed) / 2
    exact_high = stats.chi2.ppf(0.975, 2 * (observed + 1)) / 2
    # Within 3% (or 0.02 of a count, where the exact lower limit itself is near 0).
    assert low[0] == pytest.approx(exact_low, rel=0.03, abs=0.02)
    assert high[0] == pytest.approx(exact_high, rel=0.01)


def test_byar_with_nothing_observed_starts_at_zero() -> None:
    low, high = byar(np.array([0.0]))
    assert low[0] == 0.0
    assert high[0] == pytest.approx(3.7, abs=0.05)  # exact: 3.689


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 9, 10, 29, 100, 1000, 1e6, 7.5])
def test_t_quantile_matches_scipy(df: float) -> None:
    assert t_quantile(np.array([df]))[0] == pytest.approx(stats.t.ppf(0.975, df), abs=2e-5)


def test_t_interval_matches_scipy_for_a_sample() -> None:
    sample = np.array([10, 7.5, 7.5, 5, 2.5, 10, 10, 0, 7.5, 5, 5, 7.5])
    mean = sample.mean()
    standard_error = sample.std(ddof=1) / math.sqrt(len(sample))
    low, high = t_interval(np.array([mean]), np.array([standard_error]), np.array([11]))
    expected = stats.t.interval(0.95, 11, loc=mean, scale=standard_error)
    assert (low[0], high[0]) == pytest.approx(expected, abs=1e-6)
