"""The name of the person who died is stored encrypted; contacts join invitations by a random id."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import Area, Contact, Invitation, ResponsePerson
from app.services import answer_pages
from app.services import invitations as invitation_service
from app.services import responses as response_service
from app.services.contacts import new_contact
from app.services.encryption import contact_cipher
from tests.services.conftest import AddResponse

NAME = "Zebediah Quintrell-Okonkwo"


def raw_rows(session: Session, table: str) -> list[str]:
    """Every stored value of ``table`` as the database returns it, one string per row."""
    rows = session.execute(text(f"SELECT * FROM {table}")).all()
    return [" ".join(str(value) for value in row) for row in rows]


def test_the_name_is_stored_only_as_a_token_and_read_back_in_clear(
    app: Flask, session: Session, add_response: AddResponse
) -> None:
    cipher = contact_cipher(app.config)
    response = add_response({}, status="in_progress")

    response_service.set_person_name(session, response, f"  {NAME} ", cipher)

    stored = raw_rows(session, "response_people")
    assert len(stored) == 1
    assert NAME not in stored[0] and "Zebediah" not in stored[0]
    assert NAME.encode() not in stored[0].encode("utf-8")
    assert response_service.person_name(session, response, cipher) == NAME
    opened = answer_pages.read_open_response(session, response.response_id, cipher)
    assert opened.person_name == NAME


def test_a_changed_name_is_re_encrypted_and_a_cleared_name_is_deleted(
    app: Flask, session: Session, add_response: AddResponse
) -> None:
    cipher = contact_cipher(app.config)
    response = add_response({}, status="in_progress")
    response_service.set_person_name(session, response, "Grandad", cipher)
    first = session.scalars(select(ResponsePerson.person_name_encrypted)).one()

    response_service.set_person_name(session, response, NAME, cipher)
    second = session.scalars(select(ResponsePerson.person_name_encrypted)).one()
    assert second != first and "Grandad" not in second and NAME not in second
    assert response_service.person_name(session, response, cipher) == NAME

    response_service.set_person_name(session, response, "   ", cipher)
    assert raw_rows(session, "response_people") == []
    assert (
        answer_pages.read_open_response(session, response.response_id, cipher).person_name is None
    )


def test_another_key_cannot_read_the_name(
    app: Flask, session: Session, add_response: AddResponse
) -> None:
    response = add_response({}, status="in_progress")
    response_service.set_person_name(session, response, NAME, contact_cipher(app.config))
    other = contact_cipher({"SECRET_KEY": "a different deployment"})
    try:
        response_service.person_name(session, response, other)
    except ValueError as problem:
        assert "cannot be decrypted" in str(problem)
    else:
        raise AssertionError("a name encrypted with one key was read with another")


def test_contacts_carry_no_sequential_invitation_id(
    app: Flask, session: Session, places: dict[str, int]
) -> None:
    cipher = contact_cipher(app.config)
    area = session.get(Area, places["north-riverside"])
    assert area is not None
    issued = [
        invitation_service.create_invitation(session, area=area, questionnaire_id="voices-core")
        for _ in range(3)
    ]
    for number, one in enumerate(issued):
        session.add(new_contact(cipher, one.invitation, phone=f"+4474001234{number:02d}"))
    session.commit()

    # The only column that joins a contact to anything is the invitation's random link id.
    foreign_keys = inspect(db.engine).get_foreign_keys("contacts")
    assert [(fk["constrained_columns"], fk["referred_columns"]) for fk in foreign_keys] == [
        (["invitation_link"], ["link_id"])
    ]
    assert "invitation_id" not in {c["name"] for c in inspect(db.engine).get_columns("contacts")}
    links = session.scalars(select(Contact.invitation_link).order_by(Contact.id)).all()
    assert links == [one.invitation.link_id for one in issued]
    assert all(re.fullmatch(r"[0-9a-f]{32}", link) for link in links)
    assert len(set(links)) == 3
    ids = {str(one.invitation.id) for one in issued}
    assert not ids & set(links)
    # Deleting an invitation still deletes its contact (ON DELETE CASCADE through the link).
    first_id = issued[0].invitation.id
    session.execute(text("DELETE FROM invitations WHERE id = :id"), {"id": first_id})
    session.commit()
    assert session.scalar(select(Invitation.id).where(Invitation.id == first_id)) is None
    assert session.scalars(select(Contact.invitation_link).order_by(Contact.id)).all() == links[1:]
