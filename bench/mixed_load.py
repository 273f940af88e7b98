"""Mixed load (70% pages, 25% saves, 5% SMS) at 5x the modelled peak, overload, ledger, memory."""

from __future__ import annotations

import argparse
import base64
import csv
import json
import os
import queue
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from bench.load_harness import (
    CLI_TIMEOUT_S,
    GUNICORN_ARGS,
    HOST,
    REQUEST_TIMEOUT_S,
    ROOT,
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
from bench.load_mix import (
    LedgerDiff,
    after_warmup,
    compare_ledger,
    due_offsets,
    memory_trend,
    percentile,
    percentile_by_window,
    weighted_sequence,
)
from bench.sms_webhook import PUBLIC_BASE_URL, raw_inbound
from bench.web_survey import Browser

# The model (PERFORMANCE.md): a census of ~470,000 invitations a year gives a national peak of
# ~90 requests/s at a 10x burst. The load runs at 5x that peak; docs/performance.md shows the sum.
MODELLED_PEAK_RPS = 90.0
PEAK_MULTIPLE = 5.0
MIX = {"page": 70, "save": 25, "sms": 5}
OVERLOAD_CLIENTS = 64
# "Bounded" tail for the overload run, from PERFORMANCE.md's targets: overload at 64 clients has
# p99 <= 500 ms (web) and the SMS webhook p99 <= 1 s at 64 clients; and nothing may time out.
OVERLOAD_P99_MS = {"page": 500.0, "save": 500.0, "sms": 1000.0}
WORKER_RSS_LIMIT_MIB = 120.0
# Caches (templates, rendered components, the questionnaire) fill in the first minute or two:
# a trend is only judged over a run long enough for the steady part to dominate.
TREND_MIN_SPAN_S = 300.0

AREA_NAME = "Mixed load area"
# Pages a carer can re-answer at any time without changing their route: (page, item, values).
# Values alternate, so every save changes a stored answer in a full save transaction.
CYCLED_PAGES = (
    ("about-age", "about.age_band", ("75_84", "85_plus")),
    ("about-sex", "about.sex", ("female", "male")),
    ("about-ethnicity", "about.ethnicity", ("white", "asian")),
    ("about-religion", "about.religion", ("none", "christian")),
)
# The walk each web carer takes before the load (answers included in the ledger).
JOURNEY = (
    ("about-relationship", "about.relationship", "child"),
    ("about-age", "about.age_band", "75_84"),
    ("about-sex", "about.sex", "female"),
    ("about-illness", "about.cause_group", "cancer"),
    ("about-place-of-death", "about.place_of_death", "hospital"),
    ("about-ethnicity", "about.ethnicity", "white"),
    ("about-religion", "about.religion", "none"),
)
# Each SMS carer, after YES: answer the first question, go BACK, answer it differently, BACK...
SMS_CYCLE = ("1", "BACK", "2", "BACK")
SMS_FIRST_ITEM = "overall.rating"


# ----------------------------------------------------------------------------- set-up


def decode_session_cookie(cookie: str) -> dict[str, Any]:
    """The (signed, not encrypted) Flask session payload, read without checking the signature."""
    compressed = cookie.startswith(".")
    payload = cookie.lstrip(".").split(".", 1)[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    data = json.loads(zlib.decompress(raw) if compressed else raw)
    if not isinstance(data, dict):
        raise ValueError("session cookie is not a JSON object")
    return data


def phone(run_tag: int, n: int) -> str:
    # A valid UK mobile range; the tag keeps numbers apart between runs on one PostgreSQL.
    return f"+4479111{run_tag * 1000 + n:05d}"


def database_url(tmp: Path) -> str:
    """SQLite in the temporary folder, unless DATABASE_URL names a PostgreSQL database."""
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgresql", "postgres")):
        return given
    return f"sqlite:///{tmp / 'mixed.db'}"


def prepare(tmp: Path, slug: str, phones: list[str]) -> dict[str, str]:
    """Migrate, add the area and invite the SMS carers, all through the app's own CLI."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(tmp),
        SECRET_KEY=secrets.token_hex(32),
        CARER_VOICES_ENV="production",
        CONTACT_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        SMS_BACKEND="twilio",
        TWILIO_ACCOUNT_SID="AC" + secrets.token_hex(16),
        TWILIO_AUTH_TOKEN=secrets.token_hex(16),
        TWILIO_FROM_NUMBER="+447400123456",
        PUBLIC_BASE_URL=PUBLIC_BASE_URL,
        # Production needs the organisation's statements; the demo organisation's will do here.
        NOTICES_FILE=str(Path(__file__).resolve().parents[1] / "app/data/notices.demo.yaml"),
    )
    env.pop("FLASK_DEBUG", None)
    listing = tmp / "invitations.csv"
    with listing.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["phone", "area", "community_group", "language"])
        for number in phones:
            writer.writerow([number, slug, "", "en"])
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for args in (
        ["db", "upgrade"],
        ["areas", "add", slug, AREA_NAME],
        ["invitations", "import", str(listing)],
    ):
        done = subprocess.run(
            flask + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT_S
        )
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return env


# ----------------------------------------------------------------------------- carers and ledger


@dataclass
class Ledger:
    """Everything the server acknowledged, as the clients saw it."""

    web: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (response, item)
    sms_answers: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (phone, item)
    sms_sids: dict[str, str] = field(default_factory=dict)  # MessageSid -> phone
    saves_acknowledged: int = 0
    sms_answers_acknowledged: int = 0
    uncertain: set[tuple[str, str]] = field(default_factory=set)  # a request failed: unknown
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class WebCarer:
    browser: Browser
    response_id: str
    next_after: dict[str, str]  # page -> where a good save redirects
    turn: int = 0


@dataclass
class SmsCarer:
    number: str
    turn: int = 0


def walk_in(port: int, slug: str, ledger: Ledger) -> WebCarer:
    """One carer: open link, start, consent, no name, then the journey's pages, each saved."""
    b = Browser(port)
    b.expect("GET", f"/a/{slug}", 200)
    b.expect("POST", f"/a/{slug}/start", 302, {"group": ""}, "/survey/consent")
    b.expect("GET", "/survey/consent", 200)
    b.expect("POST", "/survey/consent", 302, {"consent": "yes"}, "/survey/person")
    b.expect("GET", "/survey/person", 200)
    b.expect("POST", "/survey/person", 302, {"person_name": ""}, "/survey/q/about-relationship")
    response_id = str(decode_session_cookie(b.cookie)["response_id"])
    next_after: dict[str, str] = {}
    for page_id, item, value in JOURNEY:
        page = b.expect("GET", f"/survey/q/{page_id}", 200)
        if f'name="{item}"' not in page:
            raise RuntimeError(f"journey: /survey/q/{page_id} does not show {item}")
        form = {"csrf_token": b.csrf, "page_id": page_id, item: value}
        status, where, _ = b.request("POST", f"/survey/q/{page_id}", form)
        if status != 302:
            raise RuntimeError(f"journey: POST /survey/q/{page_id} gave {status}")
        next_after[page_id] = where.split("://", 1)[-1].split("/", 1)[-1]
        ledger.web[(response_id, item)] = value
    return WebCarer(b, response_id, next_after)


def text_in(port: int, token: str, carer: SmsCarer, body: str) -> tuple[str, bytes]:
    """One signed inbound text: the MessageSid and the raw request."""
    payload = raw_inbound(port, token, carer.number, body, forged=False)
    sid = payload.split(b"MessageSid=", 1)[1].split(b"&", 1)[0].decode("ascii")
    return sid, payload


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


# ----------------------------------------------------------------------------- memory


class MemorySampler:
    """Every `interval` s, each gunicorn worker's RSS from /proc, with the requests done so far."""

    def __init__(self, master_pid: int, interval: float) -> None:
        self.master_pid = master_pid
        self.interval = interval
        self.samples: list[dict[str, float]] = []  # t, pid, rss_mib, requests
        self.requests_done = 0
        self.pandas_seen: set[int] = set()
        self._stop = threading.Event()
        self._start = time.perf_counter()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(self.interval + 5)

    def _workers(self) -> list[int]:
        path = Path(f"/proc/{self.master_pid}/task/{self.master_pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def _run(self) -> None:
        while not self._stop.is_set():
            now = time.perf_counter() - self._start
            for pid in self._workers():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                rss_kib = next(
                    (
                        int(line.split()[1])
                        for line in status.splitlines()
                        if line.startswith("VmRSS:")
                    ),
                    0,
                )
                self.samples.append(
                    {
                        "t": now,
                        "pid": pid,
                        "rss_mib": rss_kib / 1024,
                        "requests": self.requests_done,
                    }
                )
                if pid not in self.pandas_seen and _imports_pandas(pid):
                    self.pandas_seen.add(pid)
            self._stop.wait(self.interval)

    def report(self) -> dict[str, Any]:
        per_worker: dict[str, Any] = {}
        for pid in sorted({int(s["pid"]) for s in self.samples}):
            points = [(s["t"], s["rss_mib"]) for s in self.samples if int(s["pid"]) == pid]
            whole = memory_trend(points)
            steady = memory_trend(after_warmup(points))
            per_worker[str(pid)] = {
                "samples": len(points),
                "span_s": points[-1][0] - points[0][0],
                "first_mib": points[0][1],
                "last_mib": points[-1][1],
                "max_mib": max(p[1] for p in points),
                "slope_mib_per_min_whole": whole.slope_mib_per_min,
                "slope_mib_per_min_steady": steady.slope_mib_per_min,
                "fitted_growth_mib_steady": steady.fitted_growth_mib,
                "residual_sd_mib_steady": steady.residual_sd_mib,
                "growing": steady.growing,
            }
        return {
            "interval_s": self.interval,
            "workers": per_worker,
            "requests_at_end": self.requests_done,
            "pandas_imported_by": sorted(self.pandas_seen),
            "samples": self.samples,
        }


def _imports_pandas(pid: int) -> bool:
    try:
        return "/pandas/" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


# ----------------------------------------------------------------------------- database check


def stored_answers(
    url: str, slug: str
) -> tuple[dict[tuple[str, str], str | None], dict[tuple[int, str], str | None], dict[str, int]]:
    """Web answers by (response, item); SMS answers by (conversation, item); SID -> conversation."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            web_rows = connection.execute(
                text(
                    "SELECT r.response_id, a.item_id, a.value FROM answers a "
                    "JOIN responses r ON r.id = a.response_id JOIN areas ar ON ar.id = r.area_id "
                    "WHERE ar.slug = :slug AND r.channel = 'web'"
                ),
                {"slug": slug},
            ).all()
            sms_rows = connection.execute(
                text(
                    "SELECT c.id, a.item_id, a.value FROM answers a "
                    "JOIN sms_conversations c ON c.response_id = a.response_id "
                    "JOIN invitations i ON i.id = c.invitation_id "
                    "JOIN areas ar ON ar.id = i.area_id "
                    "WHERE ar.slug = :slug"
                ),
                {"slug": slug},
            ).all()
            sid_rows = connection.execute(
                text(
                    "SELECT s.message_sid, c.id FROM sms_inbound s "
                    "JOIN sms_conversations c ON c.id = s.conversation_id "
                    "JOIN invitations i ON i.id = c.invitation_id "
                    "JOIN areas ar ON ar.id = i.area_id "
                    "WHERE ar.slug = :slug"
                ),
                {"slug": slug},
            ).all()
    finally:
        engine.dispose()
    web = {(str(r[0]), str(r[1])): r[2] for r in web_rows}
    sms = {(int(r[0]), str(r[1])): r[2] for r in sms_rows}
    sids = {str(r[0]): int(r[1]) for r in sid_rows}
    return web, sms, sids


def check_ledger(url: str, slug: str, ledger: Ledger) -> dict[str, Any]:
    web_stored, sms_stored, sids_stored = stored_answers(url, slug)
    web_expected = {k: v for k, v in ledger.web.items() if k not in ledger.uncertain}
    web_stored_cmp = {k: v for k, v in web_stored.items() if k not in ledger.uncertain}
    web_diff = compare_ledger(web_expected, web_stored_cmp)
    # Every acknowledged MessageSid is stored, and stored for the conversation of its sender.
    conversation_of: dict[str, int] = {}
    for sid, number in ledger.sms_sids.items():
        if sid in sids_stored:
            conversation_of.setdefault(number, sids_stored[sid])
    sid_expected = {
        sid: str(conversation_of.get(number)) for sid, number in ledger.sms_sids.items()
    }
    sid_stored = {sid: str(conv) for sid, conv in sids_stored.items()}
    sid_diff = compare_ledger(sid_expected, sid_stored)
    phone_of = {conv: number for number, conv in conversation_of.items()}
    sms_stored_by_phone = {
        (phone_of.get(conv, f"conversation {conv}"), item): value
        for (conv, item), value in sms_stored.items()
    }
    sms_expected = {k: v for k, v in ledger.sms_answers.items() if k not in ledger.uncertain}
    sms_stored_cmp = {k: v for k, v in sms_stored_by_phone.items() if k not in ledger.uncertain}
    sms_diff = compare_ledger(sms_expected, sms_stored_cmp)

    def described(diff: LedgerDiff[Any]) -> dict[str, Any]:
        return {
            "compared": diff.compared,
            "missing": len(diff.missing),
            "wrong": len(diff.wrong),
            "extra": len(diff.extra),
            "examples": [str(k) for k in (diff.missing + diff.wrong + diff.extra)[:5]],
            "exact": diff.exact,
        }

    return {
        "web_saves_acknowledged": ledger.saves_acknowledged,
        "sms_answers_acknowledged": ledger.sms_answers_acknowledged,
        "sms_texts_acknowledged": len(ledger.sms_sids),
        "uncertain_keys": len(ledger.uncertain),
        "web_answers": described(web_diff),
        "sms_inbound_rows": described(sid_diff),
        "sms_answers": described(sms_diff),
        "exact": web_diff.exact and sid_diff.exact and sms_diff.exact,
    }


# ----------------------------------------------------------------------------- report


def print_run_summary(summary: dict[str, Any], reference: dict[str, Any] | None) -> None:
    print(
        f"\n{summary['label']} ({summary['mode']} loop, {summary['seconds']:.0f} s): "
        f"{summary['rps']:.1f} req/s, sent {summary['sent']}"
        + (f" of {summary['planned']} planned" if summary["mode"] == "open" else "")
        + f", errors {summary['errors']}, p50 {summary['p50_ms']:.1f} ms,"
        f" p99 {summary['p99_ms']:.1f} ms,"
        f" max {summary['max_ms']:.1f} ms"
    )
    windows = ", ".join(f"{x:.0f}" for x in summary["p99_by_window_ms"])
    print(f"  p99 in each {summary['window_s']:.0f} s window (ms): {windows}")
    if summary.get("server_cpu_ms_per_request") is not None:
        print(
            f"  server CPU: {summary['server_cpu_share']:.2f} of a core, "
            f"{summary['server_cpu_ms_per_request']:.2f} ms per request"
        )
    if reference is not None:
        print(
            f"  reference {reference['label']}: {reference['rps']:.1f} req/s, p50 "
            f"{reference['p50_ms']:.1f} ms, p99 {reference['p99_ms']:.1f} ms,"
            f" errors {reference['errors']}"
            f"  -> ratios: req/s {ratio(summary['rps'], reference['rps'])}, p99 "
            f"{ratio(summary['p99_ms'], reference['p99_ms'])}"
        )
    if summary["label"].startswith("hello"):
        return  # every hello request is the same GET: a split by the mix's kinds says nothing
    for kind, k in summary["kinds"].items():
        late = f"  late p99 {k['late_p99_ms']:.1f} ms" if k["late_p99_ms"] is not None else ""
        print(
            f"  {kind:<5} sent {k['sent']:7d}  ok {k['ok']:7d}  errors {k['errors']:3d}  "
            f"{k['rps']:7.1f} req/s  p50 {k['p50_ms']:7.1f} ms  p99 {k['p99_ms']:7.1f} ms  "
            f"max {k['max_ms']:7.1f} ms{late}"
        )
        for sample in k["error_samples"]:
            print(f"        error: {sample}")


def loadavg_text(loadavg: tuple[float, float, float]) -> str:
    return " ".join(f"{x:.2f}" for x in loadavg)


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}" if b else "n/a"


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


def sms_option_codes() -> tuple[str, ...]:
    """The stored codes of the first SMS question's options 1, 2, ... (as "1" and "2" mean)."""
    from app.questionnaire import QuestionnaireLibrary

    questionnaire = QuestionnaireLibrary(ROOT / "questionnaires").get("voices-core")
    return tuple(questionnaire.item(SMS_FIRST_ITEM).option_codes)


def judge(
    args: argparse.Namespace,
    runs: dict[str, dict[str, Any]],
    memory: dict[str, Any],
    ledger_check: dict[str, Any],
) -> dict[str, tuple[bool, str]]:
    mixed, overload = runs["mixed"], runs["overload"]
    verdicts: dict[str, tuple[bool, str]] = {}
    achieved = mixed["rps"]
    verdicts["mixed: zero errors"] = (
        mixed["errors"] == 0,
        f"{mixed['errors']} errors in {mixed['sent']}",
    )
    verdicts["mixed: rate held"] = (
        mixed["not_sent"] == 0 and achieved >= 0.95 * args.rate,
        f"{achieved:.1f} of {args.rate:g} req/s, {mixed['not_sent']} not sent",
    )
    verdicts["every acknowledged answer stored (exact)"] = (
        bool(ledger_check["exact"]),
        f"web {ledger_check['web_answers']['compared']} keys, SMS texts "
        f"{ledger_check['sms_inbound_rows']['compared']}, SMS answers "
        f"{ledger_check['sms_answers']['compared']}; uncertain {ledger_check['uncertain_keys']}",
    )
    over_ok = overload["errors"] == 0
    details = []
    for kind, k in overload["kinds"].items():
        limit = OVERLOAD_P99_MS[kind]
        over_ok = over_ok and k["p99_ms"] <= limit
        details.append(f"{kind} p99 {k['p99_ms']:.0f}/{limit:.0f} ms max {k['max_ms']:.0f} ms")
    verdicts["overload: no errors, bounded tail"] = (
        over_ok,
        f"{overload['errors']} errors; " + ", ".join(details),
    )
    workers = memory.get("workers", {})
    growing = [pid for pid, w in workers.items() if w["growing"]]
    biggest = max((w["max_mib"] for w in workers.values()), default=float("nan"))
    span = min((w["span_s"] for w in workers.values()), default=0.0)
    if span >= TREND_MIN_SPAN_S:
        verdicts["worker memory: no growth trend"] = (
            bool(workers) and not growing,
            f"{len(workers)} workers, growing: {growing or 'none'}",
        )
    else:
        print(
            f"worker memory trend not judged: {span:.0f} s of samples, under "
            f"{TREND_MIN_SPAN_S:.0f} s (caches are still filling); the fit is shown for information"
        )
    verdicts[f"worker memory <= {WORKER_RSS_LIMIT_MIB:.0f} MiB"] = (
        biggest <= WORKER_RSS_LIMIT_MIB,
        f"largest {biggest:.1f} MiB after {memory.get('requests_at_end', 0)} requests",
    )
    verdicts["web workers do not import pandas"] = (
        not memory.get("pandas_imported_by"),
        f"pandas in {memory.get('pandas_imported_by') or 'no worker'}",
    )
    return verdicts


def print_memory(memory: dict[str, Any]) -> None:
    print(
        f"\nworker memory (RSS every {memory.get('interval_s')} s; trend fitted after 20% warm-up):"
    )
    for pid, w in memory.get("workers", {}).items():
        print(
            f"  pid {pid}: {w['samples']} samples, {w['first_mib']:.1f} -> {w['last_mib']:.1f} MiB "
            f"(max {w['max_mib']:.1f}); slope {w['slope_mib_per_min_steady']:+.3f} MiB/min, fitted "
            f"growth {w['fitted_growth_mib_steady']:+.2f} MiB vs noise sd "
            f"{w['residual_sd_mib_steady']:.2f} MiB -> {'GROWING' if w['growing'] else 'flat'}"
        )


def print_ledger(check: dict[str, Any]) -> None:
    print(
        f"\nledger: {check['web_saves_acknowledged']} web saves and "
        f"{check['sms_answers_acknowledged']} SMS answers acknowledged "
        f"({check['sms_texts_acknowledged']} texts)"
    )
    for name in ("web_answers", "sms_inbound_rows", "sms_answers"):
        d = check[name]
        print(
            f"  {name:<17} compared {d['compared']:6d}  missing {d['missing']}  wrong {d['wrong']}"
            f"  extra {d['extra']}  {'exact' if d['exact'] else 'DIFFERENT ' + str(d['examples'])}"
        )


if __name__ == "__main__":
    run_cli(main)
