"""A save that reads its response inside its own write transaction: locked, whole, or nothing."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from app.questionnaire import Questionnaire
from app.services import answer_pages
from app.services.encryption import contact_cipher
from app.services.errors import ResponseAlreadySubmitted, ResponseNotFound
from tests.services.conftest import AddResponse

PAGE = "about-age"
ITEM = "about.age_band"
# No name is stored in these tests; any key reads "no name".
CIPHER = contact_cipher({"SECRET_KEY": "tests-of-saving"})


def test_a_save_read_for_saving_stores_the_page_in_that_one_transaction(
    session: Session, questionnaire: Questionnaire, add_response: AddResponse
) -> None:
    stored = add_response({"about.relationship": "child"}, status="in_progress", submitted_at=None)
    session.commit()
    response = answer_pages.read_open_response(session, stored.response_id, CIPHER, for_saving=True)
    assert session.in_transaction()
    saved = answer_pages.save_page(session, response, questionnaire, PAGE, {ITEM: "75_84"})
    assert saved.next_page_id is not None
    assert not session.in_transaction()  # committed
    assert answer_pages.load_answers(session, response, questionnaire)[ITEM] == "75_84"

    # The next save, read the ordinary way, takes its own lock in a fresh transaction.
    again = answer_pages.read_open_response(session, stored.response_id, CIPHER)
    answer_pages.save_page(session, again, questionnaire, PAGE, {ITEM: "85_plus"})
    assert answer_pages.load_answers(session, again, questionnaire)[ITEM] == "85_plus"


@pytest.mark.parametrize("status", ["submitted", "missing"])
def test_a_response_that_cannot_change_leaves_no_write_transaction_open(
    session: Session, add_response: AddResponse, status: str
) -> None:
    public_id = "no-such-response"
    if status == "submitted":
        public_id = add_response({"about.relationship": "child"}).response_id
        session.commit()
    expected = ResponseAlreadySubmitted if status == "submitted" else ResponseNotFound
    with pytest.raises(expected):
        answer_pages.read_open_response(session, public_id, CIPHER, for_saving=True)
    # Nothing holds the database's write lock for the rest of the request.
    assert not session.in_transaction()
