"""Run every benchmark: `python -m bench [--quick]` (for now, the web survey against hello)."""

from __future__ import annotations

import argparse
import sys

from bench import web_survey


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs (CI-sized checks)")
    args = parser.parse_args(argv)
    results = {"web_survey": web_survey.main(["--quick"] if args.quick else [])}
    failed = [name for name, code in results.items() if code != 0]
    print(
        f"\nbench: {len(results) - len(failed)}/{len(results)} passed"
        + (f"; failed: {', '.join(failed)}" if failed else "")
    )
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: servers stopped", file=sys.stderr)
        sys.exit(130)
