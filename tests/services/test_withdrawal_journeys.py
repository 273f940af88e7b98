"""A carer deletes their answers on the web: from the thank-you page, or later with a code."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, Response, ResponsePerson, Withdrawal
from app.services import areas as area_service
from tests.page_checks import SurveyWalker, parse_page
from tests.survey.test_journey import start_open_link, walk_to_check_page

CODE = re.compile(r"\b([0-9A-Z]{5}-[0-9A-Z]{5})\b")


def nothing_of_the_response_is_left(app: Flask) -> None:
    with app.app_context():
        for model in (Response, Answer, ResponsePerson):
            assert db.session.scalar(select(func.count()).select_from(model)) == 0, model


def send_answers(app: Flask, client: FlaskClient) -> SurveyWalker:
    with app.app_context():
        area_service.add_area(db.session(), "north-riverside", "North Riverside ICB")
    walker = start_open_link(client)
    walk_to_check_page(walker)
    walker.submit()
    assert walker.path == "/survey/thank-you"
    return walker


def test_a_carer_changes_their_mind_on_the_thank_you_page(app: Flask, client: FlaskClient) -> None:
    walker = send_answers(app, client)
    assert walker.soup is not None
    link = walker.soup.find("a", string="delete your answers now")
    assert link is not None
    confirm = walker.get(str(link["href"]))
    assert "Are you sure" in confirm.get_text()
    walker.submit()
    assert walker.path == "/withdraw/done"
    assert "Your answers have been deleted" in walker.soup.get_text()
    nothing_of_the_response_is_left(app)
    with app.app_context():
        tombstone = db.session.scalar(select(Withdrawal))
        assert tombstone is not None and tombstone.via == "web" and tombstone.was_submitted
    # The browser holds nothing any more: the thank-you page has nothing to show.
    assert client.get("/survey/thank-you").status_code == 302


def test_a_carer_withdraws_weeks_later_with_the_code_from_the_thank_you_page(
    app: Flask, client: FlaskClient
) -> None:
    walker = send_answers(app, client)
    assert walker.soup is not None
    found = CODE.search(walker.soup.get_text(" "))
    assert found, "the thank-you page shows a withdrawal code"
    code = found.group(1)

    later = SurveyWalker(app.test_client())
    later.get("/withdraw")
    later.submit({"code": code.lower().replace("-", " ")})
    assert later.path == "/withdraw/confirm"
    later.submit()
    assert later.path == "/withdraw/done"
    nothing_of_the_response_is_left(app)

    again = SurveyWalker(app.test_client())
    again.get("/withdraw")
    again.submit({"code": code}, expect=400)
    assert "could not find" in again.soup.get_text() if again.soup else False


def test_a_carer_part_way_through_withdraws_with_their_resume_code(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        area_service.add_area(db.session(), "north-riverside", "North Riverside ICB")
    walker = start_open_link(client)
    saved = walker.submit(button_value="save_and_exit")
    code = CODE.search(saved.get_text(" "))
    assert code

    other = SurveyWalker(app.test_client())
    other.get("/withdraw")
    other.submit({"code": code.group(1)})
    other.submit()
    assert other.path == "/withdraw/done"
    nothing_of_the_response_is_left(app)


def test_an_unknown_code_deletes_nothing_and_guessing_is_throttled(
    app: Flask, client: FlaskClient
) -> None:
    send_answers(app, client)
    guesser = SurveyWalker(app.test_client())
    guesser.get("/withdraw")
    for _ in range(10):
        guesser.submit({"code": "AAAAA-AAAAA"}, expect=400)
    guesser.submit({"code": "AAAAA-AAAAA"}, expect=429)
    with app.app_context():
        assert db.session.scalar(select(func.count(Response.id))) == 1


def test_the_confirmation_page_without_a_code_asks_for_one(client: FlaskClient) -> None:
    response = client.get("/withdraw/confirm")
    assert response.status_code == 302 and response.headers["Location"] == "/withdraw"
    parse_page(client.get("/withdraw"))
