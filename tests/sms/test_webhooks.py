"""Twilio's webhooks: forged requests are refused before the database; retries are answered once."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask
from sqlalchemy import func, inspect, select

from app.extensions import db
from app.models import Answer, OutboxStatus, SmsConversation, SmsInbound, SmsOutbox
from tests.fake_twilio.server import FakeTwilio
from tests.fake_twilio.support import (
    PUBLIC_BASE_URL,
    TextingCarer,
    new_message_sid,
    signature,
    signed_post,
    status_callback,
    twiml_messages,
)
from tests.sms.conftest import AMIRA


def row_counts(app: Flask) -> dict[str, int]:
    with app.app_context():
        names = set(inspect(db.engine).get_table_names())
        return {
            table.name: int(db.session.scalar(select(func.count()).select_from(table)) or 0)
            for table in db.metadata.sorted_tables
            if table.name in names
        }


def inbound_params(body: str = "1", sid: str | None = None) -> dict[str, str]:
    return {
        "MessageSid": sid or new_message_sid(),
        "From": AMIRA,
        "To": "+447400123456",
        "Body": body,
    }


def test_forged_missing_and_altered_signatures_get_403_and_store_nothing(
    app: Flask, fake: FakeTwilio, invite: Callable[..., None]
) -> None:
    invite(AMIRA)
    client = app.test_client()
    before = row_counts(app)
    params = inbound_params("YES")
    good = signature(fake.auth_token, PUBLIC_BASE_URL + "/sms/inbound", params)
    attempts = [
        {},  # no signature at all
        {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
        {
            "X-Twilio-Signature": signature(
                "another-token", PUBLIC_BASE_URL + "/sms/inbound", params
            )
        },
        {
            "X-Twilio-Signature": signature(
                fake.auth_token, "https://evil.example/sms/inbound", params
            )
        },
    ]
    for headers in attempts:
        assert (
            app.test_client().post("/sms/inbound", data=params, headers=headers).status_code == 403
        )
    altered = {**params, "Body": "STOP"}  # signed for YES, body changed on the way
    response = client.post("/sms/inbound", data=altered, headers={"X-Twilio-Signature": good})
    assert response.status_code == 403
    assert client.post("/sms/status", data={"MessageSid": "SM" + "0" * 32}).status_code == 403
    assert row_counts(app) == before


def test_a_request_through_a_tls_proxy_is_checked_against_the_public_address(
    app: Flask, fake: FakeTwilio, invite: Callable[..., None]
) -> None:
    invite(AMIRA)
    # Flask sees http://localhost/...; Twilio signed https://survey.example.nhs.uk/...
    response = signed_post(
        app.test_client(),
        "/sms/inbound",
        inbound_params("YES"),
        token=fake.auth_token,
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "survey.example.nhs.uk"},
    )
    assert response.status_code == 200
    assert twiml_messages(response)[0].startswith("Overall, how would you rate")


def test_without_an_auth_token_every_webhook_is_refused(app: Flask, fake: FakeTwilio) -> None:
    app.config["TWILIO_AUTH_TOKEN"] = ""
    params = inbound_params("YES")
    response = signed_post(app.test_client(), "/sms/inbound", params, token="")
    assert response.status_code == 403


def test_malformed_bodies_are_refused_after_the_signature_check(
    app: Flask, fake: FakeTwilio, invite: Callable[..., None]
) -> None:
    invite(AMIRA)
    before = row_counts(app)
    client = app.test_client()
    for params in (
        {"From": AMIRA, "Body": "1"},
        {"MessageSid": "not-a-sid", "From": AMIRA, "Body": "1"},
        {"MessageSid": new_message_sid(), "Body": "1"},
    ):
        assert signed_post(client, "/sms/inbound", params, token=fake.auth_token).status_code == 400
    bad_status = {"MessageSid": new_message_sid()}
    response = signed_post(client, "/sms/status", bad_status, token=fake.auth_token)
    assert response.status_code == 400
    assert row_counts(app) == before


def test_the_same_message_delivered_three_times_is_applied_once(
    app: Flask, invite: Callable[..., None], carer: Callable[[str], TextingCarer]
) -> None:
    invite(AMIRA)
    amira = carer(AMIRA)
    amira.sends("yes")
    sid = new_message_sid()
    replies = [amira.sends("1", sid=sid) for _ in range(3)]
    assert replies[0] == replies[1] == replies[2]
    assert replies[0][0].startswith("In the last 2 days of life, how often did nurses")
    with app.app_context():
        assert db.session.scalar(select(func.count(SmsInbound.id))) == 2
        conversation = db.session.scalar(select(SmsConversation))
        assert conversation is not None
        assert conversation.current_item_id == "last2.nurses.dignity"  # moved on once, not thrice
        assert db.session.scalar(select(func.count(Answer.response_id))) == 1


def test_the_same_message_delivered_twice_at_once_is_applied_once(
    app: Flask, invite: Callable[..., None], carer: Callable[[str], TextingCarer]
) -> None:
    invite(AMIRA)
    carer(AMIRA).sends("yes")
    sid = new_message_sid()
    phones = [carer(AMIRA), carer(AMIRA)]
    results: list[list[str]] = []
    gate = threading.Barrier(2)

    def deliver(phone: TextingCarer) -> None:
        gate.wait()
        results.append(phone.sends("excellent", sid=sid))

    threads = [threading.Thread(target=deliver, args=(phone,)) for phone in phones]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 2 and results[0] == results[1]
    with app.app_context():
        assert db.session.scalar(select(func.count(SmsInbound.id))) == 2
        values = db.session.execute(select(Answer.item_id, Answer.value)).all()
        assert values == [("overall.rating", "excellent")]


def test_status_callbacks_only_move_forward_and_unknown_messages_get_200(
    app: Flask, fake: FakeTwilio, invite: Callable[..., None]
) -> None:
    invite(AMIRA)
    client = app.test_client()
    sid = fake.sent_to(AMIRA)[0].sid
    for status in ("sent", "delivered", "sent", "queued"):
        assert status_callback(client, fake.auth_token, sid=sid, status=status).status_code == 200
    with app.app_context():
        row = db.session.scalar(select(SmsOutbox))
        assert row is not None
        assert (row.status, row.twilio_status) == (OutboxStatus.DELIVERED, "delivered")
        assert row.attempt_counted_at is not None
    unknown = status_callback(client, fake.auth_token, sid="SM" + "f" * 32, status="delivered")
    assert unknown.status_code == 200


def test_a_status_callback_carrying_21610_opts_the_number_out(
    app: Flask, fake: FakeTwilio, invite: Callable[..., None], carer: Callable[[str], TextingCarer]
) -> None:
    invite(AMIRA)
    sid = fake.sent_to(AMIRA)[0].sid
    status_callback(app.test_client(), fake.auth_token, sid=sid, status="failed", error_code=21610)
    assert carer(AMIRA).sends("1") == []  # opted out: no reply until START


def test_a_retried_delete_gets_the_same_reply_after_the_contact_is_gone(
    app: Flask, invite: Callable[..., None], carer: Callable[[str], TextingCarer]
) -> None:
    invite(AMIRA)
    amira = carer(AMIRA)
    amira.sends("yes")
    sid = new_message_sid()
    first = amira.sends("DELETE", sid=sid)
    assert first and first == amira.sends("DELETE", sid=sid)
    # A new text from the same number now comes from nobody we know: the generic reply.
    assert amira.sends("hello") != first
