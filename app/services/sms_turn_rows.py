"""The rows one inbound text reads and writes, as plain values moved by prebuilt Core statements.

A text arrives for every answer, and the ORM (building statements, loading objects, flushing)
cost several times the database work. The statements are built once per process; a turn reads
its rows under the conversation's lock, changes plain values, and writes back what changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    Connection,
    Insert,
    Update,
    bindparam,
    delete,
    exists,
    insert,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from app.models import (
    Answer,
    Contact,
    Invitation,
    Response,
    ResponseStatus,
    SmsConversation,
    SmsInbound,
    SmsOptOut,
)
from app.services.stored_answers_json import stored_answers_column


@dataclass
class ConversationRow:
    """sms_conversations: where the carer is in the text survey (changed by the turn)."""

    id: int
    invitation_id: int
    response_id: int | None
    state: str
    current_item_id: str | None
    invalid_replies: int
    language: str
    updated_at: datetime


@dataclass
class InvitationRow:
    """The invitation the text belongs to (only withdrawal changes it, with its own statements)."""

    id: int
    area_id: int
    community_group_id: int | None
    questionnaire_id: str
    withdrawn_at: datetime | None
    expires_at: datetime | None


@dataclass(frozen=True)
class ContactRow:
    """The contact's encrypted details (contacts.contact_details decrypts them)."""

    id: int
    phone_hash: str | None
    phone_encrypted: str | None
    email_encrypted: str | None
    person_name_encrypted: str | None
    relationship_code: str | None
    link_token_encrypted: str | None


@dataclass
class ResponseRow:
    """The carer's response: what a text may change on it (language, consent, submission)."""

    id: int
    questionnaire_id: str
    questionnaire_version: int
    status: str
    language: str
    consent_given_at: datetime | None
    current_page_id: str | None
    resume_code_hash: str | None
    updated_at: datetime
    submitted_at: datetime | None

    @property
    def is_submitted(self) -> bool:
        return self.status == ResponseStatus.SUBMITTED


@dataclass
class AnswerRow:
    """One stored answer (``value`` is the serialised text; None = skipped).

    An answer is keyed by its response and item (there is no surrogate id), so the item id the
    row is filed under is its key.
    """

    value: str | None


@dataclass(frozen=True)
class LockedTurn:
    """What a turn starts from, read under the conversation's row lock."""

    conversation: ConversationRow
    invitation: InvitationRow
    contact: ContactRow
    opted_out: bool


def _columns(model: Any, row_type: type) -> list[Any]:
    return [getattr(model, field.name) for field in fields(row_type)]


_CONVERSATION_COLUMNS = _columns(SmsConversation, ConversationRow)
_INVITATION_COLUMNS = _columns(Invitation, InvitationRow)
_CONTACT_COLUMNS = _columns(Contact, ContactRow)
_RESPONSE_COLUMNS = _columns(Response, ResponseRow)

