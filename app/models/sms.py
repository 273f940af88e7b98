"""SMS tables: opt-outs, conversations, inbound messages (once per MessageSid) and the outbox."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Base
from app.models.clock import utc_now


class SmsOptOut(Base):
    """A number that must never be messaged again until it sends START.

    Keyed by the phone hash, not by contact, so an opt-out outlives the purge of contact details
    and stops a later invitation list from inviting the same number.
    """

    __tablename__ = "sms_opt_outs"

    phone_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    opted_out_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    # "keyword" (the carer texted STOP) or "twilio" (error 21610 on a send).
    source: Mapped[str] = mapped_column(String(16))


class ConversationState(enum.StrEnum):
    NEW = "new"  # invited; waiting for YES before the first question
    ASKING = "asking"  # current_item_id is the question last asked
    LANGUAGE = "language"  # the LANG menu was sent; waiting for a number
    COMPLETED = "completed"  # the survey is done (by text or on the web)
    DECLINED = "declined"  # replied NO to the invitation: no reminders, no questions
    WITHDRAWN = "withdrawn"  # DELETE: answers and messages deleted


class SmsConversation(Base):
    """Where one invited carer is in the text survey; all state lives here, none in cookies.

    It names the invitation and response by their sequential ids but holds no contact detail
    and no contact id; the number a text came from is matched through ``contacts.phone_hash``.
    """

    __tablename__ = "sms_conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        ForeignKey("invitations.id", ondelete="CASCADE"), unique=True
    )
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("responses.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(String(16), default=ConversationState.NEW)
    current_item_id: Mapped[str | None] = mapped_column(String(100))
    invalid_replies: Mapped[int] = mapped_column(Integer, default=0)
    language: Mapped[str] = mapped_column(String(16), default="en")
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)


class SmsInbound(Base):
    """One message a carer sent, stored once per MessageSid with the reply we gave to it.

    Twilio retries a webhook it thinks failed; the unique MessageSid makes the retry find this
    row and get the same reply, so no answer is recorded twice.
    """

    __tablename__ = "sms_inbound"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_sid: Mapped[str] = mapped_column(String(64), unique=True)
    conversation_id: Mapped[int | None] = mapped_column(
        ForeignKey("sms_conversations.id", ondelete="SET NULL"), index=True
    )
    # Encrypted; set to NULL when the carer withdraws or retention purges message bodies.
    body_encrypted: Mapped[str | None] = mapped_column(Text)
    reply_encrypted: Mapped[str | None] = mapped_column(Text)
    # What the step did ("answer", "invalid", "stop", ...): a label, never content.
    outcome: Mapped[str] = mapped_column(String(32), default="")
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)


class OutboxStatus(enum.StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # claimed: the Twilio call is happening or its outcome is unknown
    SENT = "sent"  # Twilio accepted it (has a SID)
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    CANCELLED = "cancelled"  # opted out, withdrawn or purged before it was sent


class SmsOutbox(Base):
    """A message we start (invitation, reminder), sent by the outbox worker at a paced rate."""

    __tablename__ = "sms_outbox"
    __table_args__ = (Index("ix_sms_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The invitation's random link id, as on contacts (issue 3: contact details are "linked to
    # responses only through a random id"). The contact is the one with the same link, so no
    # contact id is kept either: a copy of this table names no sequential invitation or contact.
    invitation_link: Mapped[str | None] = mapped_column(
        ForeignKey("invitations.link_id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    body_encrypted: Mapped[str | None] = mapped_column(Text)
    segments: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default=OutboxStatus.QUEUED)
    scheduled_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    twilio_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    twilio_status: Mapped[str | None] = mapped_column(String(24))
    error_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(200))
    # A contact attempt counts when Twilio reports a status, not when we queue (SMS.md).
    attempt_counted_at: Mapped[datetime | None] = mapped_column(DateTime)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)


class SmsPacing(Base):
    """One row shared by every outbox worker: the send rate is kept across all of them.

    ``next_send_at`` is the theoretical arrival time of a generic cell rate algorithm, which is
    a token bucket held in a single timestamp.
    """

    __tablename__ = "sms_pacing"

    id: Mapped[int] = mapped_column(primary_key=True)
    next_send_at: Mapped[datetime] = mapped_column(DateTime(timezone=False))
