"""Markdown table of the latest result of each benchmark: `python -m bench.summary [DIR]`."""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bench.load_harness import RESULTS_DIR

# bench/results/<benchmark>-<YYYYmmddTHHMMSS>.json; the timestamp sorts as text.
_NAME = re.compile(r"^(?P<bench>.+)-(?P<stamp>\d{8}T\d{6})\.json$")


def latest_per_benchmark(files: list[Path]) -> dict[str, Path]:
    """The newest file of each benchmark, by the timestamp in its name."""
    newest: dict[str, tuple[str, Path]] = {}
    for path in files:
        found = _NAME.match(path.name)
        if found is None:
            continue
        bench, stamp = found.group("bench"), found.group("stamp")
        if bench not in newest or stamp > newest[bench][0]:
            newest[bench] = (stamp, path)
    return {bench: path for bench, (_, path) in sorted(newest.items())}


def _figure(entry: Mapping[str, Any]) -> str:
    if "ratio" in entry and "p99_ms" in entry:
        return f"ratio {entry['ratio']:.0%} of hello, p99 {entry['p99_ms']:.0f} ms"
    if "value" in entry and "limit" in entry:
        return f"{entry['value']:.4g} (limit {entry['limit']:.4g})"
    return str(entry.get("detail", ""))


def rows_for(report: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(check, figure, verdict) for each judged line of one benchmark's JSON report."""
    summary = report.get("summary")
    rows: list[tuple[str, str, str]] = []
    if isinstance(summary, list):
        for entry in summary:
            name = str(entry.get("scenario") or entry.get("check") or "result")
            rows.append((name, _figure(entry), str(entry.get("verdict", ""))))
    elif isinstance(summary, dict):
        for name, entry in summary.items():
            if isinstance(entry, dict) and "pass" in entry:
                rows.append((name, _figure(entry), "PASS" if entry["pass"] else "FAIL"))
    if not rows and "passed" in report:
        rows.append(("all targets", "", "PASS" if report["passed"] else "FAIL"))
    return rows


def markdown(reports: Mapping[str, Mapping[str, Any]]) -> str:
    lines = [
        "| benchmark | started | load average | check | figure | verdict |",
        "|---|---|---|---|---|---|",
    ]
    for bench, report in reports.items():
        machine = report.get("machine") or {}
        load = machine.get("loadavg_at_start") if isinstance(machine, dict) else None
        load_text = f"{load[0]:.1f}" if isinstance(load, list) and load else ""
        for check, figure, verdict in rows_for(report):
            cells = [bench, str(report.get("started", "")), load_text, check, figure, verdict]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.summary", description=__doc__)
    parser.add_argument("results", nargs="?", type=Path, default=RESULTS_DIR)
    args = parser.parse_args(argv)
    files = sorted(args.results.glob("*.json")) if args.results.is_dir() else []
    if not files:
        print(f"no results in {args.results}: run `make bench` first", file=sys.stderr)
        return 1
    reports = {
        bench: json.loads(path.read_text(encoding="utf-8"))
        for bench, path in latest_per_benchmark(files).items()
    }
    print(markdown(reports))
    return 0


if __name__ == "__main__":
    sys.exit(main())
