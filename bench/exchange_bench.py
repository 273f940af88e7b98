"""CSV import and export of N responses on SQLite, each against a bare reference in the same run.

`python -m bench.exchange_bench [--responses 1000000] [--rounds 1] [--quick]` writes N synthetic
responses in the export format (bench/synthetic_responses.py, dated in the past, every comment
made unique as real ones are), then measures, each step in its own child process:
- import: `flask responses import FILE` into a fresh migrated SQLite database (WAL) against one
  csv.reader pass inserting the same rows with bare sqlite3 executemany (2,000 responses per
  transaction) into another fresh copy of the schema;
- export: `flask responses export --status all --out` against bare SELECTs of the same rows (a
  batch of ids at a time, answers by their index) through csv.writer.writerows;
and checks that the export is byte-identical to the imported file. Peak memory is a child's
max RSS (RUSAGE_CHILDREN, read in a fresh wrapper process so no other child counts). When
N > 100,000 the whole run is also done at 100,000, for the export's memory-growth ratio.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
AREAS, GROUPS = 200, 12  # as bench/synthetic_responses.py names them
BATCH = 2_000
MEMORY_BASE = 100_000
# Targets from the design note, for 1M responses (scaled linearly for other sizes).
IMPORT_TARGET = 120.0  # seconds
EXPORT_TARGET = 60.0
MEMORY_GROWTH_TARGET = 1.25

# Runs a command and prints its wall time and peak RSS: RUSAGE_CHILDREN of this fresh process
# covers only that one command.
_MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mib": peak, "code": done.returncode,
                  "stderr": done.stderr[-2000:]}))
"""


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mib: float


@dataclass(frozen=True)
class Comparison:
    what: str
    responses: int
    ours: Measured
    reference: Measured
    target_s: float

    @property
    def ratio(self) -> float:
        return self.ours.seconds / self.reference.seconds

    @property
    def passed(self) -> bool:
        return self.ours.seconds <= self.target_s


def measure(command: list[str], env: dict[str, str] | None = None) -> Measured:
    wrapped = [sys.executable, "-c", _MEASURE, *command]
    done = subprocess.run(wrapped, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    result = json.loads(done.stdout)
    if result["code"] != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result['stderr']}")
    return Measured(result["seconds"], result["peak_mib"])


def write_synthetic_file(n: int, path: Path) -> int:
    """N responses as the export writes them; returns the number of non-empty answers."""
    import numpy as np
    import pandas as pd

    from analysis.questionnaire_data import FIXED_COLUMNS, load_questionnaire
    from bench.synthetic_responses import QUESTIONNAIRE, synthetic_responses

    frame = synthetic_responses(n)
    questionnaire = load_questionnaire(QUESTIONNAIRE)
    # The generator's dates run to 2027; four years back keeps 29 February on a leap year and
    # every date in the past, which the import insists on.
    stamps = frame["submitted_at"].astype(str)
    years = pd.to_numeric(stamps.str.slice(0, 4), errors="coerce").fillna(4).astype(int) - 4
    frame["submitted_at"] = stamps.where(
        stamps == "", years.astype(str).str.zfill(4) + stamps.str.slice(4)
    )
    # Real comments are all different: a bank of four would let the import remember them.
    row_tags = pd.Series(np.arange(n)).astype(str)
    for item_id, item in questionnaire.items.items():
        if item.type != "text":
            continue
        text = frame[item_id].astype(object)
        present = text.notna()
        frame[item_id] = text.where(~present, text + " (" + row_tags + ")")
    frame.to_csv(path, index=False, lineterminator="\r\n")
    return int(frame.iloc[:, len(FIXED_COLUMNS) :].notna().to_numpy().sum())


def migrated_database(path: Path, env: dict[str, str]) -> None:
    """A fresh database built by the app's migrations, with the areas and groups the file names."""
    subprocess.run(_flask("db", "upgrade"), cwd=ROOT, env=env, check=True, capture_output=True)
    connection = sqlite3.connect(path)
    created = "2026-01-01 00:00:00.000000"
    with connection:
        connection.executemany(
            "INSERT INTO areas (slug, name, created_at) VALUES (?, ?, ?)",
            [(f"area-{i:03d}", f"Area {i}", created) for i in range(AREAS)],
        )
        connection.executemany(
            "INSERT INTO community_groups (slug, name, created_at) VALUES (?, ?, ?)",
            [(f"group-{i:02d}", f"Group {i}", created) for i in range(GROUPS)],
        )
    connection.close()


