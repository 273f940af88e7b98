"""A page view reads the carer's response and their stored answers in one statement."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.questionnaire import Questionnaire
from app.services import answer_pages
from app.services.encryption import contact_cipher
from tests.services.conftest import AddResponse

CIPHER = contact_cipher({"SECRET_KEY": "tests-of-reading"})
OPEN = {"status": "in_progress", "submitted_at": None}


def _statements_while(session: Session, action: object) -> list[str]:
    seen: list[str] = []
    engine = session.get_bind()

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert callable(action)
        action()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return seen


def test_the_answers_come_with_the_response_in_one_statement(
    session: Session, questionnaire: Questionnaire, add_response: AddResponse
) -> None:
    public_id = add_response({"about.relationship": "child", "about.sex": None}, **OPEN).response_id
    # A new request's session: nothing read yet.
    session.close()
    read: list[answer_pages.OpenResponse] = []

    def page_view() -> None:
        response = answer_pages.read_open_response(session, public_id, CIPHER)
        read.append(response)
        answer_pages.load_answers(session, response, questionnaire)

    statements = _statements_while(session, page_view)
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    response = read[0]
    assert response.stored_texts == {"about.relationship": "child", "about.sex": None}
    assert answer_pages.load_answers(session, response, questionnaire) == {
        "about.relationship": "child",
        "about.sex": None,
    }


def test_a_response_without_answers_reads_as_no_answers(
    session: Session, questionnaire: Questionnaire, add_response: AddResponse
) -> None:
    stored = add_response({}, **OPEN)
    response = answer_pages.read_open_response(session, stored.response_id, CIPHER)
    assert response.stored_texts == {}
    assert answer_pages.load_answers(session, response, questionnaire) == {}


def test_each_carer_reads_only_their_own_answers(
    session: Session, questionnaire: Questionnaire, add_response: AddResponse
) -> None:
    mine = add_response({"about.relationship": "child"}, **OPEN)
    theirs = add_response(
        {"about.relationship": "spouse_partner", "about.age_band": "85_plus"}, **OPEN
    )
    assert answer_pages.read_open_response(session, mine.response_id, CIPHER).stored_texts == {
        "about.relationship": "child"
    }
    assert answer_pages.read_open_response(session, theirs.response_id, CIPHER).stored_texts == {
        "about.relationship": "spouse_partner",
        "about.age_band": "85_plus",
    }


def test_a_read_for_saving_leaves_the_answers_to_the_save_itself(
    session: Session, questionnaire: Questionnaire, add_response: AddResponse
) -> None:
    stored = add_response({"about.relationship": "child"}, **OPEN)
    response = answer_pages.read_open_response(session, stored.response_id, CIPHER, for_saving=True)
    # The save reads them again under its lock, so a read for saving carries none.
    assert response.stored_texts is None
    session.rollback()


def test_answers_read_with_the_response_are_read_again_after_a_save(
    session: Session, questionnaire: Questionnaire, add_response: AddResponse
) -> None:
    stored = add_response({"about.relationship": "child"}, **OPEN)
    response = answer_pages.read_open_response(session, stored.response_id, CIPHER)
    answer_pages.save_page(
        session, response, questionnaire, "about-age", {"about.age_band": "75_84"}
    )
    # The save committed: the answers read with the response are history now.
    assert answer_pages.load_answers(session, response, questionnaire) == {
        "about.relationship": "child",
        "about.age_band": "75_84",
    }
