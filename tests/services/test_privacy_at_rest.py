"""The name of the person who died is stored encrypted; contact data joins by a random id only."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import inspect, select, text
from sqlalchemy.orm import Session

from app.extensions import Base, db
from app.models import Area, Contact, Invitation, ResponsePerson, SmsOutbox
from app.services import answer_pages
from app.services import invitations as invitation_service
from app.services import responses as response_service
from app.services.contacts import new_contact
from app.services.encryption import contact_cipher
from app.services.outbox import contact_for_message, queue_message
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


def tables_reaching_contacts() -> set[str]:
    """Contacts, and every table that names a contact or the random link contacts are keyed by."""
    contacts = Base.metadata.tables["contacts"]
    reaching = {"contacts"}
    for table in Base.metadata.tables.values():
        for foreign_key in table.foreign_keys:
            target = foreign_key.column
            if target.table is contacts or (
                target.table.name == "invitations" and target.name == "link_id"
            ):
                reaching.add(table.name)
    return reaching


def test_no_table_beside_contact_data_names_an_invitation_or_response_by_sequential_id() -> None:
    # Issue 3: contact details are "linked to responses only through a random id". A table that
    # can be joined to a contact and also holds invitations.id or responses.id would join
    # contacts to answers by sequential id, whatever the contacts table itself holds.
    reaching = tables_reaching_contacts()
    assert {"contacts", "sms_outbox"} <= reaching
    sequential = {("invitations", "id"), ("responses", "id")}
    offending = sorted(
        f"{name}.{foreign_key.parent.name} -> {foreign_key.target_fullname}"
        for name in reaching
        for foreign_key in Base.metadata.tables[name].foreign_keys
        if (foreign_key.column.table.name, foreign_key.column.name) in sequential
    )
    assert offending == []
    for name in reaching:
        columns = set(Base.metadata.tables[name].columns.keys())
        assert not columns & {"invitation_id", "response_id", "contact_id"}, name


def test_a_queued_text_reaches_its_contact_through_the_link_and_goes_with_its_invitation(
    app: Flask, session: Session, places: dict[str, int]
) -> None:
    cipher = contact_cipher(app.config)
    area = session.get(Area, places["north-riverside"])
    assert area is not None
    issued = invitation_service.create_invitation(
        session, area=area, questionnaire_id="voices-core"
    )
    contact = new_contact(cipher, issued.invitation, phone="+447400123499")
    session.add(contact)
    # Not flushed: queueing a text for a contact made in the same transaction still links it.
    row = queue_message(session, cipher, contact=contact, kind="invitation", body="Hello")
    session.commit()

    stored = session.execute(text("SELECT * FROM sms_outbox")).mappings().one()
    assert stored["invitation_link"] == issued.invitation.link_id
    assert not {"invitation_id", "contact_id"} & set(stored.keys())
    assert contact_for_message(session, row) is contact

    session.execute(text("DELETE FROM invitations WHERE id = :id"), {"id": issued.invitation.id})
    session.commit()
    assert session.scalars(select(SmsOutbox.id)).all() == []
