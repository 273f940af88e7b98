"""Survey question page GET and answer POST under gunicorn, as a ratio of a bare Flask hello."""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from bench.load_harness import (
    CLI_TIMEOUT_S,
    GENERATOR_NOTE,
    GUNICORN_ARGS,
    HOST,
    REQUEST_TIMEOUT_S,
    ROOT,
    RunResult,
    Scenario,
    Server,
    Target,
    _stop_on_sigterm,
    hello_scenario,
    machine_info,
    measured,
    print_run,
    print_table,
    raw_get,
    raw_post,
    run_cli,
    run_load,
    summarise,
    write_results,
)

AREA_SLUG = "bench-area"

# The page measured, the answer posted (alternating, so every POST changes a stored answer),
# and where a valid POST must redirect.
PAGE_ID = "about-age"
ANSWER_ITEM = "about.age_band"
ANSWER_VALUES = ("75_84", "85_plus")
NEXT_PAGE_PATH = "/survey/q/about-sex"

TARGETS = {
    "page": Target("question page GET", 0.35, 50.0),
    "post": Target("answer POST (save)", 0.20, 100.0),
}


# ----------------------------------------------------------------------------- setup


def prepare_database(tmp: Path) -> tuple[dict[str, str], str]:
    """A throwaway SQLite database, migrated and with one area, via the app's own CLI."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp / 'bench.db'}",
        SECRET_KEY=secrets.token_hex(32),
        # Development settings with a real secret: production differs per request only by an
        # HSTS header and the Secure cookie flag, and its start-up checks demand SMS credentials.
        CARER_VOICES_ENV="development",
    )
    env.pop("FLASK_DEBUG", None)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for args in (["db", "upgrade"], ["areas", "add", AREA_SLUG, "Bench area"]):
        done = subprocess.run(
            flask + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT_S
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    check = sqlite3.connect(tmp / "bench.db")
    try:
        journal = str(check.execute("PRAGMA journal_mode").fetchone()[0])
    finally:
        check.close()
    return env, journal


_CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
_COOKIE = re.compile(r"(?:^|,\s*)session=([^;]+)")


class Browser:
    """Just enough of a browser (one session cookie, CSRF from forms) to walk the journey."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookie = ""
        self.csrf = ""

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT_S)
        headers = {"Cookie": f"session={self.cookie}"} if self.cookie else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            reply = conn.getresponse()
            text = reply.read().decode("utf-8", "replace")
            for value in reply.headers.get_all("Set-Cookie") or []:
                found = _COOKIE.search(value)
                if found:
                    self.cookie = found.group(1)
            token = _CSRF.search(text)
            if token:
                self.csrf = token.group(1)
            return reply.status, reply.getheader("Location") or "", text
        finally:
            conn.close()

    def expect(self, method: str, path: str, status: int, form: dict[str, str] | None = None,
               location: str | None = None) -> str:  # fmt: skip
        if form is not None:
            form = {"csrf_token": self.csrf, **form}
        got, where, text = self.request(method, path, form)
        if got != status or (location is not None and not where.endswith(location)):
            raise RuntimeError(
                f"journey: {method} {path} gave {got} -> {where!r}, wanted {status} {location}"
            )
        return text


def start_journey(port: int) -> Browser:
    """One carer: open link, start, consent, (no) name, first answer; ends on the page measured."""
    b = Browser(port)
    b.expect("GET", f"/a/{AREA_SLUG}", 200)
    b.expect("POST", f"/a/{AREA_SLUG}/start", 302, {"group": ""}, "/survey/consent")
    b.expect("GET", "/survey/consent", 200)
    b.expect("POST", "/survey/consent", 302, {"consent": "yes"}, "/survey/person")
    b.expect("GET", "/survey/person", 200)
    b.expect("POST", "/survey/person", 302, {"person_name": ""}, "/survey/q/about-relationship")
    b.expect("GET", "/survey/q/about-relationship", 200)
    b.expect(
        "POST", "/survey/q/about-relationship", 302,
        {"page_id": "about-relationship", "about.relationship": "child"}, f"/survey/q/{PAGE_ID}",
    )  # fmt: skip
    page = b.expect("GET", f"/survey/q/{PAGE_ID}", 200)
    if f'name="{ANSWER_ITEM}"' not in page:
        raise RuntimeError(f"journey: /survey/q/{PAGE_ID} does not show {ANSWER_ITEM}")
    return b


