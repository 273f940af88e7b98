"""Carers on the web: started before publishing keeps the core, started after gets the module."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import Answer, Area, CommunityGroup, Response, RoleAssignment, User
from app.questionnaire import QuestionnaireLibrary
from app.services import codesign
from app.services import codesign_publishing as publishing
from tests.auth.staff_helpers import csrf_token, make_places
from tests.page_checks import parse_page


def publish_one_question(app: Flask) -> str:
    """Publish one approved local question for north-riverside; its page id."""
    with app.app_context():
        session = db.session()
        area = session.scalars(select(Area).where(Area.slug == "north-riverside")).one()
        group = session.scalars(
            select(CommunityGroup).where(CommunityGroup.slug == "polish-community")
        ).one()
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
                question_type="single",
                text="Which language would you have liked the hospital to use?",
                option_labels=("English", "Polish", "Both"),
                reason="Several families had no interpreter.",
            ),
        )
        codesign.submit_for_review(session, fay, question)
        codesign.review(session, cora, question, "approve")
        library = QuestionnaireLibrary(Path(app.config["QUESTIONNAIRES_DIR"]))
        core = library.get(app.config["DEFAULT_QUESTIONNAIRE"])
        published = publishing.publish_area_module(
            session, cora, area, publishing.core_data(library, core)
        )
        composed = publishing.questionnaire_of(published)
        return composed.item(question.item_id).page_id


def start_with_consent(app: Flask) -> FlaskClient:
    carer = app.test_client()
    token = csrf_token(carer, "/a/north-riverside?group=polish-community")
    carer.post("/a/north-riverside/start", data={"csrf_token": token, "group": "polish-community"})
    carer.post(
        "/survey/consent",
        data={"csrf_token": csrf_token(carer, "/survey/consent"), "consent": "yes"},
    )
    return carer


def test_each_carer_answers_the_version_they_started_on(app: Flask) -> None:
    make_places(app)
    before = start_with_consent(app)
    local_page = publish_one_question(app)
    after = start_with_consent(app)

    page = parse_page(after.get(f"/survey/q/{local_page}"))
    assert "Which language would you have liked" in page.get_text()
    [field] = page.find_all("input", attrs={"value": "polish"})
    token = csrf_token(after, f"/survey/q/{local_page}")
    saved = after.post(
        f"/survey/q/{local_page}",
        data={"csrf_token": token, "page_id": local_page, field["name"]: "polish"},
    )
    assert saved.status_code == 302

    # The carer who started on the core is never shown the local page.
    assert before.get(f"/survey/q/{local_page}").status_code == 302
    with app.app_context():
        versions = {
            (r.questionnaire_id, r.community_group.slug if r.community_group else None)
            for r in db.session.scalars(select(Response))
        }
        assert versions == {
            ("voices-core", "polish-community"),
            ("voices-core-north-riverside", "polish-community"),
        }
        answer = db.session.scalars(select(Answer)).one()
        assert answer.item_id == field["name"] and answer.value == "polish"
