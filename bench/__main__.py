"""Run every benchmark: `python -m bench [--quick] [--only NAME ...]`, each in its own process."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent

# Each runs as `python -m bench.<name> [--quick]`, prints its reference, figure and ratio,
# and exits non-zero when a target fails. A process each keeps one's memory out of another's.
# Together they cover issue 10's list: web page and answer POST (web_survey), SMS webhook and
# forged-signature rejection (sms_webhook), outbox pacing (sms_outbox), scores at 1M responses
# (scores_bench), themes at 100k comments (themes_bench), one PDF and all 42 area reports
# (report_bench), 1M-response export and import (exchange_bench, stats_export_bench for SPSS and
# Stata), and the mixed load with the overload run and worker memory (mixed_load).
BENCHMARKS = (
    "web_survey",
    "sms_webhook",
    "sms_outbox",
    "scores_bench",
    "themes_bench",
    "report_bench",
    "exchange_bench",
    "stats_export_bench",
    "mixed_load",
)
SKIPPED = -1


def available(name: str) -> bool:
    """Whether a benchmark's script is present (a checkout without one skips it, saying so)."""
    return (BENCH_DIR / f"{name}.py").is_file()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs (CI-sized checks)")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, help="run only these")
    args = parser.parse_args(argv)
    chosen = args.only or list(BENCHMARKS)
    results: dict[str, int] = {}
    for name in chosen:
        print(f"\n=== bench.{name} ===", flush=True)
        if not available(name):
            print(f"skipped: bench/{name}.py is not in this checkout", flush=True)
            results[name] = SKIPPED
            continue
        command = [sys.executable, "-m", f"bench.{name}"] + (["--quick"] if args.quick else [])
        results[name] = subprocess.run(command, check=False).returncode
    ran = {name: code for name, code in results.items() if code != SKIPPED}
    skipped = [name for name, code in results.items() if code == SKIPPED]
    failed = [name for name, code in ran.items() if code != 0]
    print(
        f"\nbench: {len(ran) - len(failed)}/{len(ran)} met their targets"
        + (f"; not met: {', '.join(failed)}" if failed else "")
        + (f"; skipped (file absent): {', '.join(skipped)}" if skipped else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: servers stopped", file=sys.stderr)
        sys.exit(130)
