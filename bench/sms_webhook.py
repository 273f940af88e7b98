"""Signed SMS inbound webhooks and forged-signature refusals under gunicorn, as ratios of hello."""

from __future__ import annotations

import argparse
import csv
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from bench.load_harness import (
    CLI_TIMEOUT_S,
    GENERATOR_NOTE,
    GUNICORN_ARGS,
    HOST,
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
    production_sms_env,
    run_cli,
    run_load,
    summarise,
    write_results,
)

AREA_SLUG = "bench-area"
PUBLIC_BASE_URL = "https://survey.bench.example"
REQUESTS_PER_CLIENT = 6_000  # more than a client sends in one run, so no MessageSid repeats
TARGETS = {
    "inbound": Target("signed inbound webhook", 0.20, 250.0),
    "forged": Target("forged signature (403)", 0.50, 250.0),
}


def phone(n: int) -> str:
    return f"+4479111{n:05d}"


def prepare(tmp: Path, clients: int) -> dict[str, str]:
    """A throwaway SQLite database with one invited carer per client, via the app's own CLI."""
    env = production_sms_env(f"sqlite:///{tmp / 'bench.db'}", PUBLIC_BASE_URL)
    listing = tmp / "invitations.csv"
    with listing.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["phone", "area", "community_group", "language"])
        for n in range(clients):
            writer.writerow([phone(n), AREA_SLUG, "", "en"])
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for args in (
        ["db", "upgrade"],
        ["areas", "add", AREA_SLUG, "Bench area"],
        ["invitations", "import", str(listing)],
    ):
        done = subprocess.run(
            flask + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT_S
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return env


def raw_inbound(port: int, token: str, sender: str, body: str, *, forged: bool) -> bytes:
    params = {
        "MessageSid": "SM" + uuid.uuid4().hex,
        "AccountSid": "AC" + "0" * 32,
        "From": sender,
        "To": "+447400123456",
        "Body": body,
        "NumMedia": "0",
    }
    signing_token = secrets.token_hex(16) if forged else token
    signature = RequestValidator(signing_token).compute_signature(
        PUBLIC_BASE_URL + "/sms/inbound", params
    )
    payload = urlencode(params).encode("ascii")
    head = "\r\n".join(
        [
            "POST /sms/inbound HTTP/1.1",
            f"Host: {HOST}:{port}",
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(payload)}",
            f"X-Twilio-Signature: {signature}",
            "Connection: close",
        ]
    )
    return (head + "\r\n\r\n").encode("latin-1") + payload


def inbound_scenario(port: int, token: str, clients: int, *, forged: bool) -> Scenario:
    """Fresh MessageSids every time; each carer answers then goes BACK, so every text writes."""
    label = "forged" if forged else "inbound"
    requests = [
        [
            raw_inbound(port, token, phone(n), "1" if turn % 2 == 0 else "BACK", forged=forged)
            for turn in range(REQUESTS_PER_CLIENT)
        ]
        for n in range(clients)
    ]
    return Scenario(label, port, requests, b"403" if forged else b"200")


def start_conversations(port: int, token: str, clients: int) -> None:
    import http.client

    for n in range(clients):
        payload = raw_inbound(port, token, phone(n), "YES", forged=False)
        head, body = payload.split(b"\r\n\r\n", 1)
        headers = dict(
            line.split(": ", 1) for line in head.decode("latin-1").split("\r\n")[1:] if ": " in line
        )
        connection = http.client.HTTPConnection(HOST, port, timeout=10)
        connection.request("POST", "/sms/inbound", body=body, headers=headers)
        reply = connection.getresponse().read().decode()
        connection.close()
        if "Overall, how would you rate" not in reply:
            raise RuntimeError(f"conversation did not start: {reply[:200]}")


