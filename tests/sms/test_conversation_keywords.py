"""HELP, SKIP, BACK, LINK, LANG and DELETE in the middle of a survey, and replies we cannot use."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, Contact, Invitation, Response, SmsInbound, SmsOptOut, SmsOutbox
from app.models.withdrawal import Withdrawal
from tests.fake_twilio.server import FakeTwilio
from tests.fake_twilio.support import TextingCarer, signed_post, twiml_messages
from tests.sms.conftest import AMIRA


@pytest.fixture
def amira(invite: Callable[..., None], carer: Callable[[str], TextingCarer]) -> TextingCarer:
    """Amira has said yes and been asked the first question."""
    invite(AMIRA)
    phone = carer(AMIRA)
    assert phone.sends("yes")[0].startswith("Overall, how would you rate")
    return phone


def stored_answers(app: Flask) -> dict[str, str | None]:
    with app.app_context():
        return dict(db.session.execute(select(Answer.item_id, Answer.value)).all())


def test_help_explains_and_signposts_support_without_moving_on(amira: TextingCarer) -> None:
    [help_text] = amira.sends("HELP")
    assert "SKIP" in help_text and "STOP" in help_text and "Cruse" in help_text
    assert amira.sends("2")[0].startswith("In the last 2 days of life, how often did nurses")


def test_skip_records_a_skipped_question_and_back_asks_the_previous_one(
    app: Flask, amira: TextingCarer
) -> None:
    assert amira.sends("skip")[0].startswith("In the last 2 days of life, how often did nurses")
    assert stored_answers(app) == {"overall.rating": None}
    assert amira.sends("Back")[0].startswith("Overall, how would you rate")
    assert amira.sends("BACK") == [
        "This is the first question.",
        amira.sends("BACK")[1],
    ]
    assert amira.sends("1")[0].startswith("In the last 2 days of life, how often did nurses")
    assert stored_answers(app) == {"overall.rating": "outstanding"}


def test_link_sends_the_personal_web_link(fake: FakeTwilio, amira: TextingCarer) -> None:
    [reply] = amira.sends("link")
    invitation = fake.sent_to(AMIRA)[0].body
    link = reply.split(": ", 1)[1]
    assert link.startswith("https://survey.example.nhs.uk/s/") and link in invitation


def test_lang_offers_the_languages_and_records_the_choice(app: Flask, amira: TextingCarer) -> None:
    app.config["SMS_LANGUAGES"] = "en,cy,pl,ur"
    app.extensions.pop("carer_voices.sms_context", None)
    [menu] = amira.sends("LANG")
    assert "1 English 2 Cymraeg 3 Polski 4 اردو" in menu
    # The next prompt comes in Polish (a draft translation), and the choice is recorded.
    assert amira.sends("3")[0].startswith("Jak ogólnie ocenia")
    with app.app_context():
        assert db.session.scalar(select(Response.language)) == "pl"


def test_delete_withdraws_answers_and_messages_and_stops_everything(
    app: Flask, amira: TextingCarer
) -> None:
    amira.sends("1")
    amira.sends("The hospice")
    [confirmation] = amira.sends("DELETE")
    assert "deleted" in confirmation
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 0
        assert db.session.scalar(select(func.count(Answer.response_id))) == 0
        bodies = db.session.scalars(select(SmsInbound.body_encrypted)).all()
        assert all(body is None for body in bodies)
        invitation = db.session.scalar(select(Invitation))
        assert invitation is not None and invitation.withdrawn_at is not None
        assert db.session.scalar(select(func.count(SmsOutbox.id))) == 1  # only the invitation
        # The contact is gone with everything else; the number is only a hash on the opt-out list.
        assert db.session.scalar(select(func.count(Contact.id))) == 0
        assert db.session.scalar(select(func.count(SmsOptOut.phone_hash))) == 1
        assert db.session.scalar(select(func.count(Withdrawal.id))) == 1
    # We no longer know the number, so a later text gets the reply any stranger would.
    assert "don't recognise this number" in amira.sends("1")[0]
    assert app.test_client().get("/s/anything").status_code == 404


@pytest.mark.parametrize("reply", ["🙂🙂", "x" * 1600, "     ", "9", "maybe"])
def test_a_reply_we_cannot_use_is_asked_again_twice_then_skipped(
    app: Flask, amira: TextingCarer, reply: str
) -> None:
    first = amira.sends(reply)
    assert first[0] == "Sorry, please reply with a number from 1 to 5, or SKIP."
    assert first[1].startswith("Overall, how would you rate")
    assert amira.sends(reply)[0].startswith("Sorry, please reply")
    third = amira.sends(reply)
    assert third[0] == "We'll skip that question."
    assert third[1].startswith("In the last 2 days of life, how often did nurses")
    assert stored_answers(app) == {"overall.rating": None}


def test_the_free_text_question_keeps_emoji_and_long_replies(
    app: Flask, amira: TextingCarer
) -> None:
    for _ in range(8):
        amira.sends("SKIP")
    assert amira.sends("     ")[0] == "Please reply in your own words, or SKIP."
    long_reply = "They were kind 🙂 " * 94
    assert amira.sends(long_reply[:1600])[0].startswith("Thank you for your answers")
    assert stored_answers(app)["overall.improve"] == long_reply[:1600].strip()


def test_a_number_we_do_not_know_gets_a_polite_reply_and_nothing_is_stored(
    app: Flask, fake: FakeTwilio, area: str, carer: Callable[[str], TextingCarer]
) -> None:
    [reply] = carer("+447911999999").sends("Hello, who is this?")
    assert reply.startswith("Sorry, we don't recognise this number") and "0800" in reply
    with app.app_context():
        assert db.session.scalar(select(func.count(SmsInbound.id))) == 0
    not_a_number = {"MessageSid": "SM" + "1" * 32, "From": "Anonymous", "Body": "hi"}
    response = signed_post(app.test_client(), "/sms/inbound", not_a_number, token=fake.auth_token)
    assert twiml_messages(response)[0].startswith("Sorry, we don't recognise")