# ----------------------------------------------------------------------------- load


def page_scenario(port: int, browsers: list[Browser]) -> Scenario:
    path = f"/survey/q/{PAGE_ID}"
    return Scenario("page", port, [[raw_get(port, path, b.cookie)] for b in browsers], b"200")


def post_scenario(port: int, browsers: list[Browser]) -> Scenario:
    path = f"/survey/q/{PAGE_ID}"
    requests = [
        [
            raw_post(
                port, path, b.cookie, {"csrf_token": b.csrf, "page_id": PAGE_ID, ANSWER_ITEM: v}
            )
            for v in ANSWER_VALUES
        ]
        for b in browsers
    ]
    return Scenario("post", port, requests, b"302", NEXT_PAGE_PATH.encode("ascii"))


# ----------------------------------------------------------------------------- main


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.web_survey", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 s runs (CI-sized check)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument("--seconds", type=float, default=None, help="seconds per run (10; quick 3)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--no-json", action="store_true", help="do not write bench/results/*.json")
    args = parser.parse_args(argv)
    if args.seconds is None:
        args.seconds = 3.0 if args.quick else 10.0
    if not (1 <= args.clients <= 256 and 0 < args.seconds <= 300 and 1 <= args.rounds <= 20):
        parser.error("clients 1..256, seconds 0..300, rounds 1..20")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _stop_on_sigterm()
    started = datetime.now()
    machine = machine_info()
    print(f"web_survey: {args.clients} clients, {args.rounds} rounds of {args.seconds:g} s runs")
    print(
        f"machine: {machine['nproc']} CPUs ({machine['cpu_model']}), Python {machine['python']}, "
        f"load average {machine['loadavg_at_start'][0]:.2f}"
    )
    print(f"servers: gunicorn {' '.join(GUNICORN_ARGS)}, no access log, on {HOST}")
    print(GENERATOR_NOTE)
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="bench-web-") as tmpdir:
        tmp = Path(tmpdir)
        try:
            env, journal = prepare_database(tmp)
            print(f"database: throwaway SQLite in {tmp} (journal_mode={journal})")
            hello = Server("hello", "bench.hello_app:app", env, tmp)
            servers.append(hello)
            survey = Server("survey", "wsgi:app", env, tmp)
            servers.append(survey)
            hello.wait_ready("/")
            survey.wait_ready(f"/a/{AREA_SLUG}")
            browsers = [start_journey(survey.port) for _ in range(args.clients)]
            scenarios = {
                "hello": hello_scenario(hello.port, args.clients),
                "page": page_scenario(survey.port, browsers),
                "post": post_scenario(survey.port, browsers),
            }
            server_of = {"hello": hello, "page": survey, "post": survey}
            warmup = 0.5 if args.quick else 1.0
            for name in ("hello", "page", "post"):
                run_load(scenarios[name], warmup)  # fill caches, compile templates in each worker
            pairs: dict[str, list[tuple[RunResult, RunResult]]] = {"page": [], "post": []}
            runs: list[dict[str, object]] = []
            for round_no in range(1, args.rounds + 1):
                for name in ("page", "post"):
                    # Alternate which goes first, so a drift in machine load does not favour one.
                    order = ["hello", name] if round_no % 2 else [name, "hello"]
                    results = {}
                    for which in order:
                        result = measured(server_of[which], scenarios[which], args.seconds)
                        result.label = which
                        print_run(round_no, result)
                        results[which] = result
                        runs.append({"round": round_no, "pair": name, **asdict(result)})
                    pairs[name].append((results[name], results["hello"]))
        finally:
            for server in reversed(servers):
                server.stop()
    summaries = [summarise(pairs[name], TARGETS[name]) for name in ("page", "post")]
    print_table(summaries, args.clients, args.rounds)
    passed = all(s["verdict"] == "PASS" for s in summaries)
    if not args.no_json:
        config = {
            "clients": args.clients,
            "seconds": args.seconds,
            "rounds": args.rounds,
            "quick": args.quick,
            "gunicorn": GUNICORN_ARGS,
            "page": f"/survey/q/{PAGE_ID}",
            "post": f"/survey/q/{PAGE_ID} {ANSWER_ITEM}={'|'.join(ANSWER_VALUES)} -> 302",
            "generator": GENERATOR_NOTE,
        }
        write_results("web_survey", started, machine, config, runs, summaries, passed)
    return 0 if passed else 1


if __name__ == "__main__":
    run_cli(main)
