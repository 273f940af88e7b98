"""`python -m bench` lists every benchmark of issue 10 and skips one whose file is absent."""

from __future__ import annotations

import pytest

import bench.__main__ as bench_main


def test_every_benchmark_the_issue_lists_is_run() -> None:
    for name in ("web_survey", "sms_webhook", "sms_outbox", "scores_bench", "themes_bench"):
        assert name in bench_main.BENCHMARKS
    for name in ("report_bench", "exchange_bench", "mixed_load"):
        assert name in bench_main.BENCHMARKS


def test_an_absent_benchmark_is_skipped_with_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(bench_main, "available", lambda name: False)
    assert bench_main.main(["--only", "report_bench", "mixed_load"]) == 0
    out = capsys.readouterr().out
    assert "skipped: bench/report_bench.py is not in this checkout" in out
    assert "skipped (file absent): report_bench, mixed_load" in out


def test_a_present_benchmark_file_is_found() -> None:
    assert bench_main.available("mixed_load")
    assert not bench_main.available("no_such_bench")