# Built once: statement construction and cache-key generation were most of a text's cost.
_ALREADY_RECEIVED = select(SmsInbound.id).where(SmsInbound.message_sid == bindparam("message_sid"))
_STORED_REPLY = select(SmsInbound.reply_encrypted).where(
    SmsInbound.message_sid == bindparam("message_sid")
)
# FOR UPDATE OF the conversation (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises):
# two texts from one carer queue here, whichever web worker receives them.
_LOCK_TURN = (
    select(
        *_CONVERSATION_COLUMNS,
        *_INVITATION_COLUMNS,
        *_CONTACT_COLUMNS,
        exists()
        .where(SmsOptOut.phone_hash == bindparam("phone_hash"))
        .correlate(None)
        .label("opted_out"),
    )
    .join(Invitation, Invitation.id == SmsConversation.invitation_id)
    .join(Contact, Contact.id == bindparam("contact_id"))
    .where(SmsConversation.invitation_id == bindparam("invitation_id"))
    .with_for_update(of=SmsConversation)
)
_INVITATION_LANGUAGE = select(Invitation.language).where(
    Invitation.id == bindparam("invitation_id")
)
# Locked like a web page save, so an answer by text and one on the web queue up.
_LOCK_RESPONSE = (
    select(*_RESPONSE_COLUMNS).where(Response.id == bindparam("response_id")).with_for_update()
)
# SQLite only: the response with its stored answers as one JSON object in the same row (one
# statement, not two). Safe there because BEGIN IMMEDIATE serialises writers, so nothing can
# change the answers between this read and the commit. Not on PostgreSQL: a row lock that had
# to wait returns the row's newest version, but a subquery in the same statement still sees
# the snapshot taken before the wait, so a web save committed meanwhile would be missed; there
# the answers are read by a second statement, after the lock is held.
_LOCK_RESPONSE_WITH_ANSWERS = _LOCK_RESPONSE.add_columns(
    stored_answers_column("sqlite", Response.id)
)
_LOCK_RESPONSE_OF_INVITATION = (
    select(*_RESPONSE_COLUMNS)
    .where(Response.invitation_id == bindparam("invitation_id"))
    .with_for_update()
)
_ANSWERS = select(Answer.item_id, Answer.value).where(
    Answer.response_id == bindparam("response_id")
)
_INSERT_ANSWERS = insert(Answer)
_ANSWER_KEY = (
    Answer.response_id == bindparam("answer_response_id"),
    Answer.item_id == bindparam("answer_item_id"),
)
_UPDATE_ANSWER = (
    update(Answer)
    .where(*_ANSWER_KEY)
    .values(value=bindparam("new_value"), updated_at=bindparam("new_updated_at"))
)
_DELETE_ANSWER = delete(Answer).where(*_ANSWER_KEY)
# What a turn may change: everything but the keys and what the row is about.
_CONVERSATION_CHANGEABLE = tuple(field.name for field in fields(ConversationRow))[2:]
_RESPONSE_CHANGEABLE = tuple(field.name for field in fields(ResponseRow))[3:]


@cache
def _insert_ignoring_conflict(dialect: str, model: Any, conflict: str, returning: str) -> Insert:
    """INSERT ... ON CONFLICT (conflict) DO NOTHING RETURNING returning, for this dialect."""
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        dialect_insert(model)
        .on_conflict_do_nothing(index_elements=[conflict])
        .returning(getattr(model, returning))
    )


def already_received(connection: Connection, message_sid: str) -> bool:
    return connection.execute(_ALREADY_RECEIVED, {"message_sid": message_sid}).first() is not None


def stored_reply(connection: Connection, message_sid: str) -> str | None:
    """The encrypted reply given to this MessageSid, if it was answered."""
    value = connection.execute(_STORED_REPLY, {"message_sid": message_sid}).scalar()
    return None if value is None else str(value)


def insert_inbound(
    connection: Connection,
    message_sid: str,
    now: datetime,
    *,
    conversation_id: int | None = None,
    outcome: str = "received",
    body_encrypted: str | None = None,
    reply_encrypted: str | None = None,
) -> int | None:
    """The new sms_inbound row's id, or None when this MessageSid is stored already.

    A turn inserts its row finished, last, in the turn's transaction: a conflict means a retry,
    and the caller rolls the whole turn back. On PostgreSQL a concurrent insert of the same
    MessageSid waits for the other transaction.
    """
    statement = _insert_ignoring_conflict(connection.dialect.name, SmsInbound, "message_sid", "id")
    values = {
        "message_sid": message_sid,
        "received_at": now,
        "conversation_id": conversation_id,
        "outcome": outcome,
        "body_encrypted": body_encrypted,
        "reply_encrypted": reply_encrypted,
    }
    inserted = connection.execute(statement, values).scalar()
    return None if inserted is None else int(inserted)


def lock_turn(
    connection: Connection, invitation_id: int, contact_id: int, phone_hash: str, now: datetime
) -> LockedTurn:
    """The invitation's conversation (started if new) under a row lock, with what a turn reads."""
    params = {"invitation_id": invitation_id, "contact_id": contact_id, "phone_hash": phone_hash}
    row = connection.execute(_LOCK_TURN, params).first()
    if row is None:
        language = connection.execute(_INVITATION_LANGUAGE, params).scalar()
        statement = _insert_ignoring_conflict(
            connection.dialect.name, SmsConversation, "invitation_id", "id"
        )
        connection.execute(
            statement,
            {
                "invitation_id": invitation_id,
                "state": "new",
                "invalid_replies": 0,
                "language": language or "en",
                "started_at": now,
                "updated_at": now,
            },
        )
        row = connection.execute(_LOCK_TURN, params).first()
    assert row is not None
    values = tuple(row)
    ends = _ends(ConversationRow, InvitationRow, ContactRow)
    return LockedTurn(
        ConversationRow(*values[: ends[0]]),
        InvitationRow(*values[ends[0] : ends[1]]),
        ContactRow(*values[ends[1] : ends[2]]),
        bool(values[ends[2]]),
    )


