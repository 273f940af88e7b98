"""The SMS outbox: queue a message, and record Twilio's status callbacks (only ever forward)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from app.models import Contact, OutboxStatus, SmsOutbox
from app.models.clock import utc_now
from app.questionnaire import sms_segments
from app.services.contacts import record_opt_out
from app.services.encryption import ContactCipher
from app.services.transactions import begin_write

log = logging.getLogger(__name__)

OPTED_OUT_ERROR = 21610  # "Attempt to send to unsubscribed recipient"

# Our statuses in the order a message moves through them; the last four are final.
OUTBOX_RANK: dict[str, int] = {
    OutboxStatus.QUEUED: 0,
    OutboxStatus.SENDING: 1,
    OutboxStatus.SENT: 2,
    OutboxStatus.DELIVERED: 3,
    OutboxStatus.UNDELIVERED: 3,
    OutboxStatus.FAILED: 3,
    OutboxStatus.CANCELLED: 3,
}
# Twilio's message statuses, ranked: a late "sent" never overwrites "delivered".
TWILIO_RANK: dict[str, int] = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 1,
    "sending": 2,
    "sent": 3,
    "delivered": 4,
    "undelivered": 4,
    "failed": 4,
    "canceled": 4,
    "read": 5,
}
_TWILIO_TO_OUTBOX: dict[str, OutboxStatus] = {
    "accepted": OutboxStatus.SENT,
    "scheduled": OutboxStatus.SENT,
    "queued": OutboxStatus.SENT,
    "sending": OutboxStatus.SENT,
    "sent": OutboxStatus.SENT,
    "delivered": OutboxStatus.DELIVERED,
    "read": OutboxStatus.DELIVERED,
    "undelivered": OutboxStatus.UNDELIVERED,
    "failed": OutboxStatus.FAILED,
    "canceled": OutboxStatus.CANCELLED,
}


# Built once: the worker looks up a message's contact for every message it claims.
_CONTACT_BY_LINK = select(Contact).where(Contact.invitation_link == bindparam("link"))


def contact_for_message(session: Session, row: SmsOutbox) -> Contact | None:
    """The contact a message goes to, found through the invitation's random link; None if purged.

    The outbox keeps neither a contact id nor the invitation's sequential id (issue 3);
    ``contacts.invitation_link`` is unique, so the link names at most one contact.
    """
    if row.invitation_link is None:
        return None
    return session.scalar(_CONTACT_BY_LINK, {"link": row.invitation_link})


def queue_message(
    session: Session,
    cipher: ContactCipher,
    *,
    contact: Contact,
    kind: str,
    body: str,
    not_before: datetime | None = None,
) -> SmsOutbox:
    """Add a message to the outbox inside the caller's transaction (the caller commits)."""
    moment = not_before or utc_now()
    if contact.invitation_link is None:
        # A contact made in this transaction gets its invitation's random link when flushed.
        session.flush()
    row = SmsOutbox(
        invitation_link=contact.invitation_link,
        kind=kind,
        body_encrypted=cipher.encrypt(body),
        segments=sms_segments(body),
        status=OutboxStatus.QUEUED,
        scheduled_at=moment,
        next_attempt_at=moment,
        attempts=0,
    )
    session.add(row)
    return row


def advance_status(row: SmsOutbox, twilio_status: str, now: datetime) -> None:
    """Move a row forward to Twilio's status; never backward (callbacks arrive out of order)."""
    status = twilio_status.strip().lower()
    if TWILIO_RANK.get(status, -1) > TWILIO_RANK.get(row.twilio_status or "", -1):
        row.twilio_status = status
    ours = _TWILIO_TO_OUTBOX.get(status)
    if ours is not None and OUTBOX_RANK[ours] > OUTBOX_RANK.get(row.status, 0):
        row.status = ours
    row.updated_at = now


def record_status_callback(
    session: Session,
    *,
    message_sid: str,
    status: str,
    error_code: int | None,
    outbox_id: int | None,
) -> bool:
    """Apply one status callback; False (and nothing stored) for a SID we never sent.

    ``outbox_id`` comes from our StatusCallback URL: a callback for a row still in "sending"
    (its worker died before storing the SID) settles that row, so it is never sent again.
    """
    begin_write(session)
    row = session.scalar(
        select(SmsOutbox).where(SmsOutbox.twilio_sid == message_sid).with_for_update()
    )
    if row is None and outbox_id is not None:
        candidate = session.scalar(
            select(SmsOutbox).where(SmsOutbox.id == outbox_id).with_for_update()
        )
        if candidate is not None and candidate.twilio_sid is None:
            if candidate.status in (OutboxStatus.SENDING, OutboxStatus.QUEUED):
                candidate.twilio_sid = message_sid
                candidate.sent_at = candidate.sent_at or utc_now()
                row = candidate
                log.info("outbox %s: SID learnt from a status callback", row.id)
    if row is None:
        session.rollback()
        return False
    now = utc_now()
    advance_status(row, status, now)
    if row.attempt_counted_at is None:
        # Any status from Twilio means the message left us: that is a contact attempt.
        row.attempt_counted_at = now
    if error_code is not None:
        row.error_code = error_code
    if error_code == OPTED_OUT_ERROR:
        contact = contact_for_message(session, row)
        if contact is not None and contact.phone_hash:
            record_opt_out(session, contact.phone_hash, "twilio", now)
    session.commit()
    return True
