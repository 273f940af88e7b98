"""`flask retention purge`: personal data goes N days after its round closes, in batches, once."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    Answer,
    AuditEvent,
    Contact,
    Invitation,
    OutboxStatus,
    Response,
    ResponsePerson,
    SmsInbound,
    SmsOutbox,
    SurveyRound,
)
from app.services.encryption import contact_cipher
from app.services.retention import add_round, purge_expired
from tests.services.carer_traces import add_invited_carer, contacts_left, texts_left

TODAY = datetime(2026, 9, 1, 9, 0)


@pytest.fixture
def spring_round(session: Session, places: dict[str, int]) -> SurveyRound:
    """North's spring round closed on 31 May 2026: 93 days before TODAY."""
    return add_round(session, "north-riverside", "Spring 2026", date(2026, 3, 1), date(2026, 5, 31))


def count(session: Session, model: type) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_contacts_and_texts_go_ninety_days_after_the_round_closes(
    app: Flask, session: Session, places: dict[str, int], spring_round: SurveyRound
) -> None:
    cipher = contact_cipher(app.config)
    in_round = add_invited_carer(
        session, cipher, area_id=places["north-riverside"], created_at=datetime(2026, 3, 10)
    )
    # The same dates in the south, which has no round: its invitation has not expired yet.
    other_area = add_invited_carer(
        session,
        cipher,
        area_id=places["south-vale"],
        created_at=datetime(2026, 3, 10),
        expires_at=datetime(2026, 7, 8),
        phone="+447911123457",
    )
    # A later invitation in the north, after the round: its purpose has not ended.
    later = add_invited_carer(
        session,
        cipher,
        area_id=places["north-riverside"],
        created_at=datetime(2026, 6, 15),
        phone="+447911123458",
    )

    report = purge_expired(session, days_after_close=90, now=TODAY)

    assert report.contacts_deleted == 1
    assert report.inbound_texts_erased == 1 and report.outbound_texts_erased == 2
    # The south carer sent their answers in March: the name they gave is no longer needed either.
    assert report.person_names_deleted == 2
    assert session.get(ResponsePerson, other_area.response_pk) is None
    assert session.get(ResponsePerson, later.response_pk) is not None
    assert contacts_left(session, in_round.invitation_id) == 0
    assert texts_left(session, in_round.invitation_id) == 0
    assert session.get(ResponsePerson, in_round.response_pk) is None
    # Answers are the research data: they stay, joined to nothing personal.
    assert (
        session.scalar(
            select(func.count(Answer.response_id)).where(Answer.response_id == in_round.response_pk)
        )
        == 2
    )
    queued = session.scalar(
        select(SmsOutbox)
        .join(Invitation, Invitation.link_id == SmsOutbox.invitation_link)
        .where(Invitation.id == in_round.invitation_id, SmsOutbox.kind == "reminder")
    )
    assert queued is not None and queued.status == OutboxStatus.CANCELLED
    for kept in (other_area, later):
        assert contacts_left(session, kept.invitation_id) == 1
        assert texts_left(session, kept.invitation_id) == 3


def test_an_invitation_outside_any_round_goes_ninety_days_after_it_expired(
    app: Flask, session: Session, places: dict[str, int]
) -> None:
    cipher = contact_cipher(app.config)
    expired = add_invited_carer(
        session,
        cipher,
        area_id=places["south-vale"],
        created_at=datetime(2026, 1, 5),
        expires_at=datetime(2026, 5, 1),
    )
    endless = add_invited_carer(
        session,
        cipher,
        area_id=places["south-vale"],
        created_at=datetime(2026, 8, 1),
        phone="+447911123457",
        status="in_progress",
    )
    report = purge_expired(session, days_after_close=90, now=TODAY)
    assert contacts_left(session, expired.invitation_id) == 0
    assert contacts_left(session, endless.invitation_id) == 1
    # Nothing says when the endless invitation's purpose ends: it is counted so someone acts.
    assert report.contacts_without_schedule == 1


def test_a_second_purge_finds_nothing_and_batches_cover_everything(
    app: Flask, session: Session, places: dict[str, int], spring_round: SurveyRound
) -> None:
    cipher = contact_cipher(app.config)
    for number in range(7):
        add_invited_carer(
            session,
            cipher,
            area_id=places["north-riverside"],
            created_at=datetime(2026, 4, 1 + number),
            phone=f"+4479111234{number:02d}",
        )
    first = purge_expired(session, days_after_close=90, now=TODAY, batch_size=2)
    assert (first.contacts_deleted, first.inbound_texts_erased, first.outbound_texts_erased) == (
        7,
        7,
        14,
    )
    assert first.person_names_deleted == 7
    assert count(session, Contact) == 0
    assert (
        session.scalar(
            select(func.count(SmsInbound.id)).where(SmsInbound.body_encrypted.is_not(None))
        )
        == 0
    )
    assert count(session, Response) == 7

    second = purge_expired(session, days_after_close=90, now=TODAY, batch_size=2)
    assert second.contacts_deleted == second.inbound_texts_erased == 0
    assert second.outbound_texts_erased == second.person_names_deleted == 0


