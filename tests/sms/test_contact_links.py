"""Invitation texts reach the right invitation through the contact's random link, query-free."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import event, select

from app.extensions import db
from app.models import Contact, SmsOutbox
from tests.sms.conftest import AMIRA, BRIAN, CHLOE


@contextmanager
def statements_seen(app: Flask) -> Iterator[list[str]]:
    seen: list[str] = []

    def remember(*args: Any) -> None:
        seen.append(str(args[2]))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def test_each_queued_text_names_its_contacts_invitation_without_a_lookup_per_text(
    app: Flask, runner: FlaskCliRunner, invite: Callable[..., None]
) -> None:
    invite(AMIRA, BRIAN, CHLOE, send=False)

    with statements_seen(app) as seen:
        result = runner.invoke(args=["invitations", "send"])
    assert result.exit_code == 0, result.output

    with app.app_context():
        outbox_links = db.session.scalars(select(SmsOutbox.invitation_link)).all()
        contact_links = db.session.scalars(select(Contact.invitation_link)).all()
    # One text per carer, each naming its contact's invitation by the random link alone.
    assert len(set(outbox_links)) == 3
    assert sorted(outbox_links) == sorted(contact_links)
    # The contact's invitation came with the contact: no lazy load by link id, one per text.
    lookups = [s for s in seen if "WHERE invitations.link_id =" in " ".join(s.split())]
    assert lookups == []
