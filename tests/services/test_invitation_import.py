"""Importing an invitation list: rows checked, duplicates merged, opt-outs and exclusions kept."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from datetime import date, timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func, select

from app.extensions import db
from app.models import Area, CommunityGroup, Contact, Invitation, SmsOptOut
from app.services.contacts import contact_details
from app.services.invitation_import import (
    ImportOptions,
    InvitationFileUnreadable,
    InvitationRowsInvalid,
    import_invitations,
)
from app.sms.runtime import current_cipher

COLUMNS = ["phone", "area", "community_group", "language", "name_of_person", "relationship",
           "date_of_death", "exclude_reason", "email"]  # fmt: skip
TODAY = date(2026, 6, 1)


@pytest.fixture
def places(app: Flask) -> Iterator[None]:
    with app.app_context():
        north = Area(slug="north-riverside", name="North Riverside ICB")
        south = Area(slug="south-vale", name="South Vale ICB")
        db.session.add_all([north, south])
        db.session.flush()
        db.session.add(CommunityGroup(slug="polish-community", name="Polish centre", area=north))
        db.session.commit()
    yield


def write_csv(path: Path, rows: list[Mapping[str, str]], columns: list[str] = COLUMNS) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({column: row.get(column, "") for column in columns})
    return path


def row(phone: str, **columns: str) -> dict[str, str]:
    return {"phone": phone, "area": "north-riverside", "language": "en",
            "date_of_death": "2025-11-20", **columns}  # fmt: skip


def options(**changes: object) -> ImportOptions:
    settings: dict[str, object] = {
        "questionnaire_id": "voices-core",
        "today": TODAY,
        "min_days_after_death": 90,
        "valid_days": 120,
    }
    settings.update(changes)
    return ImportOptions(**settings)  # type: ignore[arg-type]


def run_import(app: Flask, path: Path, **changes: object):  # type: ignore[no-untyped-def]
    with app.app_context():
        return import_invitations(db.session(), current_cipher(), path, options(**changes))


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_clean_list_creates_one_invitation_and_encrypted_contact_per_carer(
    app: Flask, places: None, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "list.csv",
        [
            row("07911 123456", name_of_person="Rose", relationship="Daughter",
                community_group="polish-community", language="pl"),
            row("+44 7911 123457", relationship="husband", email="b@example.org"),
        ],
    )  # fmt: skip
    report = run_import(app, source)
    assert (report.rows, report.invited, report.rejected) == (2, 2, [])
    with app.app_context():
        invitations = db.session.scalars(select(Invitation).order_by(Invitation.id)).all()
        assert [i.language for i in invitations] == ["pl", "en"]
        contacts = db.session.scalars(select(Contact).order_by(Contact.id)).all()
        first = contact_details(current_cipher(), contacts[0])
        assert (first.phone, first.person_name, first.relationship) == (
            "+447911123456",
            "Rose",
            "child",
        )
        assert first.link_token and invitations[0].token_hash != first.link_token
        assert contact_details(current_cipher(), contacts[1]).email == "b@example.org"


def test_rejected_rows_are_reported_by_line_and_nothing_is_imported(
    app: Flask, places: None, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "list.csv",
        [
            row("07911 123456"),
            row("020 7946 0018"),  # a landline: a text would become a robot voice call
            row("12345"),
            row("07911 123458", area="nowhere"),
            row("07911 123459", community_group="unknown-group"),
            row("07911 123460", language="xx"),
            row("07911 123461", date_of_death="2027-01-01"),
            row("07911 123462", relationship="lodger"),
            row("07911 123463", email="not-an-email"),
            row("", email=""),
        ],
    )
    with pytest.raises(InvitationRowsInvalid) as raised:
        run_import(app, source)
    lines = [str(note) for note in raised.value.rejected]
    assert [note.line for note in raised.value.rejected] == list(range(3, 12))
    assert "not a mobile number" in lines[0]
    assert "no open area" in lines[2] and "community group" in lines[3]
    assert "7946" not in " ".join(lines)  # the report never repeats a number
    assert count(app, Invitation) == 0


def test_skip_invalid_imports_the_good_rows(app: Flask, places: None, tmp_path: Path) -> None:
    source = write_csv(tmp_path / "list.csv", [row("07911 123456"), row("12345")])
    report = run_import(app, source, skip_invalid=True)
    assert report.invited == 1 and [note.line for note in report.rejected] == [3]
    assert count(app, Invitation) == 1


def test_duplicates_are_merged_and_exclusions_and_opt_outs_never_invited(
    app: Flask, places: None, tmp_path: Path
) -> None:
    with app.app_context():
        db.session.add(
            SmsOptOut(phone_hash=current_cipher().phone_hash("+447911123459"), source="keyword")
        )
        db.session.commit()
    source = write_csv(
        tmp_path / "list.csv",
        [
            row("07911 123456"),
            row("+447911123456"),  # the same number written another way
            row("07911 123457", exclude_reason="coroner"),
            row("07911 123458", exclude_reason="Death by suicide"),
            row("07911 123459"),
        ],
    )
    report = run_import(app, source)
    assert report.invited == 1
    assert [str(note) for note in report.merged] == ["line 3: same contact as line 2; merged"]
    assert [note.line for note in report.excluded] == [4, 5]
    assert "coroner" in str(report.excluded[0])
    assert [note.line for note in report.opted_out] == [6]
    assert count(app, Contact) == 1
    again = run_import(app, source)  # the same list twice invites nobody twice
    assert again.invited == 0 and [note.line for note in again.already_invited] == [2]


def test_a_death_too_recent_is_held_until_the_interval_has_passed(
    app: Flask, places: None, tmp_path: Path
) -> None:
    recent = (TODAY - timedelta(days=30)).isoformat()
    source = write_csv(tmp_path / "list.csv", [row("07911 123456", date_of_death=recent)])
    report = run_import(app, source)
    assert (report.invited, report.held) == (1, 1)
    with app.app_context():
        invitation = db.session.scalar(select(Invitation))
        assert invitation is not None
        assert invitation.contact_not_before == TODAY + timedelta(days=60)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"phone,area\n07911123456,north-riverside\n", "missing columns: community_group"),
        (b"phone,area,community_group,language,postcode\n", "unknown columns: 'postcode'"),
        (b"\xff\xfe\x00p\x00h", "not UTF-8"),
    ],
)
def test_an_unreadable_file_is_refused_whole(
    app: Flask, places: None, tmp_path: Path, content: bytes, message: str
) -> None:
    source = tmp_path / "list.csv"
    source.write_bytes(content)
    with pytest.raises(InvitationFileUnreadable, match=message):
        run_import(app, source)


def test_the_import_command_prints_a_line_numbered_report(
    app: Flask, places: None, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "list.csv",
        [row("07911 123456"), row("07911 123456"), row("07911 1234", area="south-vale")],
    )
    refused = runner.invoke(args=["invitations", "import", str(source)])
    assert refused.exit_code == 1
    assert "line 4: the phone number is not a valid number" in refused.output
    assert "Nothing was imported" in refused.output
    dry = runner.invoke(args=["invitations", "import", str(source), "--skip-invalid", "--dry-run"])
    assert dry.exit_code == 0 and "Would invite 1 of 3 rows" in dry.output
    assert count(app, Invitation) == 0
    done = runner.invoke(args=["invitations", "import", str(source), "--skip-invalid"])
    assert done.exit_code == 0, done.output
    assert "line 3: same contact as line 2; merged" in done.output
    assert count(app, Invitation) == 1


def test_languages_written_as_people_write_them_are_stored_as_registry_codes(
    app: Flask, places: None, tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "list.csv",
        [row("07911 123456", language="zh-CN"), row("07911 123457", language="PA"),
         row("07911 123458", language="klingon")],
    )  # fmt: skip
    report = run_import(app, source, skip_invalid=True)
    assert report.invited == 2 and [note.line for note in report.rejected] == [4]
    with app.app_context():
        languages = db.session.scalars(select(Invitation.language).order_by(Invitation.id)).all()
        assert languages == ["zh_Hans", "pa"]


def test_the_channel_is_read_or_worked_out_and_a_mismatch_is_explained(
    app: Flask, places: None, tmp_path: Path
) -> None:
    columns = [*COLUMNS, "channel"]
    good = write_csv(
        tmp_path / "good.csv",
        [
            row("07911 123456"),
            row("", email="only@example.org"),
            row("07911 123457", channel=" LETTER "),
        ],
        columns,
    )
    assert run_import(app, good).invited == 3
    with app.app_context():
        stored = db.session.scalars(select(Invitation.channel).order_by(Invitation.id)).all()
    assert stored == ["sms", "email", "letter"]

    bad = write_csv(
        tmp_path / "bad.csv",
        [
            row("07911 123458", channel="pigeon"),
            row("", email="x@example.org", channel="sms"),
            row("07911 123459", channel="email"),
        ],
        columns,
    )
    with pytest.raises(InvitationRowsInvalid) as refused:
        run_import(app, bad)
    assert [str(note) for note in refused.value.rejected] == [
        "line 2: channel 'pigeon' is not one of sms, email, letter",
        "line 3: the channel is sms but there is no phone number",
        "line 4: the channel is email but there is no email address",
    ]
    assert count(app, Invitation) == 3
