"""Receive one inbound text: once per MessageSid, in one transaction, same reply on a retry."""

from __future__ import annotations

import json
import logging
import unicodedata
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.models import ConversationState
from app.models.clock import utc_now
from app.services.contacts import (
    contact_for_phone,
    record_opt_out,
    remove_opt_out,
    sender_number,
)
from app.services.sms_conversation import ConversationTurn, Reply, SmsContext
from app.services.sms_turn_rows import (
    already_received,
    insert_inbound,
    lock_turn,
    stored_reply,
)
from app.services.transactions import begin_write
from app.sms.keywords import Keyword, is_twilio_standard_word, match_keyword
from app.sms.texts import sms_text

log = logging.getLogger(__name__)

# Twilio joins a long text into one Body of at most 1,600 characters; anything longer is not
# from Twilio, and is cut rather than stored whole.
MAX_BODY = 1600


@dataclass(frozen=True)
class InboundMessage:
    message_sid: str
    from_number: str
    body: str


def clean_body(body: str) -> str:
    """NFC, no control characters except newlines, at most MAX_BODY characters."""
    text = unicodedata.normalize("NFC", body[: MAX_BODY * 2])
    kept = "".join(c for c in text if c == "\n" or unicodedata.category(c) not in ("Cc", "Cs"))
    return kept[:MAX_BODY]


def _encode(messages: list[str]) -> str:
    return json.dumps(messages, ensure_ascii=False)


def _decode(ctx: SmsContext, stored: str | None) -> list[str]:
    if not stored:
        return []
    value = json.loads(ctx.cipher.decrypt(stored))
    return [str(message) for message in value] if isinstance(value, list) else []


def receive_inbound(session: Session, ctx: SmsContext, message: InboundMessage) -> list[str]:
    """Apply a carer's text and return the replies to send (the same ones on a retry).

    One write transaction per text: the MessageSid row, the conversation step, the answers
    and the stored reply commit together or not at all.
    """
    phone = sender_number(message.from_number)
    text = clean_body(message.body)
    keyword = match_keyword(text)
    if phone is None:
        return [sms_text("unknown_number", "en", **ctx.settings.fields())]
    phone_hash = ctx.cipher.phone_hash(phone)
    # Work that needs no lock is done before taking one: writers queue behind each other.
    body_encrypted = ctx.cipher.encrypt(text)

    # One transaction, a write from the start: on SQLite every transaction that finds another
    # worker's commit re-reads its pages, so a separate read first cost that twice per text.
    begin_write(session)
    connection = session.connection()
    contact = contact_for_phone(session, phone_hash)
    if contact is None:
        if already_received(connection, message.message_sid):
            # A retry of the carer's DELETE (their contact is gone now): the same reply.
            session.rollback()
            return _stored_reply(session, ctx, message.message_sid)
        return _from_unknown_number(session, ctx, phone_hash, text, keyword)
    now = utc_now()
    # Texts from one carer queue here (PostgreSQL: the conversation's row lock), so a retry
    # arriving while the first is being handled waits, then finds the first's row below.
    locked = lock_turn(connection, contact.invitation_id, contact.contact_id, phone_hash, now)
    turn = ConversationTurn(session, ctx, locked, now)
    reply = turn.handle(text, keyword, locked.opted_out)
    turn.save()
    conversation = locked.conversation
    withdrawn = conversation.state == ConversationState.WITHDRAWN
    # Once per MessageSid: the row goes in finished, in one statement, last. A retry (its
    # MessageSid stored already) rolls the whole turn back and gets the first reply.
    inbound_id = insert_inbound(
        connection,
        message.message_sid,
        now,
        conversation_id=conversation.id,
        outcome=reply.outcome[:32],
        body_encrypted=None if withdrawn else body_encrypted,
        reply_encrypted=ctx.cipher.encrypt(_encode(reply.messages)),
    )
    if inbound_id is None:
        session.rollback()
        return _stored_reply(session, ctx, message.message_sid)
    session.commit()
    log.info("inbound %s conversation %s: %s", inbound_id, conversation.id, reply.outcome)
    return reply.messages


def _stored_reply(session: Session, ctx: SmsContext, message_sid: str) -> list[str]:
    stored = stored_reply(session.connection(), message_sid)
    log.info("inbound retry of an earlier message: same reply, nothing applied")
    return _decode(ctx, stored)


def _from_unknown_number(
    session: Session, ctx: SmsContext, phone_hash: str, text: str, keyword: Keyword | None
) -> list[str]:
    """A polite generic reply, and nothing stored, except that STOP and START are honoured.

    Runs in the caller's write transaction, and ends it.
    """
    reply = Reply([sms_text("unknown_number", "en", **ctx.settings.fields())], "unknown")
    if keyword not in (Keyword.STOP, Keyword.START):
        session.rollback()
    else:
        if keyword is Keyword.STOP:
            # Only the keyed hash: enough to never invite this number, nothing to read.
            record_opt_out(session, phone_hash, "keyword", utc_now())
            reply = Reply([sms_text("stop", "en", **ctx.settings.fields())], "stop")
        else:
            remove_opt_out(session, phone_hash)
        session.commit()
        if ctx.settings.twilio_advanced_opt_out and is_twilio_standard_word(text):
            reply = Reply([], reply.outcome)
    log.info("inbound from a number with no invitation: %s", reply.outcome)
    return reply.messages
