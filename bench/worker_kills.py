"""Kill gunicorn workers at random while carers save pages; then prove no page was half saved.

Each carer saves the two-question hospital dignity page over and over, both answers changed
together (attempt n: both "always" if n is even, both "most" if odd), while a killer SIGKILLs a
random worker every --every seconds. Afterwards, for every carer, the two stored answers must
be a pair (a half-saved page would mix them), and must be the last acknowledged save or a later
attempt; SQLite's integrity_check must be ok.

    python -m bench.worker_kills [--seconds 60] [--carers 6] [--every 0.5]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

import requests

from bench.load_harness import CLI_TIMEOUT_S, HOST, RESULTS_DIR, ROOT, Server, machine_info

AREA = "bench-area"
PAGE = "hospital-dignity"
ITEMS = ("hospital.doctors.dignity", "hospital.nurses.dignity")
PAIRS = ("always", "most")


def prepare(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp / 'kills.db'}",
        SECRET_KEY=secrets.token_hex(32),
        CARER_VOICES_ENV="development",
    )
    env.pop("FLASK_DEBUG", None)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for args in (["db", "upgrade"], ["areas", "add", AREA, "Bench area"]):
        subprocess.run(flask + args, cwd=ROOT, env=env, check=True, capture_output=True,
                       timeout=CLI_TIMEOUT_S)  # fmt: skip
    return env


def walk_to_page(base: str) -> tuple[requests.Session, str]:
    """A carer who said the person was in hospital, now on the dignity page; returns CSRF."""
    sys.path.insert(0, str(ROOT))
    from tests.reliability.http_walker import http_walker
    from tests.survey.test_bad_input import walk_to
    from tests.survey.test_journey import start_open_link

    walker = start_open_link(http_walker(base).client, AREA)  # type: ignore[arg-type]
    walk_to(walker, "hospital-any-time")
    walker.submit({"hospital.any_time": "yes"})
    assert walker.page_id == PAGE and walker.soup is not None
    token = walker.soup.find("input", attrs={"name": "csrf_token"})["value"]
    return walker.client.session, str(token)  # type: ignore[attr-defined]


def worker_pids(master: int) -> list[int]:
    try:
        text = Path(f"/proc/{master}/task/{master}/children").read_text()
    except OSError:
        return []
    return [int(pid) for pid in text.split()]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.worker_kills", description=__doc__)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--carers", type=int, default=6)
    parser.add_argument("--every", type=float, default=0.5, help="seconds between kills")
    args = parser.parse_args()
    started = datetime.now()
    chooser = random.Random(20261122)
    with tempfile.TemporaryDirectory(prefix="bench-kills-") as folder:
        tmp = Path(folder)
        env = prepare(tmp)
        server = Server("kills", "wsgi:app", env, tmp)
        try:
            server.wait_ready(f"/a/{AREA}")
            base = f"http://{HOST}:{server.port}"
            carers = [walk_to_page(base) for _ in range(args.carers)]
            acked = [0] * args.carers
            last = [0] * args.carers
            outcomes: dict[str, int] = {}
            lock = threading.Lock()
            stop = threading.Event()

            def save(index: int) -> None:
                session, token = carers[index]
                attempt = 0
                while not stop.is_set():
                    attempt += 1
                    last[index] = attempt
                    value = PAIRS[attempt % 2]
                    form = {"csrf_token": token, "page_id": PAGE, **dict.fromkeys(ITEMS, value)}
                    try:
                        reply = session.post(f"{base}/survey/q/{PAGE}", data=form,
                                             allow_redirects=False, timeout=10)  # fmt: skip
                        outcome = str(reply.status_code)
                        if reply.status_code == 302:
                            acked[index] = attempt
                    except requests.RequestException as problem:
                        outcome = type(problem).__name__
                    with lock:
                        outcomes[outcome] = outcomes.get(outcome, 0) + 1

            threads = [threading.Thread(target=save, args=(i,)) for i in range(args.carers)]
            for thread in threads:
                thread.start()
            kills = 0
            deadline = time.monotonic() + args.seconds
            while time.monotonic() < deadline:
                time.sleep(args.every * chooser.uniform(0.5, 1.5))
                pids = worker_pids(server.proc.pid)
                if pids:
                    os.kill(chooser.choice(pids), signal.SIGKILL)
                    kills += 1
            time.sleep(2)  # saves go on unharmed for a moment: each carer's last save is acked
            stop.set()
            for thread in threads:
                thread.join(20)
            time.sleep(1)
        finally:
            server.stop()
        check = sqlite3.connect(tmp / "kills.db")
        try:
            integrity = check.execute("PRAGMA integrity_check").fetchone()[0]
            rows = check.execute(
                "SELECT r.id, a.item_id, a.value FROM responses r JOIN answers a "
                "ON a.response_id = r.id WHERE a.item_id IN (?, ?)",
                ITEMS,
            ).fetchall()
        finally:
            check.close()
    stored: dict[int, dict[str, str]] = {}
    for response_key, item, value in rows:
        stored.setdefault(response_key, {})[item] = value
    half_saved = [k for k, pair in stored.items() if len(set(pair.values())) != 1 or len(pair) != 2]
    saved = outcomes.get("302", 0)
    # Each carer's final save was acknowledged: the stored pairs must be exactly those values.
    final_acked = all(a == n for a, n in zip(acked, last, strict=True))
    expected = sorted(PAIRS[a % 2] for a in acked)
    held = sorted(next(iter(pair.values())) for pair in stored.values())
    lost = not final_acked or expected != held
    print(f"{args.seconds:g} s, {args.carers} carers, {kills} workers killed")
    print(f"saves: {sum(outcomes.values())}  outcomes: {dict(sorted(outcomes.items()))}")
    print(f"responses with both answers: {len(stored)} of {args.carers}")
    print(f"half-saved pages: {len(half_saved)}; last acknowledged save lost: {lost}")
    print(f"integrity_check: {integrity}")
    passed = integrity == "ok" and not half_saved and not lost and saved > 0
    print("PASS" if passed else "FAIL")
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"worker-kills-{started:%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps({
        "benchmark": "worker_kills", "started": started.isoformat(timespec="seconds"),
        "machine": machine_info(), "config": vars(args), "kills": kills, "outcomes": outcomes,
        "responses": len(stored), "half_saved": len(half_saved), "lost": lost,
        "integrity": integrity, "passed": passed,
    }, indent=2, default=str) + "\n")  # fmt: skip
    print(f"results: {out.relative_to(ROOT)}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
