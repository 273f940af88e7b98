"""A carer in an area with published local questions is asked them by text after the core ones."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from app.extensions import db
from app.models import Answer, Response
from app.services import codesign
from tests.codesign.local_question_steps import approve_and_publish
from tests.fake_twilio.server import FakeTwilio
from tests.fake_twilio.support import TextingCarer
from tests.sms.conftest import AMIRA

PRIEST = codesign.ProposalInput(
    question_type="yes_no",
    text="Could a priest visit when you asked?",
    sms_text="Could a priest visit when you asked? 1 Yes 2 No 3 Don't know",
    reason="Families told us priests were turned away.",
)


def publish_priest_question(app: Flask, area_slug: str) -> str:
    return approve_and_publish(app, area_slug, PRIEST)


def test_the_local_question_comes_after_the_core_short_form(
    app: Flask,
    runner: FlaskCliRunner,
    area: str,
    invite: Callable[..., None],
    carer: Callable[[str], TextingCarer],
    fake: FakeTwilio,
) -> None:
    item_id = publish_priest_question(app, area)
    invite(AMIRA)
    # The invitation counts the area's texts: the core's short form and the local question.
    [invitation] = fake.sent_to(AMIRA)
    assert "answer 12 short questions" in invitation.body
    amira = carer(AMIRA)
    # Answer each core question with "1" (a valid answer to every choice and text question),
    # whatever the short form holds, until the local question comes; it must come last.
    prompts = [amira.sends("yes")[0]]
    while not prompts[-1].startswith("Could a priest visit") and len(prompts) < 40:
        prompts.append(amira.sends("1")[0])
    assert prompts[-1].startswith("Could a priest visit when you asked?")
    assert len(prompts) > 2  # the core questions were asked first
    goodbye = amira.sends("2")
    assert goodbye[0].startswith("Thank you for your answers")
    with app.app_context():
        response = db.session.scalars(select(Response)).one()
        assert response.questionnaire_id == "voices-core-north-riverside"
        answer = db.session.scalars(select(Answer).where(Answer.item_id == item_id)).one()
        assert answer.value == "no"
    result = runner.invoke(args=["responses", "export", "--format", "csv"])
    assert result.exit_code == 0, result.output
    [row] = list(csv.DictReader(io.StringIO(result.stdout)))
    assert row["questionnaire_id"] == "voices-core-north-riverside"
    assert row[item_id] == "no" and row["overall.rating"] == "outstanding"
