"""STOP is honoured at once and for good; at most two reminders, only to carers not started."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from app.extensions import db
from app.models import OutboxStatus, SmsOptOut, SmsOutbox
from app.models.clock import utc_now
from tests.fake_twilio.server import FakeTwilio
from tests.fake_twilio.support import TextingCarer, status_callback
from tests.sms.conftest import AMIRA, BRIAN, send_due


def remind(runner: FlaskCliRunner) -> str:
    result = runner.invoke(args=["invitations", "remind"])
    assert result.exit_code == 0, result.output
    sent = runner.invoke(args=["sms", "send-due"])
    assert sent.exit_code == 0, sent.output
    return result.output


def twilio_reports(app: Flask, fake: FakeTwilio, phone: str, status: str = "delivered") -> None:
    """Twilio's status callback for the latest message to ``phone``."""
    sid = fake.sent_to(phone)[-1].sid
    assert (
        status_callback(app.test_client(), fake.auth_token, sid=sid, status=status).status_code
        == 200
    )


def days_pass(app: Flask, days: int) -> None:
    """Move every recorded contact attempt into the past."""
    with app.app_context():
        for row in db.session.scalars(select(SmsOutbox)):
            if row.attempt_counted_at is not None:
                row.attempt_counted_at -= timedelta(days=days)
        db.session.commit()


@pytest.mark.parametrize(
    "stop",
    ["STOP", "stop please", "Stop.", "STOP texting me", "  please stop!! ", "koniec", "بند کرو"],
)
def test_brian_says_stop_and_gets_no_reminder(
    app: Flask,
    runner: FlaskCliRunner,
    fake: FakeTwilio,
    invite: Callable[..., None],
    carer: Callable[[str], TextingCarer],
    stop: str,
) -> None:
    invite(BRIAN)
    twilio_reports(app, fake, BRIAN)
    days_pass(app, 8)
    reply = carer(BRIAN).sends(stop)
    # Twilio confirms a bare STOP itself; anything else gets our one confirmation.
    assert reply == ([] if stop == "STOP" else [reply[0]])
    if reply:
        assert "won't get any more texts" in reply[0] and "START" in reply[0]
    remind(runner)
    assert len(fake.sent_to(BRIAN)) == 1
    assert carer(BRIAN).sends("1") == []  # opted out: silence until START


def test_a_reminder_already_queued_is_cancelled_by_stop(
    app: Flask,
    runner: FlaskCliRunner,
    fake: FakeTwilio,
    invite: Callable[..., None],
    carer: Callable[[str], TextingCarer],
) -> None:
    invite(BRIAN)
    twilio_reports(app, fake, BRIAN)
    days_pass(app, 8)
    assert runner.invoke(args=["invitations", "remind"]).exit_code == 0  # queued, not yet sent
    carer(BRIAN).sends("stop please")
    send_due(runner)
    assert len(fake.sent_to(BRIAN)) == 1
    with app.app_context():
        statuses = db.session.scalars(select(SmsOutbox.status).order_by(SmsOutbox.id)).all()
    assert statuses == [OutboxStatus.SENT, OutboxStatus.CANCELLED] or statuses[-1] == "cancelled"


def test_start_resubscribes_and_the_survey_carries_on(
    app: Flask, fake: FakeTwilio, invite: Callable[..., None], carer: Callable[[str], TextingCarer]
) -> None:
    invite(AMIRA)
    amira = carer(AMIRA)
    amira.sends("yes")
    amira.sends("stop texting me")  # in the middle of the survey
    assert amira.sends("2") == []
    assert amira.sends("Start please")[0].startswith("You can get texts from us again")
    assert amira.sends("2")[0].startswith("In the last 2 days of life, how often did nurses")
    with app.app_context():
        assert db.session.scalar(select(SmsOptOut)) is None


def test_twilio_error_21610_is_recorded_as_an_opt_out(
    app: Flask, runner: FlaskCliRunner, fake: FakeTwilio, invite: Callable[..., None]
) -> None:
    fake.opted_out.add(AMIRA)  # blocked at Twilio, e.g. after a STOP we never saw
    invite(AMIRA)
    with app.app_context():
        row = db.session.scalar(select(SmsOutbox))
        assert row is not None and (row.status, row.error_code) == (OutboxStatus.FAILED, 21610)
        assert db.session.scalar(select(SmsOptOut)) is not None
    days_pass(app, 30)
    remind(runner)
    assert fake.sent_to(AMIRA) == []


def test_at_most_two_reminders_each_after_its_gap_and_counted_on_twilio_status(
    app: Flask, runner: FlaskCliRunner, fake: FakeTwilio, invite: Callable[..., None]
) -> None:
    invite(BRIAN)
    days_pass(app, 30)
    remind(runner)
    assert len(fake.sent_to(BRIAN)) == 1  # no status from Twilio yet: not a contact attempt
    twilio_reports(app, fake, BRIAN, "sent")
    days_pass(app, 6)
    remind(runner)
    assert len(fake.sent_to(BRIAN)) == 1  # the first gap is 7 days
    days_pass(app, 1)
    remind(runner)
    assert len(fake.sent_to(BRIAN)) == 2
    assert "gentle reminder" in fake.sent_to(BRIAN)[-1].body
    twilio_reports(app, fake, BRIAN)
    days_pass(app, 14)
    remind(runner)
    twilio_reports(app, fake, BRIAN)
    days_pass(app, 60)
    remind(runner)
    assert len(fake.sent_to(BRIAN)) == 3  # the invitation and two reminders, never more


def test_no_reminder_once_the_carer_has_started(
    app: Flask,
    runner: FlaskCliRunner,
    fake: FakeTwilio,
    invite: Callable[..., None],
    carer: Callable[[str], TextingCarer],
) -> None:
    invite(AMIRA)
    twilio_reports(app, fake, AMIRA)
    carer(AMIRA).sends("yes")
    days_pass(app, 30)
    remind(runner)
    assert len(fake.sent_to(AMIRA)) == 1


def test_a_gentle_no_stops_reminders_without_opting_out(
    app: Flask,
    runner: FlaskCliRunner,
    fake: FakeTwilio,
    invite: Callable[..., None],
    carer: Callable[[str], TextingCarer],
) -> None:
    invite(BRIAN)
    twilio_reports(app, fake, BRIAN)
    assert carer(BRIAN).sends("No thanks")[0].startswith("That's fine. We won't text you")
    days_pass(app, 30)
    remind(runner)
    assert len(fake.sent_to(BRIAN)) == 1
    with app.app_context():
        assert db.session.scalar(select(SmsOptOut)) is None
    # He changed his mind.
    assert carer(BRIAN).sends("yes")[0].startswith("Overall, how would you rate")


def test_stop_from_an_unknown_number_is_kept_so_it_is_never_invited(
    app: Flask, runner: FlaskCliRunner, fake: FakeTwilio, invite: Callable[..., None],
    carer: Callable[[str], TextingCarer],
) -> None:  # fmt: skip
    assert carer(AMIRA).sends("stop please")[0].startswith("You won't get any more texts")
    invite(AMIRA)
    assert fake.sent_to(AMIRA) == []
    with app.app_context():
        assert utc_now() - db.session.scalars(select(SmsOptOut.opted_out_at)).one() < timedelta(
            minutes=1
        )
