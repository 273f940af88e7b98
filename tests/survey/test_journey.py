"""A carer's whole journey through the VOICES core on the web, as the test client sees it."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import Answer, Response, ResponsePerson
from app.services import areas as area_service
from app.services.encryption import contact_cipher
from tests.page_checks import SurveyWalker

# The carer's story: Mum was cared for at home and in hospital, never in a care home or hospice.
FILTER_ANSWERS = {
    "home.any_time": "yes",
    "home.gp.seen": "yes",
    "home.dn.seen": "yes",
    "home.spc.seen": "no",
    "home.carers.seen": "yes",
    "home.ooh.needed": "yes",
    "carehome.any_time": "no",
    "hospital.any_time": "yes",
    "hospice.any_time": "no",
    "pref.expressed": "yes",
    "death.told_likely": "yes",
}
# Questions the carer chooses to leave blank.
SKIPPED = {"about.sex", "home.equipment", "you.lgbtq"}
TEXT_ANSWERS = {"overall.good": "The nurses held her hand. <script>alert(1)</script>"}


def answer_for(walker: SurveyWalker, name: str) -> str | list[str] | None:
    if name in SKIPPED:
        return None
    if name in FILTER_ANSWERS:
        return FILTER_ANSWERS[name]
    if name in TEXT_ANSWERS:
        return TEXT_ANSWERS[name]
    assert walker.soup is not None
    choices = walker.soup.select(f'main input[name="{name}"][type=radio]')
    if choices:
        return str(choices[0]["value"])  # best option first, as every scale is ordered
    boxes = walker.soup.select(f'main input[name="{name}"][type=checkbox]')
    if boxes:
        return [str(boxes[0]["value"])]
    return None


def start_open_link(client: FlaskClient, area_slug: str = "north-riverside") -> SurveyWalker:
    walker = SurveyWalker(client)
    soup = walker.get(f"/a/{area_slug}")
    assert "any question" in soup.get_text(" ")
    walker.submit()
    assert walker.path == "/survey/consent"
    walker.submit({"consent": "yes"})
    assert walker.path == "/survey/person"
    walker.submit({"person_name": "Amira"})
    return walker


def walk_to_check_page(walker: SurveyWalker, limit: int = 200) -> list[str]:
    pages: list[str] = []
    while walker.page_id and len(pages) < limit:
        pages.append(walker.page_id)
        values = {}
        for name in walker.field_names():
            answer = answer_for(walker, name)
            values[name] = answer if answer is not None else ""
        walker.submit(values)
    assert walker.path == "/survey/check", walker.path
    return pages


def stored_answers(response_id: str) -> dict[str, str | None]:
    response = db.session.scalar(select(Response).where(Response.response_id == response_id))
    assert response is not None
    rows = db.session.execute(
        select(Answer.item_id, Answer.value).where(Answer.response_id == response.id)
    )
    return {item_id: value for item_id, value in rows}


def answers_in(app: Flask) -> dict[str, str | None]:
    with app.app_context():
        return stored_answers(the_only_response().response_id)


def the_only_response() -> Response:
    responses = db.session.scalars(select(Response)).all()
    assert len(responses) == 1
    return responses[0]


def test_a_carer_answers_about_home_and_hospital_and_skips_care_home_and_hospice(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        area_service.add_area(db.session(), "north-riverside", "North Riverside ICB")
    walker = start_open_link(client)
    pages = walk_to_check_page(walker)

    assert "home-gp-care" in pages and "hospital-rating" in pages
    assert not {"carehome-dignity", "carehome-pain", "hospice-pain", "home-spc-care"} & set(pages)
    check_text = walker.soup.get_text(" ") if walker.soup else ""
    assert "How were you related to Amira?" in check_text
    assert "Not answered" in check_text
    # Free text is escaped on the page, never executed.
    assert walker.soup is not None and not walker.soup.select("main script")
    assert "<script>alert(1)</script>" in check_text

    walker.submit()
    assert walker.path == "/survey/thank-you"

    with app.app_context():
        response = the_only_response()
        answers = stored_answers(response.response_id)
        person = db.session.get(ResponsePerson, response.id)
    assert response.status == "submitted" and response.submitted_at is not None
    assert answers["home.any_time"] == "yes"
    assert answers["hospital.any_time"] == "yes"
    assert answers["hospital.rating"] == "outstanding"
    assert answers["home.gp.dignity"] == "always"
    assert answers["overall.good"] == TEXT_ANSWERS["overall.good"]
    # Filter questions answered "no" are stored; the blocks they skip are not.
    assert answers["carehome.any_time"] == "no" and answers["hospice.any_time"] == "no"
    assert not [
        item
        for item in answers
        if item.startswith(("carehome.", "hospice.")) and not item.endswith("any_time")
    ]
    assert "home.spc.rating" not in answers
    # Questions the carer saw and left blank are recorded as seen-but-skipped.
    for item_id in SKIPPED:
        assert item_id in answers and answers[item_id] is None
    # The name is kept apart from the answers.
    assert "Amira" not in {v for v in answers.values() if v}
    # ... and only encrypted, with the contacts' key.
    assert person is not None and "Amira" not in person.person_name_encrypted
    assert contact_cipher(app.config).decrypt(person.person_name_encrypted) == "Amira"


def test_after_submission_the_journey_cannot_change_answers(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        area_service.add_area(db.session(), "north-riverside", "North Riverside ICB")
    walker = start_open_link(client)
    first_page = walker.path
    walker.submit({"about.relationship": "child"})
    walk_to_check_page(walker)
    walker.submit()
    before = answers_in(app)

    # The back button brings up an old page and the carer presses continue again.
    soup = walker.get(first_page)
    assert walker.path == "/survey/thank-you", "a submitted response shows thanks, not a form"
    assert soup.find("h1") is not None
    assert answers_in(app) == before


def test_changing_an_answer_from_the_check_page_opens_the_new_questions(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        area_service.add_area(db.session(), "north-riverside", "North Riverside ICB")
    walker = start_open_link(client)
    walk_to_check_page(walker)
    assert walker.soup is not None
    change = walker.soup.select_one('a[href*="/survey/q/hospice-any-time"]')
    assert change is not None
    walker.get(str(change["href"]))
    walker.submit({"hospice.any_time": "yes"})
    # The first new hospice question comes next, then the carer is back on the check page.
    assert walker.page_id == "hospice-dignity"
    while walker.page_id:
        walker.submit()
    assert walker.path == "/survey/check"
    assert "hospice.rating" in answers_in(app)

    # Saying "no" again removes the hospice answers in the same transaction.
    walker.get("/survey/q/hospice-any-time?return_to=check")
    walker.submit({"hospice.any_time": "no"})
    answers = answers_in(app)
    assert "hospice.rating" not in answers and answers["hospice.any_time"] == "no"
