"""Mixed load (70% pages, 25% saves, 5% SMS) at 5x the modelled peak, overload, ledger, memory."""

from __future__ import annotations

import argparse
import os
import queue
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.load_harness import (
    GUNICORN_ARGS,
    HOST,
    REQUEST_TIMEOUT_S,
    Server,
    _exchange,
    _reply_problem,
    _stop_on_sigterm,
    machine_info,
    raw_get,
    raw_post,
    run_cli,
    write_results,
)
from bench.load_ledger import Ledger, check_ledger, print_ledger
from bench.load_mix import (
    due_offsets,
    percentile,
    percentile_by_window,
    weighted_sequence,
)
from bench.mixed_load_report import judge, loadavg_text, print_run_summary
from bench.mixed_load_setup import (
    SMS_FIRST_ITEM,
    SmsCarer,
    WebCarer,
    database_url,
    phone,
    prepare,
    sms_option_codes,
    text_in,
    walk_in,
)
from bench.worker_memory import MemorySampler, print_memory

# The model (PERFORMANCE.md): a census of ~470,000 invitations a year gives a national peak of
# ~90 requests/s at a 10x burst. The load runs at 5x that peak; docs/performance.md shows the sum.
MODELLED_PEAK_RPS = 90.0
PEAK_MULTIPLE = 5.0
MIX = {"page": 70, "save": 25, "sms": 5}
OVERLOAD_CLIENTS = 64
# Pages a carer can re-answer at any time without changing their route: (page, item, values).
# Values alternate, so every save changes a stored answer in a full save transaction.
CYCLED_PAGES = (
    ("about-age", "about.age_band", ("75_84", "85_plus")),
    ("about-sex", "about.sex", ("female", "male")),
    ("about-ethnicity", "about.ethnicity", ("white", "asian")),
    ("about-religion", "about.religion", ("none", "christian")),
)
# Each SMS carer, after YES: answer the first question, go BACK, answer it differently, BACK...
SMS_CYCLE = ("1", "BACK", "2", "BACK")


# ----------------------------------------------------------------------------- requests


@dataclass
class Outcome:
    kind: str
    due: float  # seconds from the start of the run (nan in a closed loop)
    sent: float
    latency: float
    problem: str | None


