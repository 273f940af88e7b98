"""The mixed load's pure helpers: the request mix, arrivals, the ledger, the memory trend."""

from __future__ import annotations

import base64
import itertools
import json
import zlib

import pytest

from bench.load_mix import (
    after_warmup,
    compare_ledger,
    due_offsets,
    memory_trend,
    percentile,
    percentile_by_window,
    weighted_sequence,
)
from bench.mixed_load_setup import decode_session_cookie


def test_the_mix_has_exact_proportions_in_every_hundred() -> None:
    picks = list(itertools.islice(weighted_sequence({"page": 70, "save": 25, "sms": 5}), 300))
    for start in (0, 100, 200):
        block = picks[start : start + 100]
        assert (block.count("page"), block.count("save"), block.count("sms")) == (70, 25, 5)


def test_the_mix_stays_within_one_of_its_share_after_any_number_of_picks() -> None:
    weights = {"page": 70, "save": 25, "sms": 5}
    seen = dict.fromkeys(weights, 0)
    for n, kind in enumerate(itertools.islice(weighted_sequence(weights), 1000), start=1):
        seen[kind] += 1
        for name, weight in weights.items():
            assert abs(seen[name] - n * weight / 100) < 1


@pytest.mark.parametrize("weights", [{}, {"page": 0}, {"page": 1, "save": -1}])
def test_the_mix_refuses_weights_that_give_nothing_to_send(weights: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        next(weighted_sequence(weights))


def test_arrivals_are_evenly_spaced_and_end_before_the_run_does() -> None:
    offsets = due_offsets(450, 2)
    assert len(offsets) == 900
    assert offsets[0] == 0 and offsets[1] == pytest.approx(1 / 450)
    assert offsets[-1] < 2


def test_arrivals_need_a_positive_rate_and_length() -> None:
    with pytest.raises(ValueError):
        due_offsets(0, 10)
    with pytest.raises(ValueError):
        due_offsets(10, 0)


def test_ledger_matches_when_every_acknowledged_value_is_stored() -> None:
    diff = compare_ledger(
        {("r1", "q1"): "a", ("r1", "q2"): None}, {("r1", "q1"): "a", ("r1", "q2"): None}
    )
    assert diff.exact and diff.compared == 2


def test_ledger_reports_missing_wrong_and_extra_answers() -> None:
    expected = {("r1", "q1"): "a", ("r1", "q2"): "b", ("r2", "q1"): "c"}
    stored = {("r1", "q1"): "a", ("r1", "q2"): "old", ("r3", "q9"): "x"}
    diff = compare_ledger(expected, stored)
    assert diff.missing == [("r2", "q1")]
    assert diff.wrong == [("r1", "q2")]
    assert diff.extra == [("r3", "q9")]
    assert not diff.exact


def test_a_stored_skip_is_not_the_same_as_a_stored_answer() -> None:
    assert compare_ledger({("r1", "q1"): "a"}, {("r1", "q1"): None}).wrong == [("r1", "q1")]


def test_percentile_is_nearest_rank() -> None:
    ordered = [float(x) for x in range(1, 101)]
    assert percentile(ordered, 50) == 50
    assert percentile(ordered, 99) == 99
    assert percentile([3.0], 99) == 3
    assert percentile([], 50) != percentile([], 50)  # nan


def test_flat_noisy_memory_is_not_a_growth_trend() -> None:
    points = [(t * 3.0, 90.0 + (0.4 if t % 2 else -0.4)) for t in range(200)]
    trend = memory_trend(points)
    assert not trend.growing
    assert abs(trend.slope_mib_per_min) < 0.01


def test_a_steady_leak_is_a_growth_trend() -> None:
    # 0.5 MiB a minute over ten minutes, with the same noise as above.
    points = [(t * 3.0, 90.0 + t * 3.0 / 120 + (0.4 if t % 2 else -0.4)) for t in range(200)]
    trend = memory_trend(points)
    assert trend.growing
    assert trend.slope_mib_per_min == pytest.approx(0.5, rel=0.05)
    assert trend.fitted_growth_mib == pytest.approx(597 / 120, rel=0.05)


def test_a_rise_smaller_than_the_noise_is_not_called_growth() -> None:
    points = [(t * 3.0, 90.0 + t * 0.001 + (3.0 if t % 2 else -3.0)) for t in range(200)]
    assert not memory_trend(points).growing


def test_too_few_samples_give_no_verdict() -> None:
    trend = memory_trend([(0.0, 90.0), (3.0, 91.0)])
    assert not trend.growing and trend.samples == 2


def test_warmup_samples_are_dropped_from_the_fit() -> None:
    points = [(float(t), 50.0 if t < 20 else 90.0) for t in range(101)]
    kept = after_warmup(points)
    assert kept[0] == (20.0, 90.0)
    assert not memory_trend(kept).growing
    assert memory_trend(points).growing


def test_session_cookie_payload_is_read_plain_or_compressed() -> None:
    plain = base64.urlsafe_b64encode(json.dumps({"response_id": "abc"}).encode()).rstrip(b"=")
    assert decode_session_cookie(plain.decode() + ".sig.more")["response_id"] == "abc"
    packed = zlib.compress(json.dumps({"response_id": "xyz", "_permanent": True}).encode())
    cookie = "." + base64.urlsafe_b64encode(packed).decode().rstrip("=") + ".ts.sig"
    assert decode_session_cookie(cookie)["response_id"] == "xyz"


def test_the_tail_is_given_window_by_window() -> None:
    level = [(t / 10, 10.0 + (90.0 if t % 50 == 0 else 0.0)) for t in range(300)]
    assert percentile_by_window(level, 10, 99) == [100.0, 100.0, 100.0]
    rising = [(float(t), float(t)) for t in range(30)]
    assert percentile_by_window(rising, 10, 50) == [4.0, 14.0, 24.0]
    with pytest.raises(ValueError):
        percentile_by_window(level, 0, 99)
