"""Each invitation records how it reached the carer; only those sent by text are texted."""

from __future__ import annotations

import csv
from pathlib import Path

from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from app.extensions import db
from app.models import Invitation
from tests.fake_twilio.server import FakeTwilio
from tests.sms.conftest import AMIRA, BRIAN, CHLOE, send_due


def test_a_carer_invited_by_letter_or_email_is_not_texted_the_invitation(
    app: Flask, runner: FlaskCliRunner, fake: FakeTwilio, area: str, tmp_path: Path
) -> None:
    source = tmp_path / "list.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["phone", "area", "community_group", "language", "email", "channel",
                         "date_of_death"])  # fmt: skip
        writer.writerow([AMIRA, area, "", "en", "", "", "2025-01-10"])
        writer.writerow([BRIAN, area, "", "en", "", "Letter", "2025-01-10"])
        writer.writerow([CHLOE, area, "", "en", "chloe@example.org", "email", "2025-01-10"])
    imported = runner.invoke(args=["invitations", "import", str(source)])
    assert imported.exit_code == 0, imported.output
    send_due(runner)
    with app.app_context():
        channels = db.session.scalars(select(Invitation.channel).order_by(Invitation.id)).all()
    assert channels == ["sms", "letter", "email"]
    assert len(fake.sent_to(AMIRA)) == 1
    assert fake.sent_to(BRIAN) == [] and fake.sent_to(CHLOE) == []
