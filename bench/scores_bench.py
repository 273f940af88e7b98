"""Experience scores for N synthetic responses, against a bare pandas groupby on the same data.

`python -m bench.scores_bench [--responses 1000000] [--quick] [--rounds 3] [--no-cli]`

Each measurement runs in a child process of its own, so its peak memory (ru_maxrss) is its own:
the child builds the synthetic responses (not timed), then times either
  - scores: compute_scores — every indicator and domain score, national, by 200 areas and by
    five breakdowns (community group, language, channel, quarter, ethnicity), standardised,
    with disclosure control; or
  - reference: a bare pandas groupby counting the answers of every analysed item column, once
    per breakdown (the quarter precomputed outside the timing, which only flatters the
    reference).
The two alternate within each round (median of the rounds, as docs/performance.md asks).
Without --no-cli it also times the command line end to end on the same responses as a CSV.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
QUESTIONNAIRE = ROOT / "questionnaires" / "voices-core" / "v1.yaml"
BREAKDOWNS = ["area", "community_group", "language", "channel", "quarter", "about.ethnicity"]
AREAS = 200
LIMIT_SECONDS = 60.0
LIMIT_MIB = 2048.0
LIMIT_RATIO = 3.0
# The targets are set for a million responses; smaller runs are smoke tests, where fixed costs
# (building the table, disclosure control) weigh more than the data, so the ratio is shown only.
TARGET_RESPONSES = 1_000_000
CHILD_TIMEOUT_S = 600.0


def _peak_mib() -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _return_free_memory() -> None:
    """Give freed heap back to the system (glibc), so the timed peak is not the generator's."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _reset_high_water_mark() -> bool:
    """Restart this process's VmHWM (Linux ≥ 4.0), so the timed step's own peak can be read."""
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="ascii")
    except OSError:
        return False
    return True


def _high_water_mib() -> float | None:
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def child(kind: str, responses: int) -> dict[str, Any]:
    """One measurement in this (child) process; returns seconds, peak memory and a size check."""
    import pandas as pd

    from analysis.questionnaire_data import load_questionnaire
    from analysis.scores import compute_scores
    from bench.synthetic_responses import synthetic_responses

    questionnaire = load_questionnaire(QUESTIONNAIRE)
    frame = synthetic_responses(responses, areas=AREAS, questionnaire=questionnaire)
    items = sorted(questionnaire.analysed_items())
    if kind == "reference":
        from analysis.scores.encoding import quarter_labels

        codes, labels = quarter_labels(frame["submitted_at"])
        frame["quarter_key"] = pd.Categorical.from_codes(codes, labels)
    before = _peak_mib()
    # Building a million synthetic responses leaves ~0.7 GiB of freed but unreturned heap;
    # trimming it first makes "peak while timed" the data plus what the analysis needs.
    _return_free_memory()
    reset = _reset_high_water_mark()
    started = time.perf_counter()
    if kind == "scores":
        table = compute_scores(frame, questionnaire, by=BREAKDOWNS)
        rows = len(table)
    else:
        rows = 0
        for breakdown in BREAKDOWNS:
            key = "quarter_key" if breakdown == "quarter" else breakdown
            counts = frame.groupby(key, observed=True)[items].count()
            rows += counts.size
    seconds = time.perf_counter() - started
    after = _peak_mib()
    return {
        "kind": kind,
        "seconds": seconds,
        # The process's peak, building the data included. (Resetting VmHWM also resets
        # ru_maxrss on current kernels, hence the maximum of the two readings.)
        "peak_mib": max(before, after),
        "peak_mib_before_timing": before,
        # The peak while the timed step ran, with the data resident: what the analysis needs.
        "timed_peak_mib": _high_water_mib() if reset else None,
        "rows": rows,
    }


