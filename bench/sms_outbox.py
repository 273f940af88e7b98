"""How closely the SMS outbox keeps its rate, sending via the real twilio client to a fake API.

``--cpu`` instead measures what a message costs the worker (claim, checks, Twilio call, record)
in CPU against the bare Twilio call through the same client, interleaved in the same run.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from flask_migrate import upgrade

from app import create_app
from app.extensions import db
from app.models import Area, Invitation, SmsOutbox, SmsPacing
from app.services.contacts import new_contact
from app.services.outbox import queue_message
from app.services.outbox_schedule import OutboxSettings
from app.services.outbox_worker import OutboxWorker
from app.services.secrets_for_links import hash_link_token, new_link_token
from app.sms.runtime import current_cipher, current_transport
from bench.load_harness import RESULTS_DIR, ROOT, machine_info
from tests.fake_twilio.server import FakeTwilioServer
from tests.fake_twilio.support import sms_settings

TOLERANCE = 0.05  # PERFORMANCE.md: within ±5% of the configured messages per second
CAPACITY_PROBE_ABOVE = 20.0


def queue(app, count: int) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        session = db.session()
        session.query(SmsOutbox).delete()
        session.query(SmsPacing).delete()
        area = session.query(Area).first()
        if area is None:
            area = Area(slug="bench-area", name="Bench area")
            session.add(area)
            session.flush()
        cipher = current_cipher()
        for n in range(count):
            invitation = Invitation(
                token_hash=hash_link_token(new_link_token()),
                area_id=area.id,
                questionnaire_id="voices-core",
            )
            contact = new_contact(cipher, invitation, phone=f"+4479{n:09d}"[:13])
            session.add_all([invitation, contact])
            session.flush()
            queue_message(session, cipher, contact=contact, kind="invitation", body=f"Bench {n}")
        session.commit()


def work(app, rate: float, workers: int) -> None:  # type: ignore[no-untyped-def]
    def one() -> None:
        with app.app_context():
            settings = OutboxSettings.from_config({**app.config, "SMS_RATE_PER_SECOND": rate})
            OutboxWorker(db.session(), current_transport(), current_cipher(), settings).run_once()
            db.session.remove()

    threads = [threading.Thread(target=one) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def measure(app, server: FakeTwilioServer, rate: float, seconds: float, workers: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    count = int(rate * seconds) + 1
    server.fake.reset()
    queue(app, count)
    work(app, rate, workers)
    arrivals = sorted(message.received_monotonic for message in server.fake.messages)
    sent = len(arrivals)
    achieved = (sent - 1) / (arrivals[-1] - arrivals[0]) if sent > 1 else 0.0
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:], strict=False)]
    error = achieved / rate - 1.0
    result: dict[str, object] = {
        "configured_per_s": rate,
        "workers": workers,
        "messages": count,
        "sent": sent,
        "achieved_per_s": round(achieved, 3),
        "error": round(error, 4),
        "median_gap_ms": round(statistics.median(gaps) * 1000, 2) if gaps else None,
        "verdict": "PASS" if sent == count and abs(error) <= TOLERANCE else "FAIL",
    }
    if rate > CAPACITY_PROBE_ABOVE:
        result["verdict"] = "INFO (capacity)"
    return result


UNPACED_RATE = 100_000.0  # far above what one worker reaches: the worker never waits to send


def cpu_round(app, count: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """CPU milliseconds per message: the bare transport send, then the worker, in one process.

    Both include the in-process fake Twilio API answering, so the ratio is our share on top.
    """
    with app.app_context():
        transport = current_transport()
        started = time.process_time()
        for n in range(count):
            transport.send(f"+4479{n:09d}"[:13], f"Reference {n}", None)
        reference = (time.process_time() - started) / count * 1000
    queue(app, count)
    with app.app_context():
        settings = OutboxSettings.from_config({**app.config, "SMS_RATE_PER_SECOND": UNPACED_RATE})
        worker = OutboxWorker(db.session(), current_transport(), current_cipher(), settings)
        started = time.process_time()
        summary = worker.run_once()
        subject = (time.process_time() - started) / count * 1000
        db.session.remove()
    if summary.sent != count:
        raise RuntimeError(f"the worker sent {summary.sent} of {count}")
    return {"reference_cpu_ms": reference, "worker_cpu_ms": subject, "ratio": subject / reference}


def measure_cpu(app, server: FakeTwilioServer, count: int, rounds: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    results = []
    for _ in range(rounds):
        server.fake.reset()
        results.append(cpu_round(app, count))
    return {
        "messages_per_round": count,
        "rounds": [{key: round(value, 3) for key, value in one.items()} for one in results],
        "median_ratio": round(statistics.median(one["ratio"] for one in results), 3),
        "median_worker_cpu_ms": round(
            statistics.median(one["worker_cpu_ms"] for one in results), 3
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sms_outbox", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="3 s per rate")
    parser.add_argument("--seconds", type=float, default=None)
    parser.add_argument("--no-json", action="store_true")
    parser.add_argument("--burst", type=int, default=1, help="SMS_RATE_BURST (default 1)")
    parser.add_argument(
        "--cpu", type=int, metavar="N", help="CPU per message over N unpaced messages, 3 rounds"
    )
    args = parser.parse_args(argv)
    seconds = args.seconds or (3.0 if args.quick else 10.0)
    logging.disable(logging.WARNING)
    started = datetime.now()
    machine = machine_info()
    # Rates a UK long code (1/s) or a Messaging Service (tens a second) is configured for; the
    # last case only reports capacity (threads in one process share one interpreter lock).
    cases = [(1.0, 1), (5.0, 1), (10.0, 1), (20.0, 1), (20.0, 3), (50.0, 3)]
    results = []
    cpu: dict[str, Any] | None = None
    with tempfile.TemporaryDirectory(prefix="bench-outbox-") as tmp, FakeTwilioServer() as server:
        overrides = sms_settings(server, SMS_RATE_BURST=args.burst)
        app = create_app(
            "testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'o.db'}", **overrides}
        )
        with app.app_context():
            upgrade(directory=str(ROOT / "migrations"))
        if args.cpu:
            cpu = measure_cpu(app, server, args.cpu, rounds=3)
            print(f"sms_outbox --cpu: {args.cpu} messages a round, unpaced, one worker")
            for one in cpu["rounds"]:
                print(
                    f"  bare send {one['reference_cpu_ms']:.3f} ms  worker "
                    f"{one['worker_cpu_ms']:.3f} ms  ratio {one['ratio']:.2f}"
                )
            print(f"  median ratio {cpu['median_ratio']:.2f} (CPU per message, worker / bare send)")
            cases = []
        else:
            print(f"sms_outbox: {seconds:g} s per case, tolerance ±{TOLERANCE:.0%}")
        for rate, workers in cases:
            result = measure(app, server, rate, seconds if rate > 1 else max(seconds, 10), workers)
            results.append(result)
            print(
                f"  {rate:5.1f}/s x{workers} worker(s): sent {result['sent']}/{result['messages']}"
                f"  achieved {result['achieved_per_s']:7.3f}/s  error {result['error']:+.2%}"
                f"  median gap {result['median_gap_ms']} ms  {result['verdict']}"
            )
        with app.app_context():
            db.engine.dispose()
    passed = all(result["verdict"] != "FAIL" for result in results)
    if not args.no_json:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        out = RESULTS_DIR / f"sms_outbox-{started:%Y%m%dT%H%M%S}.json"
        report = {"benchmark": "sms_outbox", "started": started.isoformat(timespec="seconds"),
                  "machine": machine, "results": results, "passed": passed}  # fmt: skip
        if cpu is not None:
            report["cpu_per_message"] = cpu
        out.write_text(json.dumps(report, indent=2, default=str) + "\n")
        print(f"results: {out.relative_to(ROOT)}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
