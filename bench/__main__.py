"""Run every benchmark: `python -m bench [--quick] [--only NAME ...]`, each in its own process."""

from __future__ import annotations

import argparse
import subprocess
import sys

# Each runs as `python -m bench.<name> [--quick]`, prints its reference, figure and ratio,
# and exits non-zero when a target fails. A process each keeps one's memory out of another's.
BENCHMARKS = (
    "web_survey",
    "sms_webhook",
    "sms_outbox",
    "scores_bench",
    "themes_bench",
    "exchange_bench",
    "stats_export_bench",
    "report_bench",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs (CI-sized checks)")
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, help="run only these")
    args = parser.parse_args(argv)
    chosen = args.only or list(BENCHMARKS)
    results: dict[str, int] = {}
    for name in chosen:
        print(f"\n=== bench.{name} ===", flush=True)
        command = [sys.executable, "-m", f"bench.{name}"] + (["--quick"] if args.quick else [])
        results[name] = subprocess.run(command, check=False).returncode
    failed = [name for name, code in results.items() if code != 0]
    print(
        f"\nbench: {len(results) - len(failed)}/{len(results)} met their targets"
        + (f"; not met: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: servers stopped", file=sys.stderr)
        sys.exit(130)
