"""The results summary: newest file per benchmark, and one table row per judged line."""

from __future__ import annotations

from pathlib import Path

from bench.summary import latest_per_benchmark, markdown, rows_for


def test_the_newest_file_of_each_benchmark_is_chosen() -> None:
    files = [
        Path("web_survey-20261122T091157.json"),
        Path("web_survey-20261122T101157.json"),
        Path("exchange-before-20261122T104503.json"),
        Path("notes.json"),
    ]
    assert latest_per_benchmark(files) == {
        "exchange-before": Path("exchange-before-20261122T104503.json"),
        "web_survey": Path("web_survey-20261122T101157.json"),
    }


def test_rows_come_from_scenario_lists_measure_dicts_or_the_overall_verdict() -> None:
    scenarios = {
        "summary": [{"scenario": "page", "ratio": 0.16, "p99_ms": 192.4, "verdict": "FAIL"}]
    }
    assert rows_for(scenarios) == [("page", "ratio 16% of hello, p99 192 ms", "FAIL")]
    measures = {"summary": {"seconds": {"value": 3.15, "limit": 60.0, "pass": True}}}
    assert rows_for(measures) == [("seconds", "3.15 (limit 60)", "PASS")]
    checks = {"summary": [{"check": "ledger", "verdict": "PASS", "detail": "exact"}]}
    assert rows_for(checks) == [("ledger", "exact", "PASS")]
    assert rows_for({"passed": False}) == [("all targets", "", "FAIL")]


def test_the_table_has_one_row_per_judged_line() -> None:
    report = {
        "started": "2026-11-22T12:45:02",
        "machine": {"loadavg_at_start": [3.69, 3.97, 3.97]},
        "summary": [
            {"check": "a", "verdict": "PASS", "detail": "x"},
            {"check": "b", "verdict": "FAIL", "detail": "y"},
        ],
    }
    table = markdown({"mixed_load": report}).splitlines()
    assert len(table) == 4
    assert table[2] == "| mixed_load | 2026-11-22T12:45:02 | 3.7 | a | x | PASS |"
