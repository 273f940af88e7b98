"""Carers on the web: started before publishing keeps the core, started after gets the module."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import Answer, Area, Response
from app.services import codesign_publishing as publishing
from tests.auth.staff_helpers import csrf_token, make_places
from tests.codesign.local_question_steps import LANGUAGE_QUESTION, approve_and_publish
from tests.page_checks import parse_page


def publish_one_question(app: Flask) -> str:
    """Publish one approved local question for north-riverside; its page id."""
    item_id = approve_and_publish(app, "north-riverside", LANGUAGE_QUESTION, "polish-community")
    with app.app_context():
        area = db.session.scalars(select(Area).where(Area.slug == "north-riverside")).one()
        latest = publishing.published_versions(db.session(), area.id)[0]  # newest first
        return publishing.questionnaire_of(latest).item(item_id).page_id


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
