"""A carer in an area with published local questions is asked them by text after the core ones."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from app.extensions import db
from app.models import Answer, Area, CommunityGroup, Response, RoleAssignment, User
from app.questionnaire import QuestionnaireLibrary
from app.services import codesign
from app.services import codesign_publishing as publishing
from tests.fake_twilio.support import TextingCarer
from tests.sms.conftest import AMIRA


def publish_priest_question(app: Flask, area_slug: str) -> str:
    with app.app_context():
        session = db.session()
        area = session.scalars(select(Area).where(Area.slug == area_slug)).one()
        group = session.scalars(select(CommunityGroup)).first()
        assert group is not None
        fay = User(email="fay@example.org", password_hash="-")
        fay.assignments = [RoleAssignment(role="group_facilitator", community_group_id=group.id)]
        cora = User(email="cora@example.nhs.uk", password_hash="-")
        cora.assignments = [RoleAssignment(role="commissioner", area_id=area.id)]
        session.add_all([fay, cora])
        session.commit()
        question = codesign.propose(
            session,
            fay,
            group=group,
            area=area,
            data=codesign.ProposalInput(
                question_type="yes_no",
                text="Could a priest visit when you asked?",
                sms_text="Could a priest visit when you asked? 1 Yes 2 No 3 Don't know",
                reason="Families told us priests were turned away.",
            ),
        )
        codesign.submit_for_review(session, fay, question)
        codesign.review(session, cora, question, "approve")
        library = QuestionnaireLibrary(Path(app.config["QUESTIONNAIRES_DIR"]))
        core = library.get(app.config["DEFAULT_QUESTIONNAIRE"])
        publishing.publish_area_module(session, cora, area, publishing.core_data(library, core))
        return question.item_id


def test_the_local_question_comes_after_the_core_short_form(
    app: Flask,
    runner: FlaskCliRunner,
    area: str,
    invite: Callable[..., None],
    carer: Callable[[str], TextingCarer],
) -> None:
    item_id = publish_priest_question(app, area)
    invite(AMIRA)
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
