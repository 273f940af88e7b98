"""Generic gunicorn load-test harness: servers, closed-loop raw-socket load, and reports."""

from __future__ import annotations

import http.client
import json
import os
import platform
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = ROOT / "bench" / "results"
HOST = "127.0.0.1"
WORKERS = 2  # = cores on the target machine; the same for the reference and the survey
REQUEST_TIMEOUT_S = 10.0
SERVER_BOOT_TIMEOUT_S = 30.0
CLI_TIMEOUT_S = 120.0

GUNICORN_ARGS = [
    "--workers", str(WORKERS),
    "--worker-class", "sync",
    "--timeout", "10",
    "--graceful-timeout", "3",
    "--log-level", "warning",
]  # fmt: skip

GENERATOR_NOTE = (
    "Load generator: one Python thread per client in this process, raw sockets with pre-built "
    "request bytes, one TCP connection per request (gunicorn sync workers close every "
    "connection), the same for hello and the survey. It shares the CPUs with the servers: its "
    "CPU share is shown per run, and a busy generator holds hello down (flattering the ratio)."
)


@dataclass(frozen=True)
class Target:
    name: str
    min_ratio: float
    max_p99_ms: float


@dataclass
class RunResult:
    label: str
    seconds: float
    ok: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    generator_cpu: float  # CPU seconds of this process per wall second
    server_cpu: float  # CPU seconds of the gunicorn master + workers per wall second
    error_samples: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------- servers


def production_sms_env(database_url: str, public_base_url: str) -> dict[str, str]:
    """The environment for the app in production settings, texting through a fake Twilio.

    Fresh secrets each run; the demo organisation's notices (production needs some).
    """
    from cryptography.fernet import Fernet

    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_hex(32),
        CARER_VOICES_ENV="production",
        CONTACT_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        SMS_BACKEND="twilio",
        TWILIO_ACCOUNT_SID="AC" + secrets.token_hex(16),
        TWILIO_AUTH_TOKEN=secrets.token_hex(16),
        TWILIO_FROM_NUMBER="+447400123456",
        PUBLIC_BASE_URL=public_base_url,
        NOTICES_FILE=str(ROOT / "app" / "data" / "notices.demo.yaml"),
    )
    env.pop("FLASK_DEBUG", None)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Server:
    """One gunicorn master (in its own process group) serving one WSGI app on 127.0.0.1."""

    def __init__(self, name: str, app_spec: str, env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.port = free_port()
        self.log_path = log_dir / f"gunicorn-{name}.log"
        self._log = self.log_path.open("wb")
        command = [
            sys.executable, "-m", "gunicorn", *GUNICORN_ARGS,
            "--bind", f"{HOST}:{self.port}", "--chdir", str(ROOT), app_spec,
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C reaches us, and we stop it in `finally`
        )

    def wait_ready(self, path: str) -> None:
        deadline = time.monotonic() + SERVER_BOOT_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} server exited early:\n{self.log_tail()}")
            try:
                conn = http.client.HTTPConnection(HOST, self.port, timeout=2)
                conn.request("GET", path)
                status = conn.getresponse().status
                conn.close()
                if status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} server not ready in {SERVER_BOOT_TIMEOUT_S}s")

    def cpu_seconds(self) -> float:
        """User + system CPU of the master and its live workers, from /proc."""
        pids = [self.proc.pid]
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
            pids += [int(p) for p in children.split()]
        except OSError:
            return float("nan")
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in pids:
            try:
                stat = Path(f"/proc/{pid}/stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=8)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=5)
        self._log.close()


# ----------------------------------------------------------------------------- load


@dataclass(frozen=True)
class Scenario:
    """Pre-built raw requests (cycled) for each client, and what a good reply looks like."""

    label: str
    port: int
    requests: list[list[bytes]]  # per client, cycled
    status: bytes
    location: bytes | None = None


def raw_get(port: int, path: str, cookie: str = "") -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {HOST}:{port}", "Accept: text/html"]
    if cookie:
        lines.append(f"Cookie: session={cookie}")
    lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def raw_post(port: int, path: str, cookie: str, form: dict[str, str]) -> bytes:
    body = urlencode(form).encode("ascii")
    head = "\r\n".join(
        [
            f"POST {path} HTTP/1.1",
            f"Host: {HOST}:{port}",
            "Accept: text/html",
            f"Cookie: session={cookie}",
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(body)}",
            "Connection: close",
        ]
    )
    return (head + "\r\n\r\n").encode("latin-1") + body


