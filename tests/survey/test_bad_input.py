"""Bad input gets a kind, clear answer and never loses or corrupts what is stored."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.extensions import db
from app.models import Answer, Response
from app.services import answer_pages
from app.services import areas as area_service
from app.services import invitations as invitation_service
from app.survey.context import default_questionnaire
from tests.page_checks import SurveyWalker, parse_page
from tests.survey.test_journey import answers_in, start_open_link, walk_to_check_page


@pytest.fixture
def area(app: Flask) -> str:
    with app.app_context():
        area_service.add_area(db.session(), "north-riverside", "North Riverside ICB")
    return "north-riverside"


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def walk_to(walker: SurveyWalker, page_id: str) -> None:
    while walker.page_id != page_id:
        assert walker.page_id is not None, f"never reached {page_id}"
        walker.submit()


def test_an_unknown_link_gets_a_kind_not_found_page(client: FlaskClient) -> None:
    response = client.get("/s/this-is-not-a-real-token-at-all")
    assert response.status_code == 404
    soup = parse_page(response)
    assert "cannot find" in soup.h1.get_text()
    assert "check the link" in soup.get_text(" ").lower()


def test_a_used_up_link_looks_exactly_like_an_unknown_one(
    app: Flask, client: FlaskClient, area: str
) -> None:
    with app.app_context():
        issued = invitation_service.create_invitation(
            db.session(),
            area=area_service.area_by_slug(db.session(), area),
            questionnaire_id="voices-core",
        )
        token = issued.token
    walker = SurveyWalker(client)
    walker.get(f"/s/{token}")
    assert walker.path == "/survey/welcome"
    walker.get("/survey/consent")  # the welcome page's Start button is a plain link-like GET form
    walker.submit({"consent": "yes"})
    walker.submit({"person_name": ""})
    walk_to_check_page(walker)
    walker.submit()
    assert walker.path == "/survey/thank-you"

    used = client.get(f"/s/{token}")
    unknown = client.get("/s/another-token-that-was-never-issued-123")
    assert used.status_code == unknown.status_code == 404
    assert parse_page(used).main.get_text() == parse_page(unknown).main.get_text()


def test_a_post_without_a_csrf_token_is_refused_and_stores_nothing(
    app: Flask, client: FlaskClient, area: str
) -> None:
    walker = start_open_link(client)
    before = answers_in(app)
    response = client.post(
        f"/survey/q/{walker.page_id}",
        data={"page_id": walker.page_id, "about.relationship": "child"},
    )
    assert response.status_code == 400
    assert "Nothing from this page was saved" in parse_page(response).get_text(" ")
    assert answers_in(app) == before


def test_over_long_text_is_explained_on_the_page_and_nothing_is_stored(
    app: Flask, client: FlaskClient, area: str
) -> None:
    walker = start_open_link(client)
    walk_to(walker, "overall-good")
    before = answers_in(app)
    walker.submit({"overall.good": "x" * 5001}, expect=400)
    assert walker.page_id == "overall-good"
    messages = walker.error_messages()
    assert messages and "5001" in messages[0] and "5000" in messages[0]
    assert walker.soup is not None
    assert walker.soup.select_one("textarea").get_text() == "x" * 5001, "what was typed is kept"
    assert answers_in(app) == before


def test_an_unknown_option_code_is_explained_and_nothing_is_stored(
    app: Flask, client: FlaskClient, area: str
) -> None:
    walker = start_open_link(client)
    before = answers_in(app)
    walker.submit({"about.relationship": "cousin-twice-removed"}, expect=400)
    assert walker.page_id == "about-relationship"
    assert walker.error_messages()
    assert answers_in(app) == before


def test_a_tampered_page_field_is_explained_and_nothing_is_stored(
    app: Flask, client: FlaskClient, area: str
) -> None:
    walker = start_open_link(client)
    before = answers_in(app)
    walker.submit({"page_id": "hospice-pain", "about.relationship": "child"}, expect=400)
    assert walker.page_id == "about-relationship"
    assert "changed since you opened it" in walker.soup.get_text(" ") if walker.soup else False
    assert answers_in(app) == before


def test_a_page_that_is_not_on_the_route_cannot_be_answered(
    app: Flask, client: FlaskClient, area: str
) -> None:
    walker = start_open_link(client)
    walk_to(walker, "carehome-any-time")
    walker.submit({"carehome.any_time": "no"})
    before = answers_in(app)
    # A hand-made post to the care home block, which "no" skipped.
    walker.get("/survey/q/about-relationship")
    walker.submit({"page_id": "carehome-pain", "carehome.pain": "complete_all"}, expect=400)
    response = client.get("/survey/q/carehome-pain")
    assert response.status_code == 302
    assert answers_in(app) == before


def test_submitting_twice_keeps_exactly_one_response(
    app: Flask, client: FlaskClient, area: str
) -> None:
    walker = start_open_link(client)
    walk_to_check_page(walker)
    assert walker.soup is not None
    token = walker.soup.select_one("main form input[name=csrf_token]")["value"]
    first = client.post("/survey/submit", data={"csrf_token": token})
    with app.app_context():
        submitted_at = db.session.scalar(select(Response.submitted_at))
    second = client.post("/survey/submit", data={"csrf_token": token})
    assert first.status_code == second.status_code == 302
    assert first.location.endswith("/survey/thank-you") and second.location.endswith("/thank-you")
    assert count(app, Response) == 1
    with app.app_context():
        assert db.session.scalar(select(Response.submitted_at)) == submitted_at


def test_starting_again_in_another_tab_continues_the_same_response(
    app: Flask, client: FlaskClient, area: str
) -> None:
    walker = start_open_link(client)
    walker.submit({"about.relationship": "child"})
    other_tab = SurveyWalker(client)
    other_tab.get(f"/a/{area}")
    other_tab.submit()
    assert count(app, Response) == 1
    assert other_tab.page_id == "about-age", "the second tab carries on where the first was"


def test_a_crash_while_saving_a_page_keeps_earlier_pages_and_stores_none_of_it(
    app: Flask, client: FlaskClient, area: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    walker = start_open_link(client)
    walker.submit({"about.relationship": "child"})
    walker.submit({"about.age_band": "85_plus"})
    before = answers_in(app)

    def crash(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("worker killed mid-save")

    # Fail after the answers were added to the transaction but before it commits.
    monkeypatch.setattr(answer_pages, "next_page", crash)
    walker.submit({"about.sex": "female"}, expect=500)
    assert answers_in(app) == before
    monkeypatch.undo()

    # The carer comes back: earlier pages intact, and they carry on at the page that failed.
    walker.get(f"/a/{area}")
    walker.submit()
    assert walker.page_id == "about-sex"
    walker.submit({"about.sex": "female"})
    assert answers_in(app)["about.sex"] == "female"


def test_every_answer_on_a_page_is_checked_before_any_is_stored(
    app: Flask, client: FlaskClient, area: str
) -> None:
    walker = start_open_link(client)
    walk_to(walker, "hospital-any-time")
    walker.submit({"hospital.any_time": "yes"})
    assert walker.page_id == "hospital-dignity"
    before = answers_in(app)
    walker.submit(
        {"hospital.doctors.dignity": "always", "hospital.nurses.dignity": "sometimes-ish"},
        expect=400,
    )
    assert len(walker.error_messages()) == 1
    assert answers_in(app) == before
    with app.app_context():
        assert default_questionnaire().item("hospital.doctors.dignity").option_codes[0] == "always"
    assert count(app, Answer) == len(before)
