"""/dev/sms lets a developer try the whole conversation in a browser, and exists nowhere else."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app import create_app
from app.extensions import db
from app.models import Area
from tests.fake_twilio.support import empty_every_table
from tests.page_checks import parse_page


@pytest.fixture
def console_app(migrated_database: str) -> Iterator[Flask]:
    application = create_app(
        "testing", {"SQLALCHEMY_DATABASE_URI": migrated_database, "SMS_BACKEND": "console"}
    )
    with application.app_context():
        db.session.add(Area(slug="north-riverside", name="North Riverside ICB"))
        db.session.commit()
    yield application
    empty_every_table(application)


def post(client: FlaskClient, **form: str) -> None:
    page = client.get("/dev/sms").get_data(as_text=True)
    token = re.search(r'name="csrf_token"\s+value="([^"]+)"', page)
    assert token
    response = client.post("/dev/sms", data={"csrf_token": token.group(1), **form})
    assert response.status_code == 302


def test_a_developer_plays_the_conversation_in_the_browser(console_app: Flask) -> None:
    client = console_app.test_client()
    soup = parse_page(client.get("/dev/sms"))
    assert soup.h1 and "Try the text survey" in soup.h1.get_text()
    post(client, phone="07911 123456", action="invite")
    page = client.get("/dev/sms").get_data(as_text=True)
    assert "invitation: queued" in page and "Reply YES" in page
    assert "+44 79** ***456" in page
    post(client, phone="07911 123456", message="yes", action="send")
    page = client.get("/dev/sms").get_data(as_text=True)
    assert "Overall, how would you rate" in page
    post(client, phone="07911 123456", message="1", action="send")
    assert "how often did nurses" in client.get("/dev/sms").get_data(as_text=True)


def test_the_playground_needs_a_csrf_token(console_app: Flask) -> None:
    response = console_app.test_client().post("/dev/sms", data={"message": "yes"})
    assert response.status_code == 400


def test_the_playground_does_not_exist_with_twilio(app: Flask) -> None:
    assert app.config["SMS_BACKEND"] == "twilio"
    assert app.test_client().get("/dev/sms").status_code == 404
