"""Themes for N comments by group (default 100,000) against a bare pandas groupby + tokenise."""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
LIMIT_SECONDS = 60.0
LIMIT_MIB = 1.5 * 1024
# `--by community_group` is what the issue measures; `--all-breakdowns` adds area and language.
BREAKDOWNS = ["community_group"]
ALL_BREAKDOWNS = ["community_group", "area", "language"]

# Invented templates: {who} a relative, {staff} a role, {when} a time. Several languages, so
# language detection and every frame language are exercised as in a real multilingual area.
TEMPLATES = {
    "en": [
        "The {staff} were so kind to {who} at the end and explained everything.",
        "Nobody told us {who} was dying, so we never got to say goodbye.",
        "We rang 111 {when} and waited hours; no one came and {who} was in pain.",
        "The hospital bed and hoist came quickly so {who} could die at home as wished.",
        "The death certificate took two weeks and the funeral had to wait.",
        "After {who} died nobody from the hospice phoned to see how I was coping.",
        "The syringe driver kept {who} comfortable; the {staff} were wonderful.",
        "The {staff} were not kind and the food was cold, {who} deserved better.",
        "We needed an interpreter and the chaplain, but neither came {when}.",
        "Dr Patel called me on 07700 900123 {when} to explain the plan for {who}.",
    ],
    "cy": [
        "Doedd neb wedi dweud wrthym fod {who} yn marw, roedd hi'n rhy hwyr i ffarwelio.",
        "Roedd y nyrsys yn garedig iawn ond doedd dim cyfieithydd Cymraeg ar gael.",
    ],
    "pl": [
        "Nikt nam nie powiedział, że {who} umiera. Tłumacz nie przyszedł.",
        "Pielęgniarki były bardzo miłe, ale w nocy nikt nie przyjechał.",
    ],
    "ur": [
        "کسی نے ہمیں نہیں بتایا کہ وہ مر رہے ہیں۔ امام صاحب کو بلانے کی اجازت نہیں ملی۔",
        "رات کو کوئی نہیں آیا اور بہت درد تھا۔",
    ],
    "pa": [
        "ਕਿਸੇ ਨੇ ਸਾਨੂੰ ਨਹੀਂ ਦੱਸਿਆ ਕਿ ਉਹ ਮਰ ਰਹੇ ਸਨ। ਗ੍ਰੰਥੀ ਜੀ ਨੂੰ ਨਹੀਂ ਬੁਲਾਇਆ ਗਿਆ।",
        "ਰਾਤ ਨੂੰ ਕੋਈ ਨਹੀਂ ਆਇਆ ਅਤੇ ਬਹੁਤ ਦਰਦ ਸੀ।",
    ],
    "bn": ["কেউ আমাদের বলেনি যে বাবা মারা যাচ্ছেন।", "রাতে কেউ আসেনি এবং মা অনেক কষ্ট পেয়েছিলেন।"],
}
LANGUAGE_SHARE = {"en": 0.86, "cy": 0.03, "pl": 0.03, "ur": 0.03, "pa": 0.03, "bn": 0.02}
WHO = ["Mum", "Dad", "my husband", "my wife", "Nan", "my brother", "our son", "Grandad"]
STAFF = ["nurses", "doctors", "carers", "district nurses", "hospice team", "paramedics"]
WHEN = ["at night", "at the weekend", "on Sunday", "in the evening", "after 2am", "that day"]
GROUPS = [
    "General",
    "Polish community",
    "Muslim community",
    "Sikh community",
    "Welsh speakers",
    "Bengali community",
    "Carers network",
    "Gypsy and Traveller",
    "LGBTQ+ group",
    "Black Caribbean",
    "Hindu community",
    "Small group",
]


def synthetic_export(comments: int, seed: int = 20261122) -> pd.DataFrame:
    """A survey export with about `comments` free-text answers (1-3 per response)."""
    rng = random.Random(seed)
    languages = list(LANGUAGE_SHARE)
    weights = list(LANGUAGE_SHARE.values())
    rows, made, number = [], 0, 0
    while made < comments:
        number += 1
        language = rng.choices(languages, weights)[0]
        texts = []
        for _ in range(min(rng.randint(1, 3), comments - made)):
            template = rng.choice(TEMPLATES[language])
            texts.append(
                template.format(who=rng.choice(WHO), staff=rng.choice(STAFF), when=rng.choice(WHEN))
                + f" ({rng.randint(1, 9999)})"
            )
        made += len(texts)
        texts += [""] * (3 - len(texts))
        group = "Small group" if number % 5000 == 0 else rng.choice(GROUPS[:-1])
        rows.append(
            {
                "response_id": f"R{number:07d}",
                "questionnaire_id": "voices-core",
                "questionnaire_version": "1",
                "area": f"Area {rng.randint(1, 12):02d}",
                "community_group": group,
                "language": language,
                "channel": "web",
                "status": "submitted",
                "submitted_at": "2026-11-01T10:00:00",
                "overall.good": texts[0],
                "overall.improve": texts[1],
                "overall.other": texts[2],
            }
        )
    return pd.DataFrame(rows)


