"""A carer can stop and come back, even after the application has restarted."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.services import areas as area_service
from app.services import invitations as invitation_service
from tests.conftest import make_app
from tests.page_checks import SurveyWalker
from tests.survey.test_journey import answers_in, start_open_link


def test_a_carer_with_a_resume_code_carries_on_after_a_restart(
    app: Flask, client: FlaskClient, migrated_database: str
) -> None:
    with app.app_context():
        area_service.add_area(db.session(), "north-riverside", "North Riverside ICB")
    walker = start_open_link(client)
    walker.submit({"about.relationship": "spouse_partner"})
    walker.submit({"about.age_band": "75_84"}, button_value="save_and_exit")
    assert walker.path == "/survey/saved"
    assert walker.soup is not None
    code = walker.soup.select_one(".cv-resume-code").get_text(strip=True)
    assert len(code.replace("-", "")) == 10

    restarted = make_app(migrated_database)
    new_browser = SurveyWalker(restarted.test_client())
    new_browser.get("/resume")
    # Written down by hand: lower case, spaces, and an O for a zero are all forgiven.
    new_browser.submit({"resume_code": code.lower().replace("-", " ").replace("0", "o")})
    assert new_browser.page_id == "about-sex"
    assert answers_in(restarted)["about.relationship"] == "spouse_partner"
    # The name given for the person who died is still used in the questions.
    assert new_browser.soup is not None
    assert "What was the sex of Amira?" in new_browser.soup.get_text(" ")


def test_a_wrong_resume_code_is_explained_kindly(app: Flask, client: FlaskClient) -> None:
    walker = SurveyWalker(client)
    walker.get("/resume")
    walker.submit({"resume_code": "ABCDE-12345"}, expect=400)
    assert walker.error_messages() and "could not find" in walker.error_messages()[0]


def test_a_personal_link_opens_the_same_response_after_a_restart(
    app: Flask, client: FlaskClient, migrated_database: str
) -> None:
    with app.app_context():
        area = area_service.add_area(db.session(), "north-riverside", "North Riverside ICB")
        token = invitation_service.create_invitation(
            db.session(), area=area, questionnaire_id="voices-core"
        ).token
    walker = SurveyWalker(client)
    walker.get(f"/s/{token}")
    assert token not in walker.path, "the token leaves the address bar at once"
    walker.get("/survey/consent")
    walker.submit({"consent": "yes"})
    walker.submit({"person_name": "Grandad"})
    walker.submit({"about.relationship": "other_relative"})

    restarted = make_app(migrated_database)
    again = SurveyWalker(restarted.test_client())
    again.get(f"/s/{token}")
    assert again.page_id == "about-age"
    assert again.soup is not None and "Grandad" in again.soup.get_text(" ")
