"""The outbox worker: paced, quiet at night, retrying with backoff, and never sending twice."""

from __future__ import annotations

import enum
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Contact, OutboxStatus, Response, SmsOutbox, SmsPacing
from app.models.clock import utc_now
from app.services.contacts import is_opted_out, record_opt_out
from app.services.encryption import ContactCipher
from app.services.outbox import OPTED_OUT_ERROR, advance_status, contact_for_message
from app.services.outbox_schedule import OutboxSettings, quiet_until
from app.services.sms_upserts import insert_or_ignore
from app.services.transactions import begin_write
from app.sms.transport import (
    AmbiguousSendError,
    PermanentSendError,
    SendError,
    SmsTransport,
    TransientSendError,
)

log = logging.getLogger(__name__)

PACING_ROW = 1


class _Skipped(enum.Enum):
    """A claimed row was cancelled instead of sent: look for the next one."""

    ROW = "row"


_CANCELLED = _Skipped.ROW


@dataclass(frozen=True)
class Claim:
    outbox_id: int
    to: str
    body: str
    claimed_at: datetime


@dataclass
class WorkSummary:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    reconciled: int = 0
    quiet_until: datetime | None = None
    errors: dict[str, int] = field(default_factory=dict)


class OutboxWorker:
    """Works the outbox; any number of these may run at once (rows are claimed under locks)."""

    def __init__(
        self,
        session: Session,
        transport: SmsTransport,
        cipher: ContactCipher,
        settings: OutboxSettings,
        *,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.session = session
        self.transport = transport
        self.cipher = cipher
        self.settings = settings
        self.clock = clock
        self.sleep = sleep

    # ------------------------------------------------------------------ the loop

    def run_once(self, *, stop: Callable[[], bool] = lambda: False) -> WorkSummary:
        """Send every message due now at the configured rate, then return."""
        summary = WorkSummary()
        self.reconcile(summary)
        while not stop():
            quiet = quiet_until(self.clock(), self.settings)
            if quiet is not None:
                summary.quiet_until = quiet
                break
            outcome = self._claim_next(summary)
            if outcome is None:
                break
            if isinstance(outcome, datetime):
                self.sleep(max((outcome - self.clock()).total_seconds(), 0.0))
                continue
            self._send(outcome, summary)
        return summary

    def run_forever(self, *, stop: Callable[[], bool], poll_seconds: float) -> WorkSummary:
        """Keep working the outbox until ``stop()``; sleeps between polls and through the night."""
        total = WorkSummary()
        while not stop():
            summary = self.run_once(stop=stop)
            for name in ("sent", "retried", "failed", "cancelled", "reconciled"):
                setattr(total, name, getattr(total, name) + getattr(summary, name))
            wait = poll_seconds
            if summary.quiet_until is not None:
                wait = min(max((summary.quiet_until - self.clock()).total_seconds(), 0.0), 60.0)
            self._sleep_unless_stopped(wait, stop)
        return total

    def _sleep_unless_stopped(self, seconds: float, stop: Callable[[], bool]) -> None:
        deadline = time.monotonic() + seconds
        while not stop() and time.monotonic() < deadline:
            self.sleep(min(0.2, max(deadline - time.monotonic(), 0.0)))

    # ------------------------------------------------------------------ claiming

    def _pacing_row(self, now: datetime) -> SmsPacing:
        row = self.session.scalar(
            select(SmsPacing).where(SmsPacing.id == PACING_ROW).with_for_update()
        )
        if row is None:
            insert_or_ignore(
                self.session, SmsPacing, {"id": PACING_ROW, "next_send_at": now}, ["id"]
            )
            row = self.session.scalar(
                select(SmsPacing).where(SmsPacing.id == PACING_ROW).with_for_update()
            )
        assert row is not None
        return row

    def _claim_next(self, summary: WorkSummary) -> Claim | datetime | None:
        """The next due message, marked "sending" and committed before any Twilio call.

        Returns the time to wait until when the rate allows no message yet, or None when
        nothing is due. The pacing row is a token bucket shared by every worker, kept as one
        timestamp (the generic cell rate algorithm): the time the next message may go.
        """
        while True:
            outcome = self._try_claim(summary)
            if not isinstance(outcome, _Skipped):
                return outcome

    def _try_claim(self, summary: WorkSummary) -> Claim | datetime | None | _Skipped:
        session = self.session
        begin_write(session)
        now = self.clock()
        row = session.scalar(
            select(SmsOutbox)
            .where(SmsOutbox.status == OutboxStatus.QUEUED, SmsOutbox.next_attempt_at <= now)
            .order_by(SmsOutbox.next_attempt_at, SmsOutbox.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        if row is None:
            session.rollback()
            return None
        # Every worker locks a message first, then the shared pacing row: one order, no deadlock.
        pacing = self._pacing_row(now)
        interval = timedelta(seconds=1.0 / self.settings.rate_per_second)
        tolerance = interval * (self.settings.burst - 1)
        arrival = pacing.next_send_at
        if arrival - tolerance > now:
            session.rollback()
            return arrival - tolerance
        # Sends stay on a grid: a claim a little late keeps the schedule (so small delays do
        # not lower the rate), and after a pause of more than one slot the grid restarts from
        # now (so an idle outbox never bursts to catch up).
        if now - arrival >= interval:
            arrival = now
        contact = contact_for_message(session, row)
        reason = self._reason_not_to_send(row, contact)
        if reason is not None:
            row.status = OutboxStatus.CANCELLED
            row.last_error = reason
            row.updated_at = now
            session.commit()
            summary.cancelled += 1
            log.info("outbox %s cancelled: %s", row.id, reason)
            return _CANCELLED
        assert contact is not None and contact.phone_encrypted and row.body_encrypted
        row.status = OutboxStatus.SENDING
        row.claimed_at = now
        row.attempts += 1
        # The lease: if this worker dies mid-send, the row is looked up (never resent blindly)
        # once this time has passed.
        row.next_attempt_at = now + timedelta(seconds=self.settings.stale_seconds)
        row.updated_at = now
        pacing.next_send_at = arrival + interval
        claim = Claim(
            row.id,
            self.cipher.decrypt(contact.phone_encrypted),
            self.cipher.decrypt(row.body_encrypted),
            now,
        )
        session.commit()
        return claim

    def _reason_not_to_send(self, row: SmsOutbox, contact: Contact | None) -> str | None:
        if contact is None or not contact.phone_encrypted or not row.body_encrypted:
            return "contact purged"
        if contact.phone_hash and is_opted_out(self.session, contact.phone_hash):
            return "opted out"
        invitation = contact.invitation
        if invitation is None or invitation.withdrawn_at is not None:
            return "withdrawn"
        if row.kind == "reminder":
            started = self.session.scalar(
                select(Response.id).where(Response.invitation_id == invitation.id)
            )
            if started is not None:
                return "already started"
        return None

    # ------------------------------------------------------------------ sending

    def _callback_url(self, outbox_id: int) -> str | None:
        base = self.settings.status_callback_base
        # The outbox id in the callback URL lets a status callback settle a row whose
        # worker died before it could store the SID (docs/sms.md).
        return f"{base}/sms/status?o={outbox_id}" if base else None

    def _send(self, claim: Claim, summary: WorkSummary) -> None:
        try:
            result = self.transport.send(claim.to, claim.body, self._callback_url(claim.outbox_id))
        except TransientSendError as problem:
            self._retry_later(claim.outbox_id, problem, summary, back_to_queue=True)
        except AmbiguousSendError as problem:
            # Perhaps sent: keep "sending" so the row is looked up before any resend.
            self._retry_later(claim.outbox_id, problem, summary, back_to_queue=False)
        except PermanentSendError as problem:
            self._fail(claim.outbox_id, problem, summary)
        else:
            self._record_sent(claim.outbox_id, result.sid, result.status)
            summary.sent += 1

    def _locked(self, outbox_id: int) -> SmsOutbox:
        row = self.session.scalar(
            select(SmsOutbox).where(SmsOutbox.id == outbox_id).with_for_update()
        )
        assert row is not None
        return row

    def _record_sent(self, outbox_id: int, sid: str, status: str) -> None:
        begin_write(self.session)
        row = self._locked(outbox_id)
        now = self.clock()
        if row.twilio_sid is None:
            row.twilio_sid = sid
        row.sent_at = row.sent_at or now
        row.last_error = None
        if row.status == OutboxStatus.SENDING:
            row.status = OutboxStatus.SENT
        advance_status(row, status, now)
        if self.transport.delivers_immediately and row.attempt_counted_at is None:
            row.attempt_counted_at = now
        self.session.commit()
        log.info("outbox %s sent (%s)", outbox_id, row.kind)

    def _retry_later(
        self, outbox_id: int, problem: SendError, summary: WorkSummary, *, back_to_queue: bool
    ) -> None:
        begin_write(self.session)
        row = self._locked(outbox_id)
        now = self.clock()
        row.last_error = str(problem)[:200]
        row.error_code = problem.code
        row.updated_at = now
        name = type(problem).__name__
        summary.errors[name] = summary.errors.get(name, 0) + 1
        # A status callback may have settled the row meanwhile: then leave it as it is.
        if row.status == OutboxStatus.SENDING:
            if back_to_queue and row.attempts >= self.settings.max_attempts:
                row.status = OutboxStatus.FAILED
                summary.failed += 1
            else:
                if back_to_queue:
                    row.status = OutboxStatus.QUEUED
                row.next_attempt_at = now + self.settings.backoff(row.attempts)
                summary.retried += 1
        self.session.commit()
        log.warning("outbox %s: %s (attempt %s)", outbox_id, name, row.attempts)

    def _fail(self, outbox_id: int, problem: SendError, summary: WorkSummary) -> None:
        begin_write(self.session)
        row = self._locked(outbox_id)
        now = self.clock()
        row.status = OutboxStatus.FAILED
        row.error_code = problem.code
        row.last_error = str(problem)[:200]
        row.updated_at = now
        if problem.code == OPTED_OUT_ERROR:
            contact = contact_for_message(self.session, row)
            if contact is not None and contact.phone_hash:
                record_opt_out(self.session, contact.phone_hash, "twilio", now)
        self.session.commit()
        summary.failed += 1
        log.warning("outbox %s failed: Twilio error %s", outbox_id, problem.code)

    # ------------------------------------------------------------------ reconciling

    def reconcile(self, summary: WorkSummary | None = None) -> int:
        """Settle rows left in "sending" (a worker died, or Twilio's answer was lost).

        Each is looked up in Twilio's message list: found means it was sent (store the SID);
        certainly absent means it may go again; unknown means ask again later.
        """
        summary = summary or WorkSummary()
        settled = 0
        while True:
            claim = self._claim_unsettled()
            if claim is None:
                return settled
            try:
                sid = self.transport.find_sent(claim.to, claim.body, claim.claimed_at)
            except SendError as problem:
                self._retry_later(claim.outbox_id, problem, summary, back_to_queue=False)
                return settled
            settled += 1
            summary.reconciled += 1
            if sid is not None and not self._sid_taken(sid, claim.outbox_id):
                self._record_sent(claim.outbox_id, sid, "sent")
                log.info("outbox %s reconciled: it had been sent", claim.outbox_id)
            else:
                self._requeue_unsent(claim.outbox_id, summary)
                log.info("outbox %s reconciled: it had not been sent", claim.outbox_id)

    def _claim_unsettled(self) -> Claim | None:
        while True:
            outcome = self._try_claim_unsettled()
            if not isinstance(outcome, _Skipped):
                return outcome

    def _try_claim_unsettled(self) -> Claim | None | _Skipped:
        session = self.session
        begin_write(session)
        now = self.clock()
        row = session.scalar(
            select(SmsOutbox)
            .where(SmsOutbox.status == OutboxStatus.SENDING, SmsOutbox.next_attempt_at <= now)
            .order_by(SmsOutbox.next_attempt_at, SmsOutbox.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        )
        contact = contact_for_message(session, row) if row is not None else None
        if row is None or contact is None or not contact.phone_encrypted or not row.body_encrypted:
            if row is not None:
                row.status = OutboxStatus.FAILED
                row.last_error = "outcome unknown; contact purged"
                session.commit()
                return _CANCELLED
            session.rollback()
            return None
        row.next_attempt_at = now + timedelta(seconds=self.settings.stale_seconds)
        claim = Claim(
            row.id,
            self.cipher.decrypt(contact.phone_encrypted),
            self.cipher.decrypt(row.body_encrypted),
            row.claimed_at or row.created_at,
        )
        session.commit()
        return claim

    def _sid_taken(self, sid: str, outbox_id: int) -> bool:
        owner = self.session.scalar(select(SmsOutbox.id).where(SmsOutbox.twilio_sid == sid))
        return owner is not None and owner != outbox_id

    def _requeue_unsent(self, outbox_id: int, summary: WorkSummary) -> None:
        begin_write(self.session)
        row = self._locked(outbox_id)
        now = self.clock()
        if row.status == OutboxStatus.SENDING:
            if row.attempts >= self.settings.max_attempts:
                row.status = OutboxStatus.FAILED
                summary.failed += 1
            else:
                row.status = OutboxStatus.QUEUED
                row.next_attempt_at = now
            row.updated_at = now
        self.session.commit()