def _process_tree(pid: int) -> list[int]:
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return [pid]
    return [pid] + [p for child in children for p in _process_tree(int(child))]


def _tree_pss_mib(pid: int) -> float:
    """Proportional set size of a process and its workers: shared pages counted once."""
    total_kib = 0
    for member in _process_tree(pid):
        try:
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kib += int(line.split()[1])
        except OSError:
            continue
    return total_kib / 1024


def run_child(kind: str, csv_path: Path, breakdowns: list[str]) -> tuple[float, float]:
    """Run one measured step in a fresh process: (seconds, peak memory in MiB).

    Peak memory is the larger of the process's own peak RSS and the sampled peak PSS of the
    process with its forked workers (a worker's copy-on-write pages are shared, not doubled).
    """
    command = [sys.executable, "-m", "bench.themes_bench", "--child", kind, str(csv_path)]
    command += ["--breakdowns", ",".join(breakdowns)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    peak_tree = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not stop.wait(0.1):
            peak_tree = max(peak_tree, _tree_pss_mib(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    stop.set()
    sampler.join()
    output = process.stdout.read() if process.stdout else ""
    if status != 0:
        raise RuntimeError(f"{kind} child failed ({status}): {output}")
    seconds = float(json.loads(output.strip().splitlines()[-1])["seconds"])
    return seconds, max(usage.ru_maxrss / 1024, peak_tree)


def child(kind: str, csv_path: Path, breakdowns: list[str]) -> int:
    start = time.perf_counter()
    if kind == "reference":
        # The bare minimum any summary must do: read, one row per comment, count per group,
        # split into words.
        from analysis.themes.comments import read_comments

        comments = read_comments(csv_path)
        for breakdown in breakdowns:
            comments.groupby(breakdown).size()
        comments["text"].str.lower().str.split().str.len().sum()
    else:
        from analysis.themes.comments import read_comments
        from analysis.themes.frame import load_frame
        from analysis.themes.key_phrases import phrases_by_group
        from analysis.themes.pipeline import analyse_comments
        from analysis.themes.quotes import quotes_by_group
        from analysis.themes.summary import summarise_by_group

        analysed = analyse_comments(read_comments(csv_path), load_frame())
        summarise_by_group(analysed, breakdowns)
        quotes_by_group(analysed, breakdowns)
        phrases_by_group(analysed, breakdowns)
    print(json.dumps({"seconds": time.perf_counter() - start}))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.themes_bench", description=__doc__)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10,000 comments, one round")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--all-breakdowns",
        action="store_true",
        help="community_group, area and language instead of community_group",
    )
    parser.add_argument("--child", nargs=2, metavar=("KIND", "CSV"), help=argparse.SUPPRESS)
    parser.add_argument("--breakdowns", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child[0], Path(args.child[1]), args.breakdowns.split(","))
    breakdowns = ALL_BREAKDOWNS if args.all_breakdowns else BREAKDOWNS
    comments = 10_000 if args.quick else args.comments
    repeats = 1 if args.quick else args.repeats
    with tempfile.TemporaryDirectory() as directory:
        csv_path = Path(directory) / "responses.csv"
        synthetic_export(comments).to_csv(csv_path, index=False)
        ours, reference = [], []
        for _ in range(repeats):  # interleaved, so both see the same machine load
            reference.append(run_child("reference", csv_path, breakdowns))
            ours.append(run_child("themes", csv_path, breakdowns))
    seconds = statistics.median(s for s, _ in ours)
    mib = max(m for _, m in ours)
    reference_seconds = statistics.median(s for s, _ in reference)
    passed = seconds <= LIMIT_SECONDS and mib <= LIMIT_MIB
    print(
        f"themes bench: {comments:,} comments, breakdowns {', '.join(breakdowns)}, "
        f"{repeats} round(s), {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(
        f"  reference (read + groupby + split): {reference_seconds:.1f} s, "
        f"{max(m for _, m in reference):.0f} MiB"
    )
    print(
        f"  themes summarise (languages, themes, sentiment, tables, quotes, phrases): "
        f"{seconds:.1f} s, peak {mib:.0f} MiB"
    )
    print(f"  ratio to reference: {seconds / max(reference_seconds, 1e-9):.1f}x")
    print(f"  {'PASS' if passed else 'FAIL'}: limits {LIMIT_SECONDS:.0f} s and {LIMIT_MIB:.0f} MiB")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
