"""SPSS .sav and Stata .dta exports of N responses against the CSV export of the same database.

`python -m bench.stats_export_bench [--responses 20000 50000] [--rounds 3] [--quick]` imports
N synthetic responses (bench/synthetic_responses.py, through the real import) into a fresh
SQLite database, then measures, each in its own child process and interleaved round by round:
- reference: `flask responses export --format csv --out` (streamed, constant memory);
- ours: `flask responses export --format sav|dta --out`.
It prints the median time ratio to the CSV export and each child's peak memory, at every size,
so the memory growth of the .sav/.dta writer (pyreadstat needs the whole table) is visible.
There is no pass/fail target (the design note sets none for these formats): it always exits 0.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from bench.exchange_bench import (
    Measured,
    _app_env,
    _flask,
    machine,
    measure,
    migrated_database,
    write_synthetic_file,
)


def run_size(n: int, rounds: int, work: Path) -> dict[str, list[Measured]]:
    source = work / f"responses-{n}.csv"
    write_synthetic_file(n, source)
    database = work / f"stats-{n}.db"
    env = _app_env(database)
    migrated_database(database, env)
    measure(_flask("responses", "import", str(source)), env)
    results: dict[str, list[Measured]] = {"csv": [], "sav": [], "dta": []}
    for round_number in range(rounds):
        formats = ["csv", "sav", "dta"]
        if round_number % 2:
            formats.reverse()  # load drift on a shared machine hits every format alike
        for file_format in formats:
            out = work / f"export-{n}.{file_format}"
            command = _flask("responses", "export", "--format", file_format, "--status", "all")
            results[file_format].append(measure([*command, "--out", str(out)], env))
            out.unlink()
    for stale in work.glob(f"stats-{n}.db*"):
        stale.unlink()
    source.unlink()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responses", type=int, nargs="+", default=[20_000, 50_000])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="2,000 and 5,000, one round")
    args = parser.parse_args(argv)
    if args.quick:
        args.responses, args.rounds = [2_000, 5_000], 1
    print(machine())
    with tempfile.TemporaryDirectory(prefix="cv-stats-bench-") as folder:
        for n in args.responses:
            results = run_size(n, args.rounds, Path(folder))
            csv_seconds = statistics.median(m.seconds for m in results["csv"])
            for file_format, measured in results.items():
                seconds = statistics.median(m.seconds for m in measured)
                peak = max(m.peak_mib for m in measured)
                print(
                    f"{n:>9,} {file_format}: {seconds:6.1f} s, {seconds / csv_seconds:4.2f}x the "
                    f"CSV export, peak {peak:5.0f} MiB"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