def test_each_purge_leaves_counts_and_nothing_personal_in_the_audit_log(
    app: Flask, session: Session, places: dict[str, int], spring_round: SurveyRound
) -> None:
    cipher = contact_cipher(app.config)
    add_invited_carer(
        session,
        cipher,
        area_id=places["north-riverside"],
        created_at=datetime(2026, 4, 1),
        person="Grandad Eric",
    )
    purge_expired(session, days_after_close=90, now=TODAY)
    [event] = session.scalars(select(AuditEvent)).all()
    assert event.action == "retention.purge" and event.actor_label == "system"
    assert json.loads(event.detail)["contacts_deleted"] == 1
    assert "Eric" not in event.detail and "+44" not in event.detail


def test_a_dry_run_counts_and_deletes_nothing(
    app: Flask, session: Session, places: dict[str, int], spring_round: SurveyRound
) -> None:
    cipher = contact_cipher(app.config)
    add_invited_carer(
        session, cipher, area_id=places["north-riverside"], created_at=datetime(2026, 4, 1)
    )
    report = purge_expired(session, days_after_close=90, now=TODAY, dry_run=True)
    assert report.contacts_deleted == 1
    assert count(session, Contact) == 1 and count(session, AuditEvent) == 0


def test_not_yet_ninety_days_after_the_close_nothing_goes(
    app: Flask, session: Session, places: dict[str, int], spring_round: SurveyRound
) -> None:
    cipher = contact_cipher(app.config)
    add_invited_carer(
        session, cipher, area_id=places["north-riverside"], created_at=datetime(2026, 4, 1)
    )
    eighty_ninth_day = datetime(2026, 5, 31) + timedelta(days=89)
    assert purge_expired(session, days_after_close=90, now=eighty_ninth_day).contacts_deleted == 0
    ninetieth_day = datetime(2026, 5, 31) + timedelta(days=90)
    assert purge_expired(session, days_after_close=90, now=ninetieth_day).contacts_deleted == 1


def test_texts_from_numbers_we_never_invited_go_ninety_days_after_they_came(
    session: Session, places: dict[str, int]
) -> None:
    session.add_all(
        [
            SmsInbound(message_sid="SMold", body_encrypted="x", received_at=datetime(2026, 5, 1)),
            SmsInbound(message_sid="SMnew", body_encrypted="y", received_at=datetime(2026, 8, 30)),
        ]
    )
    session.commit()
    assert purge_expired(session, days_after_close=90, now=TODAY).inbound_texts_erased == 1


def test_the_commands_add_a_round_and_purge(
    app: Flask, runner: FlaskCliRunner, session: Session, places: dict[str, int]
) -> None:
    added = runner.invoke(
        args=[
            "rounds",
            "add",
            "--area",
            "north-riverside",
            "--name",
            "Spring",
            "--opens",
            "2025-03-01",
            "--closes",
            "2025-05-31",
        ]
    )
    assert added.exit_code == 0, added.output
    assert (
        "north-riverside\tSpring\t2025-03-01\t2025-05-31"
        in runner.invoke(args=["rounds", "list"]).output
    )
    backwards = runner.invoke(
        args=[
            "rounds",
            "add",
            "--area",
            "north-riverside",
            "--name",
            "X",
            "--opens",
            "2025-06-01",
            "--closes",
            "2025-05-31",
        ]
    )
    assert backwards.exit_code != 0 and "cannot close before it opens" in backwards.output

    cipher = contact_cipher(app.config)
    add_invited_carer(
        session, cipher, area_id=places["north-riverside"], created_at=datetime(2025, 4, 1)
    )
    session.commit()
    dry = runner.invoke(args=["retention", "purge", "--dry-run"])
    assert "Would delete" in dry.output and "contacts deleted: 1" in dry.output
    done = runner.invoke(args=["retention", "purge"])
    assert done.exit_code == 0 and "contacts deleted: 1" in done.output
    again = runner.invoke(args=["retention", "purge"])
    assert "contacts deleted: 0" in again.output
