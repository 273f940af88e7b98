"""The webhook gate answers signed texts itself: same replies, kind faults, few statements."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError
from twilio.twiml.messaging_response import MessagingResponse

from app.extensions import db
from app.models import SmsInbound
from app.sms import webhooks
from app.sms.webhooks import twiml
from tests.fake_twilio.server import FakeTwilio
from tests.fake_twilio.support import (
    PUBLIC_BASE_URL,
    TextingCarer,
    new_message_sid,
    signature,
    twiml_messages,
)
from tests.sms.conftest import AMIRA


def twilio_twiml(messages: list[str]) -> str:
    reply = MessagingResponse()
    for message in messages:
        reply.message(message)
    return str(reply)


@given(st.lists(st.text(), max_size=4))
def test_the_string_built_twiml_is_what_twilios_messaging_response_prints(
    messages: list[str],
) -> None:
    assert twiml(messages) == twilio_twiml(messages)


def test_twiml_escapes_what_a_text_could_smuggle_in() -> None:
    hostile = ["</Message><Redirect>https://evil.example</Redirect>", "Tom & Jerry's <b>"]
    assert twiml(hostile) == twilio_twiml(hostile)
    assert "<Redirect>" not in twiml(hostile)


def inbound_count(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count(SmsInbound.id))) or 0)


def signed_headers(fake: FakeTwilio, params: dict[str, str]) -> dict[str, str]:
    url = PUBLIC_BASE_URL + "/sms/inbound"
    return {"X-Twilio-Signature": signature(fake.auth_token, url, params)}


def test_a_signed_text_is_answered_without_the_web_pages_cookie_or_headers(
    app: Flask, invite: Callable[..., None], carer: Callable[[str], TextingCarer]
) -> None:
    invite(AMIRA)
    response = carer(AMIRA).post("yes")
    assert twiml_messages(response)[0].startswith("Overall, how would you rate")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Type"] == webhooks.TWIML_CONTENT_TYPE
    # Answered at the gate: no session cookie, no page security policy (Twilio reads XML).
    assert "Set-Cookie" not in response.headers
    assert "Content-Security-Policy" not in response.headers


def test_a_body_the_gate_does_not_read_reaches_the_view_which_checks_the_signature_again(
    app: Flask, fake: FakeTwilio, invite: Callable[..., None]
) -> None:
    invite(AMIRA)
    params = {"MessageSid": new_message_sid(), "From": AMIRA, "Body": "yes"}
    client = app.test_client()
    # Multipart: the gate signs the URL alone, so a signature over the URL alone passes it...
    url_only = signature(fake.auth_token, PUBLIC_BASE_URL + "/sms/inbound", {})
    response = client.post(
        "/sms/inbound",
        data=params,
        content_type="multipart/form-data",
        headers={"X-Twilio-Signature": url_only},
    )
    # ...but the view reads the fields and finds them unsigned.
    assert response.status_code == 403
    # A multipart post with nothing in it is signed as the URL alone: the view answers it.
    empty = client.post(
        "/sms/inbound",
        data={},
        content_type="multipart/form-data",
        headers={"X-Twilio-Signature": url_only},
    )
    assert empty.status_code == 400
    assert inbound_count(app) == 0


def test_a_database_fault_answers_503_so_twilio_retries_and_nothing_is_stored(
    app: Flask,
    fake: FakeTwilio,
    invite: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    invite(AMIRA)

    def database_gone(*_args: object) -> list[str]:
        raise OperationalError("INSERT ...", {}, Exception("disk I/O error"))

    monkeypatch.setattr(webhooks, "receive_inbound", database_gone)
    params = {"MessageSid": new_message_sid(), "From": AMIRA, "Body": "yes"}
    response = app.test_client().post(
        "/sms/inbound", data=params, headers=signed_headers(fake, params)
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "60"
    assert inbound_count(app) == 0


def test_an_unexpected_fault_answers_500_and_logs_its_type_never_the_text(
    app: Flask,
    fake: FakeTwilio,
    invite: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    invite(AMIRA)

    def broken(*_args: object) -> list[str]:
        raise ValueError("my mother's name was Edith")

    monkeypatch.setattr(webhooks, "receive_inbound", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    params = {"MessageSid": new_message_sid(), "From": AMIRA, "Body": "Edith"}
    with caplog.at_level(logging.INFO):
        response = app.test_client().post(
            "/sms/inbound", data=params, headers=signed_headers(fake, params)
        )
    assert response.status_code == 500
    assert "ValueError" in caplog.text
    assert "Edith" not in caplog.text and "Edith" not in response.get_data(as_text=True)
    # Tests and the debugger see the real exception.
    app.config["PROPAGATE_EXCEPTIONS"] = True
    with pytest.raises(ValueError):
        app.test_client().post("/sms/inbound", data=params, headers=signed_headers(fake, params))


@pytest.fixture
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app's engine runs while the test collects them."""
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def collect(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", collect)
    yield seen
    event.remove(engine, "before_cursor_execute", collect)


def test_an_answer_by_text_costs_a_small_fixed_number_of_statements(
    app: Flask,
    invite: Callable[..., None],
    carer: Callable[[str], TextingCarer],
    statements: list[str],
) -> None:
    invite(AMIRA)
    amira = carer(AMIRA)
    amira.sends("yes")
    counts = []
    for text in ("1", "BACK", "2", "BACK"):
        statements.clear()
        amira.sends(text)
        counts.append(len([s for s in statements if not s.startswith(("BEGIN", "SELECT 1"))]))
    # Whose number; the locked conversation; the response with its answers (one statement on
    # SQLite, whose writers are serialised; two on PostgreSQL); then the answer,
    # the conversation and the response written back, and the MessageSid row inserted finished
    # with the stored reply (a retry inserts nothing). BACK stores no answer.
    with app.app_context():
        one_read = db.engine.dialect.name == "sqlite"
    expected = [7, 5, 7, 5] if one_read else [8, 6, 8, 6]
    assert counts == expected, (counts, statements)


def test_a_signature_over_the_url_with_its_default_port_is_accepted_as_twilio_allows(
    app: Flask, fake: FakeTwilio, invite: Callable[..., None]
) -> None:
    invite(AMIRA)
    assert PUBLIC_BASE_URL.startswith("https://") and PUBLIC_BASE_URL.count(":") == 1
    with_port = PUBLIC_BASE_URL.replace(".uk", ".uk:443", 1) + "/sms/inbound"
    assert with_port.count(":") == 2, with_port
    params = {"MessageSid": new_message_sid(), "From": AMIRA, "Body": "yes"}
    headers = {"X-Twilio-Signature": signature(fake.auth_token, with_port, params)}
    response = app.test_client().post("/sms/inbound", data=params, headers=headers)
    assert twiml_messages(response)[0].startswith("Overall, how would you rate")