class Traffic:
    """Builds each kind's next request for a free carer and books acknowledged answers."""

    def __init__(
        self,
        port: int,
        token: str,
        web: list[WebCarer],
        sms: list[SmsCarer],
        ledger: Ledger,
        sms_codes: tuple[str, ...],
    ) -> None:
        self.port = port
        self.token = token
        self.ledger = ledger
        self.sms_codes = sms_codes
        self.web: queue.Queue[WebCarer] = queue.Queue()
        self.sms: queue.Queue[SmsCarer] = queue.Queue()
        for carer in web:
            self.web.put(carer)
        for sms_carer in sms:
            self.sms.put(sms_carer)

    def send(self, kind: str) -> tuple[float, str | None]:
        """Send one request of `kind`; (seconds, problem or None). Carers are used one at a time."""
        if kind == "sms":
            return self._sms()
        carer = self.web.get(timeout=REQUEST_TIMEOUT_S)
        try:
            page_id, item, values = CYCLED_PAGES[carer.turn % len(CYCLED_PAGES)]
            path = f"/survey/q/{page_id}"
            if kind == "page":
                payload = raw_get(self.port, path, carer.browser.cookie)
                status, location = b"200", None
                value = None
            else:
                # The journey stored values[0]; the first save here stores values[1], and so on.
                value = values[(carer.turn // len(CYCLED_PAGES) + 1) % 2]
                form = {"csrf_token": carer.browser.csrf, "page_id": page_id, item: value}
                payload = raw_post(self.port, path, carer.browser.cookie, form)
                status, location = b"302", carer.next_after[page_id].encode("ascii")
            elapsed, problem = _timed(payload, self.port, status, location)
            if kind == "save":
                key = (carer.response_id, item)
                with self.ledger.lock:
                    if problem is None:
                        self.ledger.web[key] = value
                        self.ledger.saves_acknowledged += 1
                    else:
                        self.ledger.uncertain.add(key)
            carer.turn += 1
            return elapsed, problem
        finally:
            self.web.put(carer)

    def _sms(self) -> tuple[float, str | None]:
        carer = self.sms.get(timeout=REQUEST_TIMEOUT_S)
        try:
            body = SMS_CYCLE[carer.turn % len(SMS_CYCLE)]
            sid, payload = text_in(self.port, self.token, carer, body)
            elapsed, problem = _timed(payload, self.port, b"200", None)
            key = (carer.number, SMS_FIRST_ITEM)
            with self.ledger.lock:
                if problem is None:
                    self.ledger.sms_sids[sid] = carer.number
                    if body.isdigit():
                        self.ledger.sms_answers[key] = self.sms_codes[int(body) - 1]
                        self.ledger.sms_answers_acknowledged += 1
                else:
                    self.ledger.uncertain.add(key)
            carer.turn += 1
            return elapsed, problem
        finally:
            self.sms.put(carer)


def _timed(
    payload: bytes, port: int, status: bytes, location: bytes | None, *, markup: bool = True
) -> tuple[float, str | None]:
    """Send one request; (seconds, problem or None). `markup`: a 200 must be HTML or TwiML."""
    start = time.perf_counter()
    try:
        reply = _exchange((HOST, port), payload)
    except OSError as exc:
        return time.perf_counter() - start, f"{type(exc).__name__}: {exc}"
    elapsed = time.perf_counter() - start
    problem = _reply_problem(reply, status, location)
    if problem is None and markup and status == b"200":
        if b"<Response" not in reply and b"<html" not in reply:
            problem = "200 without a page or TwiML"
    return elapsed, problem


def hello_sender(port: int) -> Callable[[str], tuple[float, str | None]]:
    payload = raw_get(port, "/")

    def send(_kind: str) -> tuple[float, str | None]:
        return _timed(payload, port, b"200", None, markup=False)

    return send


# ----------------------------------------------------------------------------- load loops


@dataclass
class LoadRun:
    label: str
    mode: str  # "open" (fixed arrival rate) or "closed" (n clients, no think time)
    seconds: float
    outcomes: list[Outcome]
    planned: int  # requests scheduled (open loop)
    not_sent: int  # scheduled but not sent before the hard stop (generator fell behind)
    server_cpu_s: float = float("nan")  # CPU seconds the server's processes used during the run

    def summary(self) -> dict[str, Any]:
        kinds = sorted({o.kind for o in self.outcomes})
        per_kind: dict[str, Any] = {}
        for kind in kinds:
            mine = [o for o in self.outcomes if o.kind == kind]
            ok = sorted(o.latency for o in mine if o.problem is None)
            late = sorted(o.sent - o.due for o in mine if o.due == o.due)
            problems = [o.problem for o in mine if o.problem is not None]
            per_kind[kind] = {
                "sent": len(mine),
                "ok": len(ok),
                "errors": len(problems),
                "error_samples": sorted(set(problems))[:5],
                "rps": len(ok) / self.seconds if self.seconds else float("nan"),
                "p50_ms": percentile(ok, 50) * 1000,
                "p99_ms": percentile(ok, 99) * 1000,
                "max_ms": (ok[-1] if ok else float("nan")) * 1000,
                # In the open loop, how late requests left against the schedule (the generator
                # waiting for a free client): p99 latency + p99 lateness bounds what a carer saw.
                "late_p99_ms": percentile(late, 99) * 1000 if late else None,
            }
        ok_all = sorted(o.latency for o in self.outcomes if o.problem is None)
        # Ten windows over the run: is the tail level, or rising as the run goes on?
        window = max(1.0, self.seconds / 10)
        by_window = percentile_by_window(
            [(o.sent, o.latency * 1000) for o in self.outcomes if o.problem is None], window, 99
        )
        return {
            "label": self.label,
            "mode": self.mode,
            "seconds": round(self.seconds, 2),
            "planned": self.planned,
            "sent": len(self.outcomes),
            "not_sent": self.not_sent,
            "errors": sum(1 for o in self.outcomes if o.problem is not None),
            "rps": len(ok_all) / self.seconds if self.seconds else float("nan"),
            "p50_ms": percentile(ok_all, 50) * 1000,
            "p99_ms": percentile(ok_all, 99) * 1000,
            "max_ms": (ok_all[-1] if ok_all else float("nan")) * 1000,
            "window_s": window,
            "p99_by_window_ms": by_window,
            "server_cpu_share": self.server_cpu_s / self.seconds if self.seconds else None,
            "server_cpu_ms_per_request": self.server_cpu_s / len(ok_all) * 1000 if ok_all else None,
            "kinds": per_kind,
        }


def open_loop(
    label: str,
    send: Callable[[str], tuple[float, str | None]],
    rate: float,
    seconds: float,
    threads: int,
    progress: Callable[[int], None] | None = None,
) -> LoadRun:
    """Requests at a fixed rate in the MIX; stops at `seconds` plus a grace (bounded)."""
    offsets = due_offsets(rate, seconds)
    mix = weighted_sequence(MIX)
    kinds = [next(mix) for _ in offsets]
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    cursor = [0]
    start = time.perf_counter()
    # A generator that falls behind stops at the hard stop instead of running on: bounded.
    hard_stop = start + seconds + min(30.0, 0.1 * seconds + 5)

    def worker() -> None:
        while True:
            with lock:
                index = cursor[0]
                cursor[0] += 1
            if index >= len(offsets):
                return
            due = start + offsets[index]
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            sent = time.perf_counter()
            if sent >= hard_stop:
                return
            elapsed, problem = send(kinds[index])
            with lock:
                outcomes.append(
                    Outcome(kinds[index], offsets[index], sent - start, elapsed, problem)
                )
                if progress is not None:
                    progress(len(outcomes))

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(max(0.0, hard_stop - time.perf_counter()) + REQUEST_TIMEOUT_S + 5)
    wall = time.perf_counter() - start
    return LoadRun(label, "open", wall, outcomes, len(offsets), len(offsets) - len(outcomes))


def closed_loop(
    label: str,
    send: Callable[[str], tuple[float, str | None]],
    clients: int,
    seconds: float,
    progress: Callable[[int], None] | None = None,
) -> LoadRun:
    """`clients` clients each sending the next request of the MIX as soon as the last returns."""
    mix: Iterator[str] = weighted_sequence(MIX)
    outcomes: list[Outcome] = []
    lock = threading.Lock()
    start = time.perf_counter()
    stop = start + seconds

    def client() -> None:
        while True:
            sent = time.perf_counter()
            if sent >= stop:
                return
            with lock:
                kind = next(mix)
            elapsed, problem = send(kind)
            with lock:
                outcomes.append(Outcome(kind, float("nan"), sent - start, elapsed, problem))
                if progress is not None:
                    progress(len(outcomes))

    pool = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(seconds + REQUEST_TIMEOUT_S + 5)
    wall = time.perf_counter() - start
    return LoadRun(label, "closed", wall, outcomes, len(outcomes), 0)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.mixed_load", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="CI-sized run, under a minute")
    parser.add_argument("--seconds", type=float, help="mixed-load length (600; quick 12)")
    parser.add_argument(
        "--rate", type=float, help=f"requests/s (default {PEAK_MULTIPLE:g} x {MODELLED_PEAK_RPS:g})"
    )
    parser.add_argument("--overload-seconds", type=float, help="overload length (60; quick 5)")
    parser.add_argument("--threads", type=int, default=32, help="open-loop client threads (32)")
    parser.add_argument("--web-carers", type=int, default=80)
    parser.add_argument("--sms-carers", type=int, default=24)
    parser.add_argument("--no-json", action="store_true")
    args = parser.parse_args(argv)
    if args.seconds is None:
        args.seconds = 12.0 if args.quick else 600.0
    if args.overload_seconds is None:
        args.overload_seconds = 5.0 if args.quick else 60.0
    if args.rate is None:
        args.rate = MODELLED_PEAK_RPS * PEAK_MULTIPLE
    if not (
        0 < args.seconds <= 3600 and 0 < args.overload_seconds <= 600 and 0 < args.rate <= 5000
    ):
        parser.error("seconds 0..3600, overload-seconds 0..600, rate 0..5000")
    if (
        args.web_carers < OVERLOAD_CLIENTS
        or not 1 <= args.sms_carers <= 999
        or not 1 <= args.threads <= 256
    ):
        parser.error(f"web-carers >= {OVERLOAD_CLIENTS}, sms-carers 1..999, threads 1..256")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _stop_on_sigterm()
    started = datetime.now()
    machine = machine_info()
    print(
        f"mixed_load: {args.rate:g} req/s ({PEAK_MULTIPLE:g} x the modelled peak of "
        f"{MODELLED_PEAK_RPS:g}) for {args.seconds:g} s, mix {MIX}; overload {OVERLOAD_CLIENTS} "
        f"clients for {args.overload_seconds:g} s"
    )
    print(
        f"machine: {machine['nproc']} CPUs ({machine['cpu_model']}), Python {machine['python']}, "
        f"load average {loadavg_text(os.getloadavg())}"
    )
    print(f"servers: gunicorn {' '.join(GUNICORN_ARGS)}, on {HOST}")
    run_tag = secrets.randbelow(100)
    slug = f"mixed-load-{secrets.token_hex(4)}"
    numbers = [phone(run_tag, n) for n in range(args.sms_carers)]
    servers: list[Server] = []
    ledger = Ledger()
    runs: dict[str, dict[str, Any]] = {}
    memory: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench-mixed-") as tmpdir:
        tmp = Path(tmpdir)
        url = database_url(tmp)
        where = "PostgreSQL (DATABASE_URL)" if url.startswith("postgres") else f"SQLite in {tmp}"
        print(f"database: {where}")
        sampler: MemorySampler | None = None
        try:
            env = prepare(tmp, slug, numbers)
            token = env["TWILIO_AUTH_TOKEN"]
            hello = Server("hello", "bench.hello_app:app", env, tmp)
            app = Server("app", "wsgi:app", env, tmp)
            servers += [hello, app]
            hello.wait_ready("/")
            app.wait_ready(f"/a/{slug}")
            sampler = MemorySampler(app.proc.pid, 1.0 if args.quick else 3.0)
            sampler.start()
            setup_start = time.perf_counter()
            web = [walk_in(app.port, slug, ledger) for _ in range(args.web_carers)]
            sms = [SmsCarer(number) for number in numbers]
            traffic = Traffic(app.port, token, web, sms, ledger, sms_option_codes())
            for carer in sms:
                sid, payload = text_in(app.port, token, carer, "YES")
                elapsed, problem = _timed(payload, app.port, b"200", None)
                if problem is not None:
                    raise RuntimeError(f"SMS conversation did not start: {problem}")
                ledger.sms_sids[sid] = carer.number
            print(
                f"set-up: {len(web)} web carers walked in, {len(sms)} SMS carers said YES "
                f"({time.perf_counter() - setup_start:.0f} s)"
            )

            counted = [0]

            def progress(done: int) -> None:
                assert sampler is not None
                sampler.requests_done = counted[0] + done

            ref_seconds = 3.0 if args.quick else 30.0
            cpu0 = hello.cpu_seconds()
            hello_open = open_loop(
                "hello at the same rate", hello_sender(hello.port), args.rate, ref_seconds,
                args.threads,
            )  # fmt: skip
            hello_open.server_cpu_s = hello.cpu_seconds() - cpu0
            runs["hello_open"] = hello_open.summary()
            print_run_summary(runs["hello_open"], None)
            cpu0 = app.cpu_seconds()
            mixed = open_loop(
                "mixed load", traffic.send, args.rate, args.seconds, args.threads, progress
            )
            mixed.server_cpu_s = app.cpu_seconds() - cpu0
            counted[0] += len(mixed.outcomes)
            runs["mixed"] = mixed.summary()
            print_run_summary(runs["mixed"], runs["hello_open"])
            cpu0 = hello.cpu_seconds()
            hello_closed = closed_loop(
                "hello, 64 clients", hello_sender(hello.port), OVERLOAD_CLIENTS,
                args.overload_seconds,
            )  # fmt: skip
            hello_closed.server_cpu_s = hello.cpu_seconds() - cpu0
            runs["hello_closed"] = hello_closed.summary()
            cpu0 = app.cpu_seconds()
            overload = closed_loop(
                "overload, 64 clients", traffic.send, OVERLOAD_CLIENTS, args.overload_seconds,
                progress,
            )  # fmt: skip
            overload.server_cpu_s = app.cpu_seconds() - cpu0
            counted[0] += len(overload.outcomes)
            runs["overload"] = overload.summary()
            print_run_summary(runs["overload"], runs["hello_closed"])
            sampler.stop()
            memory = sampler.report()
        finally:
            if sampler is not None:
                sampler.stop()
            for server in reversed(servers):
                server.stop()
        ledger_check = check_ledger(url, slug, ledger)
    verdicts = judge(args, runs, memory, ledger_check)
    print_memory(memory)
    print_ledger(ledger_check)
    print("\nverdicts:")
    for name, (passed, detail) in verdicts.items():
        print(f"  {'PASS' if passed else 'FAIL'}  {name}: {detail}")
    passed_all = all(passed for passed, _ in verdicts.values())
    machine["loadavg_at_end"] = os.getloadavg()
    print(f"load average at end: {loadavg_text(os.getloadavg())}")
    if not args.no_json:
        config = {
            "rate": args.rate,
            "modelled_peak_rps": MODELLED_PEAK_RPS,
            "peak_multiple": PEAK_MULTIPLE,
            "mix": MIX,
            "seconds": args.seconds,
            "overload_clients": OVERLOAD_CLIENTS,
            "overload_seconds": args.overload_seconds,
            "threads": args.threads,
            "web_carers": args.web_carers,
            "sms_carers": args.sms_carers,
            "database": "postgresql" if url.startswith("postgres") else "sqlite",
            "quick": args.quick,
        }
        summaries: list[dict[str, object]] = [
            {"check": name, "verdict": "PASS" if ok else "FAIL", "detail": detail}
            for name, (ok, detail) in verdicts.items()
        ]
        records: list[dict[str, object]] = [{"run": name, **run} for name, run in runs.items()]
        records += [{"run": "memory", **memory}, {"run": "ledger", **ledger_check}]
        write_results("mixed_load", started, machine, config, records, summaries, passed_all)
    return 0 if passed_all else 1


if __name__ == "__main__":
    run_cli(main)
