"""The outbox when Twilio is unreachable, erratic or cannot be asked: nothing lost, nothing twice.

What tests/services/test_outbox.py already proves (429 then 503 with growing backoff, a lost
answer, a worker dying either side of the call) is not repeated here; docs/reliability.md
tabulates which test proves which fault.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxStatus, SmsOutbox
from app.models.clock import utc_now
from bench.load_harness import free_port
from tests.fake_twilio.server import FakeTwilio, FakeTwilioServer
from tests.fake_twilio.support import make_sms_app
from tests.services.test_outbox import queue_texts, statuses, work_until_settled, worker_for


def test_twilio_unreachable_backs_off_and_sends_once_when_it_is_back(
    sms_app: Flask, migrated_database: str, twilio_api: FakeTwilioServer, fake: FakeTwilio
) -> None:
    [phone] = queue_texts(sms_app, 1)
    # Nothing listens on this port: every connection is refused, so Twilio never saw the text.
    down = make_sms_app(
        migrated_database, twilio_api, TWILIO_API_BASE_URL=f"http://127.0.0.1:{free_port()}"
    )
    now = utc_now() + timedelta(seconds=1)
    waits = []
    with down.app_context():
        worker = worker_for(down, SMS_RETRY_BASE_SECONDS=30)
        worker.clock = lambda: now
        for _ in range(3):
            worker.run_once()
            row = db.session.scalar(select(SmsOutbox))
            assert row is not None and row.status == OutboxStatus.QUEUED
            waits.append(row.next_attempt_at - now)
            now = row.next_attempt_at
        db.session.remove()
    assert waits == [timedelta(seconds=30), timedelta(seconds=60), timedelta(seconds=120)]
    assert fake.messages == []
    with sms_app.app_context():  # Twilio is back when the next attempt falls due
        back = worker_for(sms_app)
        back.clock = lambda: now
        assert back.run_once().sent == 1
    assert len(fake.sent_to(phone)) == 1
    assert statuses(sms_app) == [OutboxStatus.SENT]


@pytest.mark.parametrize("status", [500, 502, 504])
def test_a_twilio_server_error_is_looked_up_before_sending_again(
    sms_app: Flask, fake: FakeTwilio, status: int
) -> None:
    [phone] = queue_texts(sms_app, 1)
    fake.fail_next(2, status)
    work_until_settled(sms_app)
    assert len(fake.sent_to(phone)) == 1
    assert statuses(sms_app) == [OutboxStatus.SENT]


def test_while_twilio_cannot_be_asked_an_unsure_text_is_not_sent_again(
    sms_app: Flask, fake: FakeTwilio
) -> None:
    [phone] = queue_texts(sms_app, 1)
    fake.fail_next(1, "drop")  # Twilio took the text; the answer was lost
    fake.list_failures.extend([503, 500, 429])  # ...and the look-up fails three times
    work_until_settled(sms_app)
    assert len(fake.sent_to(phone)) == 1
    with sms_app.app_context():
        row = db.session.scalar(select(SmsOutbox))
        assert row is not None and row.status == OutboxStatus.SENT
        assert row.twilio_sid == fake.messages[0].sid
    assert not fake.list_failures, "every failing look-up was tried"


def test_a_batch_through_random_twilio_faults_reaches_everyone_exactly_once(
    sms_app: Flask, fake: FakeTwilio
) -> None:
    phones = queue_texts(sms_app, 20)
    chooser = random.Random(10)  # fixed: a failure here must be reproducible
    for _ in range(12):
        fake.fail_next(1, chooser.choice([429, 500, 502, 503, "drop"]))
    work_until_settled(sms_app, seconds=30)
    assert sorted(message.to for message in fake.messages) == sorted(phones)
    assert set(statuses(sms_app)) == {OutboxStatus.SENT}
    with sms_app.app_context():
        sids = db.session.scalars(select(SmsOutbox.twilio_sid)).all()
    assert sorted(sids) == sorted(message.sid for message in fake.messages)
