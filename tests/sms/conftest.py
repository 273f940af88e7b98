"""SMS fixtures: the real twilio client talks to a local fake API; carers text via webhooks."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from app.extensions import db
from app.models import Area, CommunityGroup
from tests.fake_twilio.server import FakeTwilio, FakeTwilioServer
from tests.fake_twilio.support import TextingCarer, empty_every_table, make_sms_app

AMIRA = "+447911123456"  # a daughter who answers by text
BRIAN = "+447911123457"  # a husband who would rather not be texted
CHLOE = "+447911123458"  # a niece who answers on the web

CSV_COLUMNS = (
    "phone",
    "area",
    "community_group",
    "language",
    "name_of_person",
    "relationship",
    "date_of_death",
    "exclude_reason",
    "email",
)


@pytest.fixture
def app(migrated_database: str, twilio_api: FakeTwilioServer, fake: FakeTwilio) -> Iterator[Flask]:
    """The application with SMS_BACKEND=twilio, pointed at the fake API (overrides the root app)."""
    application = make_sms_app(migrated_database, twilio_api)
    yield application
    empty_every_table(application)


@pytest.fixture
def area(app: Flask) -> str:
    with app.app_context():
        north = Area(slug="north-riverside", name="North Riverside ICB")
        db.session.add(north)
        db.session.flush()
        db.session.add(CommunityGroup(slug="polish-community", name="Polish centre", area=north))
        db.session.commit()
    return "north-riverside"


def write_invitation_csv(path: Path, rows: Sequence[Mapping[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in CSV_COLUMNS})
    return path


@pytest.fixture
def invite(runner: FlaskCliRunner, area: str, tmp_path: Path) -> Callable[..., None]:
    """Import invitations for these phones (a long-ago death), then queue and send the texts."""

    def invite_and_send(*phones: str, send: bool = True, **columns: str) -> None:
        rows = [
            {
                "phone": phone,
                "area": area,
                "language": "en",
                "date_of_death": "2025-01-10",
                **columns,
            }
            for phone in phones
        ]
        source = write_invitation_csv(tmp_path / "invitations.csv", rows)
        result = runner.invoke(args=["invitations", "import", str(source)])
        assert result.exit_code == 0, result.output
        if send:
            send_due(runner)

    return invite_and_send


def send_due(runner: FlaskCliRunner) -> None:
    for command in (["invitations", "send"], ["sms", "send-due"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output


@pytest.fixture
def carer(app: Flask, fake: FakeTwilio) -> Callable[[str], TextingCarer]:
    def phone(number: str) -> TextingCarer:
        return TextingCarer(app.test_client(), number, fake.auth_token)

    return phone