def reference_import(source: str, database: str) -> None:
    """One csv.reader pass inserting the same rows with bare executemany (no checks at all)."""
    connection = sqlite3.connect(database, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    areas = dict(connection.execute("SELECT slug, id FROM areas").fetchall())
    groups = dict(connection.execute("SELECT slug, id FROM community_groups").fetchall())
    now = "2026-11-22 00:00:00.000000"
    with open(source, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        items = header[9:]
        key = 0
        responses: list[tuple[object, ...]] = []
        answers: list[tuple[object, ...]] = []

        def flush() -> None:
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(
                "INSERT INTO responses (id, response_id, questionnaire_id, questionnaire_version,"
                " channel, language, status, area_id, community_group_id, started_at,"
                " updated_at, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                responses,
            )
            connection.executemany(
                "INSERT INTO answers (response_id, item_id, value, updated_at) VALUES (?, ?, ?, ?)",
                answers,
            )
            connection.execute("COMMIT")
            responses.clear()
            answers.clear()

        for row in reader:
            key += 1
            submitted = row[8].replace("T", " ").rstrip("Z") or None
            responses.append(
                (key, row[0], row[1], int(row[2]), row[6], row[5], row[7], areas[row[3]],
                 groups.get(row[4]), submitted or now, now, submitted)
            )  # fmt: skip
            answers.extend(
                (key, item, value, now) for item, value in zip(items, row[9:], strict=True) if value
            )
            if len(responses) >= BATCH:
                flush()
        if responses:
            flush()
    connection.close()


def reference_export(database: str, out: str) -> None:
    """Bare SELECTs of the same responses and answers, a batch at a time, through csv.writer."""
    connection = sqlite3.connect(database)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        last = 0
        while True:
            responses = connection.execute(
                "SELECT id, response_id, questionnaire_id, questionnaire_version, language,"
                " channel, status, submitted_at FROM responses WHERE id > ? ORDER BY id LIMIT ?",
                (last, BATCH),
            ).fetchall()
            if not responses:
                break
            writer.writerows(responses)
            answers = connection.execute(
                "SELECT response_id, item_id, value FROM answers"
                " WHERE response_id BETWEEN ? AND ? AND value IS NOT NULL AND value <> ''",
                (responses[0][0], responses[-1][0]),
            )
            while chunk := answers.fetchmany(10_000):
                writer.writerows(chunk)
            last = responses[-1][0]
    connection.close()


@dataclass
class SizeRun:
    responses: int
    answers: int
    file_mib: float
    imports: list[Comparison]
    exports: list[Comparison]
    round_trip_identical: bool


def run_size(n: int, rounds: int, work: Path) -> SizeRun:
    source = work / f"responses-{n}.csv"
    print(f"[{n:,}] writing the synthetic file ...", flush=True)
    answers = write_synthetic_file(n, source)
    file_mib = source.stat().st_size / 2**20
    print(f"[{n:,}] {answers:,} answers, {file_mib:,.0f} MiB", flush=True)
    imports: list[Comparison] = []
    exports: list[Comparison] = []
    identical = True
    scale = n / 1_000_000
    for round_number in range(rounds):
        database = work / f"bench-{n}.db"
        bare = work / f"bare-{n}.db"
        for stale in work.glob("b*.db*"):
            stale.unlink()
        env = _app_env(database)
        migrated_database(database, env)
        shutil.copyfile(database, bare)
        ours, reference = interleaved(
            round_number,
            (_flask("responses", "import", str(source)), env),
            (_python_call("reference_import", source, bare), None),
        )
        imports.append(Comparison("import", n, ours, reference, IMPORT_TARGET * scale))
        bare.unlink()
        out, bare_out = work / f"export-{n}.csv", work / f"bare-export-{n}.csv"
        ours, reference = interleaved(
            round_number,
            (_flask("responses", "export", "--status", "all", "--out", str(out)), env),
            (_python_call("reference_export", database, bare_out), None),
        )
        exports.append(Comparison("export", n, ours, reference, EXPORT_TARGET * scale))
        identical = identical and _same_bytes(out, source)
        for done in (out, bare_out):
            done.unlink()
        print(f"[{n:,}] round {round_number + 1}: {_brief(imports[-1])}; {_brief(exports[-1])}")
    for stale in work.glob("b*.db*"):
        stale.unlink()
    source.unlink()
    return SizeRun(n, answers, file_mib, imports, exports, identical)


Command = tuple[list[str], "dict[str, str] | None"]


def interleaved(round_number: int, ours: Command, reference: Command) -> tuple[Measured, Measured]:
    """Both measured back to back, the order alternating by round so load drift hits both."""
    if round_number % 2:
        second = measure(*ours)
        return second, measure(*reference)
    first = measure(*reference)
    return measure(*ours), first


def _app_env(database: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{database}",
        SECRET_KEY=secrets.token_hex(32),
        CARER_VOICES_ENV="development",
        PYTHONPATH=str(ROOT),
    )
    env.pop("FLASK_DEBUG", None)
    return env


def _flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


def _python_call(function: str, *args: Path) -> list[str]:
    quoted = ", ".join(repr(str(arg)) for arg in args)
    return [sys.executable, "-c", f"from bench.exchange_bench import {function}; "
            f"{function}({quoted})"]  # fmt: skip


def _same_bytes(first: Path, second: Path) -> bool:
    if first.stat().st_size != second.stat().st_size:
        return False
    with first.open("rb") as one, second.open("rb") as other:
        while block := one.read(1 << 20):
            if block != other.read(1 << 20):
                return False
    return True


def _brief(comparison: Comparison) -> str:
    return (
        f"{comparison.what} {comparison.ours.seconds:.1f} s / reference "
        f"{comparison.reference.seconds:.1f} s = {comparison.ratio:.2f}x, "
        f"{comparison.ours.peak_mib:.0f} MiB"
    )


def _median(comparisons: list[Comparison]) -> Comparison:
    ordered = sorted(comparisons, key=lambda comparison: comparison.ratio)
    return ordered[len(ordered) // 2]


def machine() -> dict[str, str]:
    model = "?"
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load_average": " ".join(f"{load:.1f}" for load in os.getloadavg()),
    }


def report(runs: list[SizeRun]) -> bool:
    print("\n| responses | step | ours s | reference s | ratio | ours peak MiB | reference peak"
          " MiB | target | verdict |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    passed = True
    for run in runs:
        for comparison in (_median(run.imports), _median(run.exports)):
            verdict = "PASS" if comparison.passed else "FAIL"
            passed = passed and comparison.passed
            print(
                f"| {run.responses:,} | {comparison.what} | {comparison.ours.seconds:.1f} | "
                f"{comparison.reference.seconds:.1f} | {comparison.ratio:.2f} | "
                f"{comparison.ours.peak_mib:.0f} | {comparison.reference.peak_mib:.0f} | "
                f"≤ {comparison.target_s:.0f} s | {verdict} |"
            )
        print(f"round trip byte-identical at {run.responses:,}: {run.round_trip_identical}")
        passed = passed and run.round_trip_identical
    if len(runs) > 1:
        small, large = runs[0], runs[-1]
        growth = max(c.ours.peak_mib for c in large.exports) / max(
            c.ours.peak_mib for c in small.exports
        )
        verdict = "PASS" if growth <= MEMORY_GROWTH_TARGET else "FAIL"
        passed = passed and growth <= MEMORY_GROWTH_TARGET
        print(
            f"export peak memory {large.responses:,} / {small.responses:,}: {growth:.2f}x "
            f"(target ≤ {MEMORY_GROWTH_TARGET}x): {verdict}"
        )
    return passed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.exchange_bench", description=__doc__)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=1, help="median over this many rounds")
    parser.add_argument("--quick", action="store_true", help="20,000 responses, one round")
    args = parser.parse_args(argv)
    sizes = [20_000] if args.quick else [args.responses]
    if not args.quick and args.responses > MEMORY_BASE:
        sizes.insert(0, MEMORY_BASE)
    started = datetime.now()
    print(f"machine: {machine()}")
    work = Path(tempfile.mkdtemp(prefix="cv-exchange-bench-"))
    try:
        runs = [run_size(n, args.rounds, work) for n in sizes]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    passed = report(runs)
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    record = RESULTS_DIR / f"exchange-{started:%Y%m%dT%H%M%S}.json"
    summary = {
        "started": started.isoformat(timespec="seconds"),
        "command": " ".join(["python -m bench.exchange_bench", *(argv or sys.argv[1:])]),
        "machine": machine(),
        "runs": [asdict(run) for run in runs],
        "passed": passed,
    }
    record.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    print(f"results: {record.relative_to(ROOT)}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