def inbound_rows(database: Path) -> int:
    connection = sqlite3.connect(database)
    try:
        return int(connection.execute("SELECT count(*) FROM sms_inbound").fetchone()[0])
    finally:
        connection.close()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.sms_webhook", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 s runs")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-json", action="store_true")
    args = parser.parse_args(argv)
    if args.seconds is None:
        args.seconds = 3.0 if args.quick else 10.0
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _stop_on_sigterm()
    started = datetime.now()
    machine = machine_info()
    print(f"sms_webhook: {args.clients} clients, {args.rounds} rounds of {args.seconds:g} s runs")
    print(f"machine: {machine['nproc']} CPUs ({machine['cpu_model']}), Python {machine['python']}")
    print(f"servers: gunicorn {' '.join(GUNICORN_ARGS)}, on {HOST}")
    print(GENERATOR_NOTE)
    servers: list[Server] = []
    pairs: dict[str, list[tuple[RunResult, RunResult]]] = {"inbound": [], "forged": []}
    runs: list[dict[str, object]] = []
    writes_during_forged = 0
    with tempfile.TemporaryDirectory(prefix="bench-sms-") as tmpdir:
        tmp = Path(tmpdir)
        try:
            env = prepare(tmp, args.clients)
            token = env["TWILIO_AUTH_TOKEN"]
            hello = Server("hello", "bench.hello_app:app", env, tmp)
            app = Server("sms", "wsgi:app", env, tmp)
            servers += [hello, app]
            hello.wait_ready("/")
            app.wait_ready("/healthz")
            start_conversations(app.port, token, args.clients)
            run_load(inbound_scenario(app.port, token, args.clients, forged=False), 1.0)
            run_load(hello_scenario(hello.port, args.clients), 1.0)
            for round_no in range(1, args.rounds + 1):
                for name in ("inbound", "forged"):
                    scenario = inbound_scenario(
                        app.port, token, args.clients, forged=name == "forged"
                    )
                    order = ["hello", name] if round_no % 2 else [name, "hello"]
                    results: dict[str, RunResult] = {}
                    for which in order:
                        before = inbound_rows(tmp / "bench.db")
                        if which == "hello":
                            result = measured(
                                hello, hello_scenario(hello.port, args.clients), args.seconds
                            )
                        else:
                            result = measured(app, scenario, args.seconds)
                        if which == "forged":
                            writes_during_forged += inbound_rows(tmp / "bench.db") - before
                        result.label = which
                        print_run(round_no, result)
                        results[which] = result
                        runs.append({"round": round_no, "pair": name, **asdict(result)})
                    pairs[name].append((results[name], results["hello"]))
        finally:
            for server in reversed(servers):
                server.stop()
    summaries = [summarise(pairs[name], TARGETS[name]) for name in ("inbound", "forged")]
    summaries[1]["rows_written"] = writes_during_forged
    if writes_during_forged:
        summaries[1]["verdict"] = "FAIL"
    print(f"\nSMS webhooks vs bare Flask hello: {args.clients} clients, median of {args.rounds}")
    for s in summaries:
        print(
            f"{s['scenario']:<28} {s['subject_rps']:7.0f} / {s['hello_rps']:7.0f} req/s  "
            f"ratio {s['ratio']:5.0%}  p50 {s['p50_ms']:6.1f} ms  p99 {s['p99_ms']:6.1f} ms  "
            f"errors {s['errors']}  target {s['target']}  {s['verdict']}"
        )
        # CPU per request is steadier than req/s on a shared machine: a cross-check.
        print(
            f"{'':<28} server CPU per request {s['server_cpu_ms_per_request']:.2f} ms "
            f"(hello {s['hello_server_cpu_ms_per_request']:.2f} ms)"
        )
    print(f"rows written during forged runs: {writes_during_forged}")
    passed = all(s["verdict"] == "PASS" for s in summaries)
    if not args.no_json:
        config = {"clients": args.clients, "seconds": args.seconds, "rounds": args.rounds}
        write_results("sms_webhook", started, machine, config, runs, summaries, passed)
    return 0 if passed else 1


if __name__ == "__main__":
    run_cli(main)