def hello_scenario(port: int, clients: int) -> Scenario:
    return Scenario("hello", port, [[raw_get(port, "/")]] * clients, b"200")


def _exchange(address: tuple[str, int], payload: bytes) -> bytes:
    sock = socket.create_connection(address, timeout=REQUEST_TIMEOUT_S)
    try:
        sock.sendall(payload)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        sock.close()
    return b"".join(chunks)


def _reply_problem(reply: bytes, status: bytes, location: bytes | None) -> str | None:
    """None if the reply is the expected one and complete; else a short description."""
    if reply[9:12] != status:
        return reply.split(b"\r\n", 1)[0].decode("latin-1", "replace") or "empty reply"
    end = reply.find(b"\r\n\r\n")
    if end < 0:
        return "truncated headers"
    head = reply[:end].lower()
    if location is not None:
        at = head.find(b"\r\nlocation: ")
        if at < 0:
            return "missing Location"
        stop = head.find(b"\r\n", at + 2)
        if not head[at + 12 : stop if stop >= 0 else None].endswith(location.lower()):
            return "wrong Location"
    at = head.find(b"\r\ncontent-length: ")
    if at >= 0:
        stop = head.find(b"\r\n", at + 2)
        declared = int(head[at + 18 : stop if stop >= 0 else None])
        if len(reply) - end - 4 != declared:
            return "truncated body"
    return None


def run_load(scenario: Scenario, seconds: float) -> RunResult:
    """Closed loop: every client sends its next request as soon as the last reply is complete."""
    clients = len(scenario.requests)
    address = (HOST, scenario.port)
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    samples: list[str] = []
    gate = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(index: int) -> None:
        payloads = scenario.requests[index]
        mine = latencies[index]
        count = len(payloads)
        turn = 0
        clock = time.perf_counter
        gate.wait()
        stop = deadline[0]
        while True:
            start = clock()
            if start >= stop:
                return
            try:
                reply = _exchange(address, payloads[turn % count])
            except OSError as exc:
                errors[index] += 1
                if len(samples) < 5:
                    samples.append(f"{type(exc).__name__}: {exc}")
                continue
            elapsed = clock() - start
            turn += 1
            problem = _reply_problem(reply, scenario.status, scenario.location)
            if problem is None:
                mine.append(elapsed)
            else:
                errors[index] += 1
                if len(samples) < 5:
                    samples.append(problem)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    cpu0 = time.process_time()
    wall0 = time.perf_counter()
    deadline[0] = wall0 + seconds
    gate.wait()
    for thread in threads:
        thread.join(seconds + REQUEST_TIMEOUT_S + 5)
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    merged = sorted(x for per in latencies for x in per)
    return RunResult(
        label=scenario.label,
        seconds=round(wall, 3),
        ok=len(merged),
        errors=sum(errors),
        rps=len(merged) / wall,
        p50_ms=_percentile(merged, 50) * 1000,
        p99_ms=_percentile(merged, 99) * 1000,
        max_ms=(merged[-1] if merged else float("nan")) * 1000,
        generator_cpu=cpu / wall,
        server_cpu=float("nan"),
        error_samples=samples,
    )