def _run_child(kind: str, responses: int) -> dict[str, Any]:
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.scores_bench",
            "--child",
            kind,
            "--responses",
            str(responses),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_S,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{kind} child failed:\n{completed.stderr}")
    result: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def _run_cli(responses: int) -> dict[str, Any]:
    """Write the responses as CSV, then time `python -m analysis scores` on it (wait4 rusage)."""
    from bench.synthetic_responses import synthetic_responses

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "responses.csv"
        out = Path(folder) / "scores.csv"
        synthetic_responses(responses, areas=AREAS).to_csv(
            source, index=False, lineterminator="\r\n"
        )
        size_mib = source.stat().st_size / 2**20
        command = [
            sys.executable,
            "-m",
            "analysis",
            "scores",
            str(source),
            "--questionnaire",
            str(QUESTIONNAIRE),
            "--out",
            str(out),
        ]
        for breakdown in BREAKDOWNS:
            command += ["--by", breakdown]
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        stderr = process.stderr.read().decode() if process.stderr else ""
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"analysis scores failed: {stderr}")
        return {
            "kind": "cli",
            "csv_mib": size_mib,
            "seconds": seconds,
            "peak_mib": usage.ru_maxrss / 1024,
            "rows": sum(1 for _ in out.open(encoding="utf-8")) - 1,
        }


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.scores_bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="100,000 responses, one round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-cli", action="store_true", help="skip the end-to-end CSV run")
    parser.add_argument("--no-json", action="store_true", help="do not write bench/results")
    parser.add_argument("--child", choices=["scores", "reference"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.responses)))
        return 0
    responses = 100_000 if args.quick else args.responses
    rounds = 1 if args.quick else args.rounds
    started = datetime.now()
    load_at_start = os.getloadavg()
    print(
        f"scores bench: {responses:,} synthetic responses, {AREAS} areas, breakdowns "
        f"{', '.join(BREAKDOWNS)}; {rounds} round(s), each measurement in its own process"
    )
    measurements: list[dict[str, Any]] = []
    for round_number in range(1, rounds + 1):
        # Alternate the order so neither side always runs on a warmer machine.
        order = ["reference", "scores"] if round_number % 2 else ["scores", "reference"]
        pair = {kind: _run_child(kind, responses) for kind in order}
        pair["scores"]["ratio"] = pair["scores"]["seconds"] / pair["reference"]["seconds"]
        for kind in order:
            result = pair[kind]
            timed = result["timed_peak_mib"]
            print(
                f"  round {round_number} {kind:9s} {result['seconds']:7.2f} s  "
                f"peak while timed {timed or float('nan'):5.0f} MiB, whole process "
                f"{result['peak_mib']:5.0f} MiB  {result['rows']:,} rows"
            )
        measurements += [pair["reference"], pair["scores"]]
    scores = [m for m in measurements if m["kind"] == "scores"]
    reference = [m for m in measurements if m["kind"] == "reference"]
    seconds = statistics.median(m["seconds"] for m in scores)
    reference_seconds = statistics.median(m["seconds"] for m in reference)
    ratio = statistics.median(m["ratio"] for m in scores)
    peak = max(m["peak_mib"] for m in scores)
    at_scale = responses >= TARGET_RESPONSES
    checks = {
        "seconds": (seconds, LIMIT_SECONDS, seconds <= LIMIT_SECONDS),
        "peak_mib": (peak, LIMIT_MIB, peak <= LIMIT_MIB),
        "ratio": (ratio, LIMIT_RATIO, ratio <= LIMIT_RATIO or not at_scale),
    }
    ratio_verdict = _verdict(ratio <= LIMIT_RATIO) if at_scale else "INFO (target at 1,000,000)"
    print(f"scores    median {seconds:.2f} s  {_verdict(seconds <= LIMIT_SECONDS)} (≤ 60 s)")
    print(f"memory    peak {peak:.0f} MiB  {_verdict(peak <= LIMIT_MIB)} (≤ 2048 MiB)")
    print(
        f"reference median {reference_seconds:.2f} s; ratio (median of rounds) {ratio:.2f}×  "
        f"{ratio_verdict} (≤ 3×)"
    )
    cli = None
    if not args.no_cli:
        cli = _run_cli(responses)
        print(
            f"cli       {cli['seconds']:.2f} s end to end on a {cli['csv_mib']:.0f} MiB CSV, "
            f"peak {cli['peak_mib']:.0f} MiB (read + compute + write; not a target)"
        )
    passed = all(ok for _, _, ok in checks.values())
    if not args.no_json:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        out = RESULTS_DIR / f"scores-{started:%Y%m%dT%H%M%S}.json"
        report = {
            "benchmark": "scores",
            "started": started.isoformat(timespec="seconds"),
            "machine": {
                "nproc": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
                "loadavg_at_start": load_at_start,
                "loadavg_at_end": os.getloadavg(),
            },
            "config": {
                "responses": responses,
                "areas": AREAS,
                "breakdowns": BREAKDOWNS,
                "rounds": rounds,
            },
            "measurements": measurements,
            "cli": cli,
            "summary": {
                name: {"value": value, "limit": limit, "pass": ok}
                for name, (value, limit, ok) in checks.items()
            },
        }
        out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
        print(f"results: {out.relative_to(ROOT)}")
    print(f"scores bench: {_verdict(passed)}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
