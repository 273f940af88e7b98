"""Answers written and read in bulk keep every text exactly, whatever characters it holds."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Answer
from app.services.bulk_answers import answer_maps, insert_answer_maps
from tests.services.conftest import AddResponse

AWKWARD_TEXTS = [
    "plain",
    'quotes " and \\ backslashes \\" and \\\\u0000 spelt out',
    "line\nbreaks\r\nand\ttabs",
    "Zażółć gęślą jaźń — «ünïcödé» 你好 🌷",
    "the unit separator \x1f and the record separator \x1e inside",
    "a NUL \x00 inside",
    '{"looks": ["like", "json"]}',
    "'=1+1",
]


@pytest.mark.parametrize("text", AWKWARD_TEXTS)
def test_inserted_maps_store_each_text_exactly(
    session: Session, add_response: AddResponse, text: str
) -> None:
    _skip_nul_on_postgresql(session, text)
    first, second = add_response({}), add_response({})
    moment = datetime(2026, 11, 22, 9, 30)
    insert_answer_maps(
        session,
        [
            (first.id, {"overall.good": text, "about.sex": "female"}),
            (second.id, {"overall.good": "x"}),
        ],
        moment,
    )
    session.commit()
    stored = session.execute(
        select(Answer.response_id, Answer.item_id, Answer.value, Answer.updated_at).order_by(
            Answer.response_id, Answer.item_id
        )
    ).all()
    assert [tuple(row) for row in stored] == [
        (first.id, "about.sex", "female", moment),
        (first.id, "overall.good", text, moment),
        (second.id, "overall.good", "x", moment),
    ]


@pytest.mark.parametrize("text", AWKWARD_TEXTS)
def test_answer_maps_read_back_each_text_exactly(
    session: Session, add_response: AddResponse, text: str
) -> None:
    _skip_nul_on_postgresql(session, text)
    keys = [
        add_response({"overall.good": text, "about.sex": "female", "overall.improve": None}).id,
        add_response({}).id,
        add_response({"overall.good": "", "about.sex": "male"}).id,
    ]
    session.commit()
    read = list(answer_maps(session.connection(), keys))
    # Skipped (NULL) and empty answers are not read; a response with none is left out.
    assert read == [
        (keys[0], {"about.sex": "female", "overall.good": text}),
        (keys[2], {"about.sex": "male"}),
    ]


def test_answer_maps_of_scattered_keys_read_only_those(
    session: Session, add_response: AddResponse
) -> None:
    keys = [add_response({"about.sex": str(number)}).id for number in range(6)]
    session.commit()
    wanted = [keys[0], keys[5]]  # far apart: read as a key list, not the range between
    assert list(answer_maps(session.connection(), wanted)) == [
        (keys[0], {"about.sex": "0"}),
        (keys[5], {"about.sex": "5"}),
    ]


def _skip_nul_on_postgresql(session: Session, text: str) -> None:
    if "\x00" in text and session.get_bind().dialect.name == "postgresql":
        pytest.skip("PostgreSQL text cannot hold a NUL at all (the engine drops it before)")