def _percentile(ordered: list[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted list."""
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def measured(server: Server, scenario: Scenario, seconds: float) -> RunResult:
    cpu0 = server.cpu_seconds()
    result = run_load(scenario, seconds)
    result.server_cpu = (server.cpu_seconds() - cpu0) / result.seconds
    return result


# ----------------------------------------------------------------------------- report


def machine_info() -> dict[str, object]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    except OSError:
        nproc = str(len(os.sched_getaffinity(0)))
    return {
        "nproc": nproc,
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_at_start": os.getloadavg(),
    }


def summarise(pairs: list[tuple[RunResult, RunResult]], target: Target) -> dict[str, object]:
    """Median of the per-round ratios (subject / adjacent hello) and of the per-round p99s."""
    ratios = [s.rps / h.rps if h.rps else 0.0 for s, h in pairs]
    errors = sum(s.errors for s, _ in pairs)
    hello_errors = sum(h.errors for _, h in pairs)
    ratio = statistics.median(ratios)
    p99 = statistics.median(s.p99_ms for s, _ in pairs)
    ok = ratio >= target.min_ratio and p99 <= target.max_p99_ms and errors == 0
    return {
        "scenario": target.name,
        "subject_rps": statistics.median(s.rps for s, _ in pairs),
        "hello_rps": statistics.median(h.rps for _, h in pairs),
        "ratios": ratios,
        "ratio": ratio,
        "p50_ms": statistics.median(s.p50_ms for s, _ in pairs),
        "p99_ms": p99,
        "hello_p99_ms": statistics.median(h.p99_ms for _, h in pairs),
        # Server CPU per request: a cross-check that other load on the machine disturbs less.
        "server_cpu_ms_per_request": statistics.median(_cpu_ms(s) for s, _ in pairs),
        "hello_server_cpu_ms_per_request": statistics.median(_cpu_ms(h) for _, h in pairs),
        "errors": errors,
        "hello_errors": hello_errors,
        "target": f">= {target.min_ratio:.0%} hello, p99 <= {target.max_p99_ms:.0f} ms, 0 err",
        "verdict": "PASS" if ok and hello_errors == 0 else "FAIL",
    }


def _cpu_ms(result: RunResult) -> float:
    return result.server_cpu / result.rps * 1000 if result.rps else float("nan")


def print_table(summaries: list[dict[str, object]], clients: int, rounds: int) -> None:
    header = (
        f"{'scenario':<20} {'req/s subj / hello':>19} {'ratio':>6} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'errors':>6}  {'target':<32} verdict"
    )
    print(f"\nWeb survey vs bare Flask hello: {clients} clients, median of {rounds} rounds")
    print(header)
    print("-" * len(header))
    for s in summaries:
        rates = f"{s['subject_rps']:.0f} / {s['hello_rps']:.0f}"
        print(
            f"{s['scenario']:<20} {rates:>19} {s['ratio']:>6.0%} {s['p50_ms']:>7.1f} "
            f"{s['p99_ms']:>7.1f} {s['errors']:>6}  {s['target']:<32} {s['verdict']}"
        )
    print("server CPU per request (median; less sensitive to other load on the machine):")
    for s in summaries:
        print(
            f"  {s['scenario']:<20} {s['server_cpu_ms_per_request']:.2f} ms"
            f"  vs hello {s['hello_server_cpu_ms_per_request']:.2f} ms"
        )


def print_run(round_no: int, result: RunResult) -> None:
    print(
        f"  round {round_no} {result.label:<5} {result.rps:8.1f} req/s  p50 {result.p50_ms:6.1f} ms"
        f"  p99 {result.p99_ms:6.1f} ms  max {result.max_ms:6.1f} ms  ok {result.ok:6d}"
        f"  err {result.errors:3d}"
        f"  cpu gen {result.generator_cpu:4.2f} srv {result.server_cpu:4.2f}",
        flush=True,
    )
    for sample in result.error_samples:
        print(f"      error: {sample}")


# ----------------------------------------------------------------------------- cli


def _stop_on_sigterm() -> None:
    """Turn SIGTERM into KeyboardInterrupt, so `finally` stops the servers as it does on Ctrl-C."""

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupt)


def write_results(
    benchmark: str,
    started: datetime,
    machine: dict[str, object],
    config: dict[str, object],
    runs: list[dict[str, object]],
    summaries: list[dict[str, object]],
    passed: bool,
) -> None:
    """Write bench/results/<benchmark>-<timestamp>.json and say where."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    out = RESULTS_DIR / f"{benchmark}-{started:%Y%m%dT%H%M%S}.json"
    report = {
        "benchmark": benchmark,
        "started": started.isoformat(timespec="seconds"),
        "machine": machine,
        "config": config,
        "runs": runs,
        "summary": summaries,
        "passed": passed,
    }
    out.write_text(json.dumps(report, indent=2, default=str) + "\n")
    print(f"results: {out.relative_to(ROOT)}")


def run_cli(main: Callable[[], int]) -> NoReturn:
    """Exit with main()'s code; on Ctrl-C or SIGTERM (servers already stopped) exit 130."""
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: servers stopped", file=sys.stderr)
        sys.exit(130)
