"""Answers read and written in bulk through the DBAPI driver, skipping SQLAlchemy per-row work."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from itertools import chain, groupby, repeat
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Connection, Dialect, Table, insert
from sqlalchemy.orm import Session

from app.models import Answer

ANSWERS = cast(Table, Answer.__table__)
# A batch whose keys spread wider than this many times its size is read by key list, not by range:
# a range would drag in the answers of every response the export's filters leave out.
_RANGE_SPREAD = 2
# Rows taken from the driver per call: few calls, and a bounded list however large the batch.
_FETCH_ROWS = 10_000


def driver_placeholder(dialect: Dialect) -> str | None:
    """The driver's positional parameter marker, or None for a paramstyle we have not met."""
    return {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(dialect.paramstyle)


def driver_timestamp(session: Session, moment: datetime) -> Any:
    """``moment`` as the driver takes it for answers.updated_at (SQLite stores text)."""
    dialect = session.connection().dialect
    if driver_placeholder(dialect) is None:
        return moment  # insert_answer_rows takes SQLAlchemy's road, which converts it itself
    to_driver = ANSWERS.c.updated_at.type.dialect_impl(dialect).bind_processor(dialect)
    return to_driver(moment) if to_driver else moment


def insert_answer_rows(session: Session, rows: Sequence[tuple[int, str, str | None, Any]]) -> None:
    """Insert (response key, item id, stored text, driver_timestamp) rows with one executemany.

    A million-response import is tens of millions of answers. SQLAlchemy's per-row parameter
    processing cost more than the insert itself, so the rows go to the driver as plain tuples,
    built once by the caller (a second pass over them to add the timestamp costs seconds).
    """
    if not rows:
        return
    connection = session.connection()
    placeholder = driver_placeholder(connection.dialect)
    if placeholder is None:  # a driver we have not met: take the ordinary, slower road
        session.execute(
            insert(ANSWERS),
            [
                {"response_id": key, "item_id": item_id, "value": value, "updated_at": stamp}
                for key, item_id, value, stamp in rows
            ],
        )
        return
    marks = ", ".join([placeholder] * 4)
    connection.exec_driver_sql(
        f"INSERT INTO {ANSWERS.name} (response_id, item_id, value, updated_at) VALUES ({marks})",
        rows,
    )


def insert_answers(
    session: Session, answers: Sequence[tuple[int, str, str | None]], updated_at: datetime
) -> None:
    """Insert (response key, item id, stored text) rows, all updated at ``updated_at``."""
    stamp = driver_timestamp(session, updated_at)
    insert_answer_rows(session, [(key, item_id, value, stamp) for key, item_id, value in answers])


def insert_answer_maps(
    session: Session, answers: Sequence[tuple[int, Mapping[str, str]]], updated_at: datetime
) -> None:
    """Insert each (response key, {item id: stored text}), all updated at ``updated_at``.

    On SQLite the whole batch goes in as one JSON text that SQLite itself unpacks into rows
    (json_each, in C): binding four parameters for each of tens of millions of answers cost
    more than the insert. Items are sorted, so the rows arrive in the table's key order.
    """
    if not answers:
        return
    stamp = driver_timestamp(session, updated_at)
    connection = session.connection()
    # {key: {item id: text}}: json_each gives each key once, so nothing is parsed per answer.
    batch = _batch_json(dict(answers)) if connection.dialect.name == "sqlite" else None
    # A NUL is the one character SQLite's JSON functions do not carry through intact; such
    # a batch (or one with a text that merely spells \u0000) takes the row-by-row road.
    if batch is None or "\\u0000" in batch:
        insert_answer_rows(
            session,
            list(
                chain.from_iterable(
                    zip(repeat(key), texts.keys(), texts.values(), repeat(stamp))
                    for key, texts in answers
                )
            ),
        )
        return
    connection.exec_driver_sql(
        f"INSERT INTO {ANSWERS.name} (response_id, item_id, value, updated_at) "
        "SELECT CAST(response.key AS INTEGER), answer.key, answer.value, ? "
        "FROM json_each(?) AS response, json_each(response.value) AS answer",
        (stamp, batch),
    )


# Compact, sorted, and any character kept as itself (no \uXXXX for non-ASCII text).
_batch_json = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode


def answer_texts(
    connection: Connection, keys: Sequence[int]
) -> Iterator[Sequence[tuple[int, str, str]]]:
    """(response key, item id, stored text) of the non-empty answers of ``keys``, by key.

    Read with the driver's own cursor, in the connection's transaction, and handed on in
    chunks: an export reads tens of millions of answers, and SQLAlchemy's result rows (or a
    generator step per row) add Python work to every one. Keys that are nearly contiguous
    (the usual export) are read as one index range. Ordered by key, so that each response's
    answers come together.
    """
    if not keys:
        return
    placeholder = driver_placeholder(connection.dialect)
    if placeholder is None:
        rows = connection.execute(
            ANSWERS.select()
            .with_only_columns(ANSWERS.c.response_id, ANSWERS.c.item_id, ANSWERS.c.value)
            .where(ANSWERS.c.response_id.in_(keys), ANSWERS.c.value != "")
            .order_by(ANSWERS.c.response_id)
        )
        yield [(key, item_id, value) for key, item_id, value in rows]
        return
    where, parameters = _key_condition(placeholder, keys)
    cursor = connection.connection.cursor()
    try:
        # NULL (skipped) and empty answers export as empty cells, so they are not read at all.
        cursor.execute(
            f"SELECT response_id, item_id, value FROM {ANSWERS.name} "
            f"WHERE {where} AND value IS NOT NULL AND value <> '' ORDER BY response_id",
            parameters,
        )
        while chunk := cursor.fetchmany(_FETCH_ROWS):
            yield chunk
    finally:
        cursor.close()


# Joins an item id to its text, and one answer to the next, inside SQLite's group_concat. Item
# ids never hold it (questionnaire ids are checked); a text that does is noticed and re-read.
_SEPARATOR = "\x1f"


def answer_maps(
    connection: Connection, keys: Sequence[int]
) -> Iterator[tuple[int, dict[str, str]]]:
    """(response key, {item id: stored text}) of ``keys`` with a non-empty answer, by key.

    On SQLite each response's answers arrive as one string built by group_concat in C, so
    Python handles one row per response rather than one per answer (tens of millions in a
    national export); splitting it and pairing the pieces are C-level calls too. Other
    databases group answer_texts' rows.
    """
    if not keys:
        return
    if connection.dialect.name != "sqlite":
        rows = chain.from_iterable(answer_texts(connection, keys))
        for key, answered in groupby(rows, _response_key):
            yield key, dict(map(_item_and_text, answered))
        return
    where, parameters = _key_condition("?", keys)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(
            "SELECT response_id, count(*), group_concat(item_id || char(31) || value, char(31))"
            f" FROM {ANSWERS.name} WHERE {where} AND value IS NOT NULL AND value <> ''"
            " GROUP BY response_id ORDER BY response_id",
            parameters,
        )
        while chunk := cursor.fetchmany(_FETCH_ROWS):
            for key, count, joined in chunk:
                pieces = joined.split(_SEPARATOR)
                if len(pieces) != 2 * count:  # a text holding the separator: read it plainly
                    yield key, dict(map(_item_and_text, _one_response(connection, key)))
                    continue
                paired = iter(pieces)
                yield key, dict(zip(paired, paired, strict=False))  # count checked
    finally:
        cursor.close()


def _one_response(connection: Connection, key: int) -> list[tuple[int, str, str]]:
    return [row for chunk in answer_texts(connection, [key]) for row in chunk]


def _key_condition(placeholder: str, keys: Sequence[int]) -> tuple[str, Sequence[Any]]:
    """A key range when the keys are nearly contiguous (the usual export), else a key list."""
    low, high = min(keys), max(keys)
    if high - low + 1 <= _RANGE_SPREAD * len(keys):
        return f"response_id BETWEEN {placeholder} AND {placeholder}", (low, high)
    marks = ", ".join([placeholder] * len(keys))
    return f"response_id IN ({marks})", tuple(keys)


_response_key = itemgetter(0)
_item_and_text = itemgetter(1, 2)
