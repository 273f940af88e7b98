"""`flask sms send-due|worker`: work the SMS outbox once, or keep working it."""

from __future__ import annotations

import signal
import threading
from types import FrameType

import click
from flask.cli import AppGroup

from app.extensions import db
from app.services.outbox_worker import OutboxWorker, WorkSummary
from app.sms.runtime import current_transport, outbox_settings, sms_context

sms_cli = AppGroup("sms", help="Send queued text messages.")


def _worker() -> OutboxWorker:
    ctx = sms_context()
    return OutboxWorker(db.session(), current_transport(), ctx.cipher, outbox_settings())


def _describe(summary: WorkSummary) -> str:
    line = (
        f"sent {summary.sent}, retrying {summary.retried}, failed {summary.failed}, "
        f"cancelled {summary.cancelled}, reconciled {summary.reconciled}"
    )
    if summary.quiet_until is not None:
        line += f"; quiet hours until {summary.quiet_until:%Y-%m-%d %H:%M} UTC"
    return line


@sms_cli.command("send-due")
def send_due_command() -> None:
    """Send every message due now at the configured rate, then stop."""
    summary = _worker().run_once()
    click.echo(f"Outbox: {_describe(summary)}")


@sms_cli.command("worker")
@click.option("--poll", "poll_seconds", type=float, default=None, help="Seconds between polls.")
def worker_command(poll_seconds: float | None) -> None:
    """Keep sending until stopped (Ctrl-C or SIGTERM finish the message in hand first)."""
    from flask import current_app

    stopping = threading.Event()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    poll = poll_seconds or float(current_app.config["SMS_WORKER_POLL_SECONDS"])
    click.echo(f"Outbox worker started (polling every {poll:g}s); Ctrl-C to stop")
    summary = _worker().run_forever(stop=stopping.is_set, poll_seconds=poll)
    click.echo(f"Outbox worker stopped: {_describe(summary)}")
