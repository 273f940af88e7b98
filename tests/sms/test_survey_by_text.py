"""A carer answers the short survey by text, and the answers land on one response, channel sms."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, Response, SmsConversation
from tests.fake_twilio.server import FakeTwilio
from tests.fake_twilio.support import TextingCarer
from tests.sms.conftest import AMIRA, CHLOE
from tests.sms.web_helpers import post_page, submit_on_web


def export_rows(runner: FlaskCliRunner) -> list[dict[str, str]]:
    result = runner.invoke(args=["responses", "export", "--format", "csv"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_amira_answers_every_question_by_text_and_her_answers_are_exported(
    app: Flask,
    runner: FlaskCliRunner,
    fake: FakeTwilio,
    invite: Callable[..., None],
    carer: Callable[[str], TextingCarer],
) -> None:
    invite(AMIRA, name_of_person="Rose", relationship="daughter")
    [invitation_text] = fake.sent_to(AMIRA)
    assert "Rose" in invitation_text.body and "Reply YES" in invitation_text.body
    assert "STOP" in invitation_text.body and "0800 634 9488" in invitation_text.body
    amira = carer(AMIRA)

    first = amira.sends("Yes")
    # The headline rating comes first, so one answer is already worth having.
    assert first[0].startswith("Overall, how would you rate the care Rose got")
    assert "nurses" in amira.sends("2 excellent")[0]
    assert "pain" in amira.sends("most")[0]
    assert "at home" in amira.sends("1")[0]
    assert "work well together" in amira.sends("yes")[0]  # was at home: coordination is asked
    assert "involved in care decisions" in amira.sends("2")[0]
    assert "help and support" in amira.sends("1")[0]
    assert "say where they would like to die" in amira.sends("3")[0]
    assert "right place" in amira.sends("1")[0]  # said yes: the follow-up is asked
    assert amira.sends("yes")[0].startswith("Where was Rose when they died?")
    assert "Last question" in amira.sends("Hospital")[0]
    goodbye = amira.sends("The night nurses were kind. Nobody told us the doctor had changed.")
    assert goodbye[0].startswith("Thank you for your answers")

    [row] = export_rows(runner)
    assert row["channel"] == "sms" and row["status"] == "submitted"
    assert row["overall.rating"] == "excellent"
    assert row["last2.nurses.dignity"] == "most"
    assert row["last2.pain"] == "complete_all"
    assert row["home.any_time"] == "yes"
    assert row["home.coordination"] == "to_some_extent"
    assert row["last2.family_involved"] == "definitely"
    assert row["death.support_at_time"] == "no"
    assert row["pref.expressed"] == "yes"
    assert row["pref.right_place"] == "yes"
    assert row["about.place_of_death"] == "hospital"
    assert row["overall.good"] == ""  # a web-only question, never asked by text
    assert row["overall.improve"].startswith("The night nurses were kind.")


def test_a_follow_up_question_is_only_asked_when_routing_allows_it(
    app: Flask, invite: Callable[..., None], carer: Callable[[str], TextingCarer]
) -> None:
    invite(AMIRA)
    amira = carer(AMIRA)
    amira.sends("yes")
    # Rating, dignity, pain; then "not at home", so coordination at home is never asked.
    for answer in ("2", "1", "1"):
        amira.sends(answer)
    assert "involved in care decisions" in amira.sends("2")[0]
    amira.sends("1")
    assert "say where they would like to die" in amira.sends("1")[0]
    follow_up = amira.sends("1")  # yes, they had said where they wanted to die
    assert "right place" in follow_up[0]
    # Going back and changing the filter answer takes the follow-up off the route.
    assert "say where they would like to die" in amira.sends("BACK")[0]
    assert amira.sends("No")[0].startswith("Where was")


def test_answers_by_text_and_by_the_web_link_share_one_response(
    app: Flask,
    runner: FlaskCliRunner,
    fake: FakeTwilio,
    invite: Callable[..., None],
    carer: Callable[[str], TextingCarer],
) -> None:
    invite(CHLOE)
    chloe = carer(CHLOE)
    chloe.sends("YES")  # asked the overall rating
    link = fake.sent_to(CHLOE)[0].body.split("use ")[1].split()[0]
    web = app.test_client()
    assert web.get(link.removeprefix("https://survey.example.nhs.uk")).status_code == 302
    page = web.get("/survey/q/overall-rating")
    assert page.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 1
    # She rates the care on the web, then answers the same question by text.
    post_page(web, "overall-rating", {"overall.rating": "poor"})
    post_page(web, "about-place-of-death", {"about.place_of_death": "home"})
    next_text = chloe.sends("2")  # the answer to the question she was asked by text
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 1
        stored = dict(db.session.execute(select(Answer.item_id, Answer.value)).all())
    assert stored["overall.rating"] == "excellent"  # the later answer, by text, wins
    assert stored["about.place_of_death"] == "home"  # answered only on the web: kept
    assert "nurses" in next_text[0]


def test_when_the_web_survey_is_submitted_the_texts_stop_asking(
    app: Flask, invite: Callable[..., None], carer: Callable[[str], TextingCarer], fake: FakeTwilio
) -> None:
    invite(CHLOE)
    chloe = carer(CHLOE)
    chloe.sends("yes")
    link = fake.sent_to(CHLOE)[0].body.split("use ")[1].split()[0]
    web = app.test_client()
    web.get(link.removeprefix("https://survey.example.nhs.uk"))
    submit_on_web(web)
    assert chloe.sends("1")[0].startswith("Thank you, we already have your answers")
    with app.app_context():
        assert db.session.scalar(select(func.count(Answer.response_id))) == 0


def test_a_conversation_resumes_after_a_gap_and_a_restart(
    app: Flask,
    migrated_database: str,
    twilio_api: object,
    invite: Callable[..., None],
    carer: Callable[[str], TextingCarer],
    fake: FakeTwilio,
) -> None:
    invite(AMIRA)
    carer(AMIRA).sends("yes")
    carer(AMIRA).sends("1")  # outstanding; now asked about the nurses
    from tests.fake_twilio.support import make_sms_app

    restarted = make_sms_app(migrated_database, twilio_api)  # type: ignore[arg-type]
    amira_again = TextingCarer(restarted.test_client(), AMIRA, fake.auth_token)
    assert "pain" in amira_again.sends("3")[0]
    with restarted.app_context():
        conversation = db.session.scalar(select(SmsConversation))
        assert conversation is not None and conversation.current_item_id == "last2.pain"
        db.engine.dispose()


def test_replies_after_the_survey_is_done_are_thanked_and_change_nothing(
    app: Flask, invite: Callable[..., None], carer: Callable[[str], TextingCarer]
) -> None:
    invite(AMIRA)
    amira = carer(AMIRA)
    amira.sends("yes")
    # Nine questions when the filter question is skipped (its follow-up is never asked).
    replies = [amira.sends("SKIP")[0] for _ in range(9)]
    assert replies[-1].startswith("Thank you for your answers")
    with app.app_context():
        before = dict(db.session.execute(select(Answer.item_id, Answer.value)).all())
    assert amira.sends("1")[0].startswith("Thank you, we already have your answers")
    assert amira.sends("Actually it was excellent")[0].startswith("Thank you, we already")
    with app.app_context():
        after = dict(db.session.execute(select(Answer.item_id, Answer.value)).all())
    assert before == after and all(value is None for value in after.values())
