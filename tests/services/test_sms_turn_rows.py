"""The rows a text moves: once per MessageSid, only changed columns SET, answers by id."""

from __future__ import annotations

from collections.abc import Iterator
from copy import copy
from datetime import datetime

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.models import Answer
from app.services.sms_turn_rows import (
    insert_inbound,
    lock_response,
    lock_response_with_answers,
    read_answers,
    write_answers,
    write_response,
)
from app.services.transactions import begin_write
from tests.services.conftest import AddResponse

NOW = datetime(2026, 11, 22, 16, 0)


@pytest.fixture
def updates(session: Session) -> Iterator[list[str]]:
    """The UPDATE statements the session's engine runs while the test collects them."""
    seen: list[str] = []
    engine = session.get_bind()

    def collect(*args: object) -> None:
        statement = " ".join(str(args[2]).split())
        if statement.startswith("UPDATE"):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", collect)
    yield seen
    event.remove(engine, "before_cursor_execute", collect)


def test_a_message_sid_is_stored_once(session: Session) -> None:
    begin_write(session)
    first = insert_inbound(session.connection(), "SM" + "a" * 32, NOW)
    again = insert_inbound(session.connection(), "SM" + "a" * 32, NOW)
    other = insert_inbound(session.connection(), "SM" + "b" * 32, NOW)
    session.commit()
    assert first is not None and other is not None and first != other
    assert again is None


def test_only_the_columns_a_turn_changed_are_set(
    session: Session, add_response: AddResponse, updates: list[str]
) -> None:
    stored = add_response({}, status="in_progress", submitted_at=None)
    begin_write(session)
    row = lock_response(session.connection(), stored.id)
    assert row is not None
    as_read = copy(row)
    write_response(session.connection(), as_read, row)
    assert updates == []  # nothing changed, nothing written
    row.language = "cy"
    write_response(session.connection(), as_read, row)
    session.commit()
    assert len(updates) == 1
    set_clause = updates[0].split(" WHERE ")[0]
    assert set_clause.startswith("UPDATE responses SET language=")
    assert "," not in set_clause  # status, submitted_at, the resume code... left alone
    session.expire_all()
    assert session.get(type(stored), stored.id).language == "cy"  # type: ignore[union-attr]


def test_answers_are_inserted_updated_and_deleted_by_their_item(
    session: Session, add_response: AddResponse
) -> None:
    stored = add_response({"overall.rating": "good", "pain.relief": "always"})
    other = add_response({"overall.rating": "good", "pain.relief": "always"})
    begin_write(session)
    connection = session.connection()
    rows = read_answers(connection, stored.id)
    assert {key: row.value for key, row in rows.items()} == {
        "overall.rating": "good",
        "pain.relief": "always",
    }
    write_answers(
        connection,
        stored.id,
        NOW,
        inserted={"death.place": "home", "death.right_place": None},
        updated=[("overall.rating", "excellent")],
        deleted=["pain.relief"],
    )
    session.commit()
    of_response = Answer.response_id == stored.id
    # Answers are keyed by (response, item): another response's same items are untouched.
    assert {row.value for row in read_answers(session.connection(), other.id).values()} == {
        "good",
        "always",
    }
    values = {
        key: value
        for key, value in session.execute(select(Answer.item_id, Answer.value).where(of_response))
    }
    assert values == {
        "overall.rating": "excellent",
        "death.place": "home",
        "death.right_place": None,
    }


def test_the_response_is_locked_with_its_own_answers_only_and_none_is_kept(
    session: Session, add_response: AddResponse
) -> None:
    stored = add_response({"overall.rating": "good", "pain.relief": None})
    unanswered = add_response({})
    add_response({"overall.rating": "poor", "death.place": "home"})  # another carer's
    begin_write(session)
    connection = session.connection()
    response, rows = lock_response_with_answers(connection, stored.id)
    empty_response, no_rows = lock_response_with_answers(connection, unanswered.id)
    session.rollback()
    assert response == lock_response(session.connection(), stored.id)
    assert empty_response is not None and empty_response.id == unanswered.id
    if session.get_bind().dialect.name == "sqlite":
        # Read in the same row: exactly this response's answers, a skipped one as None.
        assert rows is not None and no_rows == {}
        assert {key: row.value for key, row in rows.items()} == {
            "overall.rating": "good",
            "pain.relief": None,
        }
    else:
        # Elsewhere read after the lock is held (read_answers), never from an older snapshot.
        assert rows is None and no_rows is None
    assert lock_response_with_answers(session.connection(), -1) == (None, None)