@cache
def _ends(*row_types: type) -> tuple[int, ...]:
    """Where each row type's columns end in a joined result row."""
    ends, total = [], 0
    for row_type in row_types:
        total += len(fields(row_type))
        ends.append(total)
    return tuple(ends)


def lock_response(connection: Connection, response_id: int) -> ResponseRow | None:
    row = connection.execute(_LOCK_RESPONSE, {"response_id": response_id}).first()
    return None if row is None else ResponseRow(*row)


def lock_response_with_answers(
    connection: Connection, response_id: int
) -> tuple[ResponseRow | None, dict[str, AnswerRow] | None]:
    """The locked response and, on SQLite, its stored answers by item id read in the same row.

    The answers are None where they must be read separately (read_answers), after the lock.
    """
    if connection.dialect.name != "sqlite":
        return lock_response(connection, response_id), None
    row = connection.execute(_LOCK_RESPONSE_WITH_ANSWERS, {"response_id": response_id}).first()
    if row is None:
        return None, None
    *values, stored = row
    texts: dict[str, str | None] = stored or {}
    return ResponseRow(*values), {item_id: AnswerRow(value) for item_id, value in texts.items()}


def lock_response_of_invitation(connection: Connection, invitation_id: int) -> ResponseRow | None:
    row = connection.execute(_LOCK_RESPONSE_OF_INVITATION, {"invitation_id": invitation_id}).first()
    return None if row is None else ResponseRow(*row)


def read_answers(connection: Connection, response_id: int) -> dict[str, AnswerRow]:
    """The response's stored answers by item id (read once per text, under its lock)."""
    rows = connection.execute(_ANSWERS, {"response_id": response_id})
    return {item_id: AnswerRow(value) for item_id, value in rows}


def write_answers(
    connection: Connection,
    response_id: int,
    now: datetime,
    *,
    inserted: Mapping[str, str | None],
    updated: Iterable[tuple[str, str | None]],
    deleted: Iterable[str],
) -> None:
    """Apply an answer save: new values by item id, (item id, value) changes, item ids removed."""
    for item_id in deleted:
        connection.execute(
            _DELETE_ANSWER, {"answer_response_id": response_id, "answer_item_id": item_id}
        )
    for item_id, value in updated:
        connection.execute(
            _UPDATE_ANSWER,
            {
                "answer_response_id": response_id,
                "answer_item_id": item_id,
                "new_value": value,
                "new_updated_at": now,
            },
        )
    if not inserted:
        return
    connection.execute(
        _INSERT_ANSWERS,
        [
            {"response_id": response_id, "item_id": item_id, "value": value, "updated_at": now}
            for item_id, value in inserted.items()
        ],
    )


@cache
def _update_of(model: Any, columns: tuple[str, ...]) -> Update:
    """UPDATE of just these columns by id, built once per set of columns.

    Only what changed is SET: SQLite rewrites an index whose column is SET even to the same
    value (responses.status, the resume code, sms_conversations.response_id...).
    """
    return (
        update(model)
        .where(model.id == bindparam("row_id"))
        .values({getattr(model, name): bindparam(f"new_{name}") for name in columns})
    )


def _write_changes(
    connection: Connection, model: Any, columns: tuple[str, ...], before: Any, row: Any
) -> None:
    """SET the columns whose value differs from ``before`` (every one when it is None)."""
    if before is None:
        changed = columns
    else:
        changed = tuple(name for name in columns if getattr(row, name) != getattr(before, name))
    if changed:
        values = {f"new_{name}": getattr(row, name) for name in changed}
        connection.execute(_update_of(model, changed), {"row_id": row.id, **values})


def write_conversation(
    connection: Connection, before: ConversationRow, row: ConversationRow
) -> None:
    """Store what the turn changed on the conversation (``before`` is a copy as read)."""
    _write_changes(connection, SmsConversation, _CONVERSATION_CHANGEABLE, before, row)


def write_response(connection: Connection, before: ResponseRow | None, row: ResponseRow) -> None:
    """Store what the turn changed on the response (``before`` is a copy as read or created)."""
    _write_changes(connection, Response, _RESPONSE_CHANGEABLE, before, row)
