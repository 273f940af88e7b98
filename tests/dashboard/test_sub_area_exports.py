"""An ICB's analyst files hold the responses its report counts: its places' too, or one place."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pyreadstat
import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select, update

from analysis.report.model import ReportScope
from app.extensions import db
from app.models import Area, AuditEvent, CommunityGroup, Response
from app.services import reporting
from tests.auth.staff_helpers import Staff, add_staff, make_places, make_staff, sign_in
from tests.codesign.local_question_steps import LANGUAGE_QUESTION, approve_and_publish
from tests.dashboard.report_data import seed_reports
from tests.dashboard.sub_areas import add_sub_areas
from tests.dashboard.test_sub_area_reports import model, submitted_in

NORTH = "north-riverside"
WEST = "riverside-west"
EAST = "riverside-east"


@pytest.fixture
def staff(app: Flask) -> dict[str, Staff]:
    make_places(app)
    people = make_staff(app)
    seed_reports(app, responses=300)
    add_sub_areas(app)
    people["place_analyst"] = add_staff(app, "analyst", "pia.place@example.nhs.uk", area=WEST)
    return people


def areas_in_csv(body: str) -> Counter[str]:
    return Counter(row["area"] for row in csv.DictReader(io.StringIO(body)))


def report_count(app: Flask, sub_area: str | None = None) -> int:
    scope = ReportScope("area", NORTH, "North", sub_area=sub_area)
    return int(model(app, scope).responses_in_scope)  # type: ignore[arg-type]


def test_an_icb_analysts_csv_holds_its_places_responses_as_its_report_counts_them(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["analyst"])
    everyone = submitted_in(app, NORTH, WEST, EAST)

    whole = client.get(f"/exports/responses.csv?area={NORTH}")

    assert whole.status_code == 200
    areas = areas_in_csv(whole.get_data(as_text=True))
    # Each row keeps the place it was collected in, so an analyst can still tell them apart.
    assert set(areas) == {NORTH, WEST, EAST}
    assert sum(areas.values()) == everyone
    # The report rounds counts below national level to 5: the same responses, rounded.
    assert abs(report_count(app) - everyone) <= 2

    narrowed = client.get(f"/exports/responses.csv?area={NORTH}&sub_area={WEST}")
    assert narrowed.status_code == 200
    assert "responses-riverside-west-" in narrowed.headers["Content-Disposition"]
    west = areas_in_csv(narrowed.get_data(as_text=True))
    assert set(west) == {WEST} and west[WEST] == submitted_in(app, WEST)
    assert abs(report_count(app, WEST) - west[WEST]) <= 2

    # Another ICB's place, an unknown one: refused, as the report's download refuses them.
    assert client.get(f"/exports/responses.csv?area={NORTH}&sub_area=vale-hills").status_code == (
        400
    )
    assert client.get(f"/exports/responses.sav?area={NORTH}&sub_area=nowhere").status_code == 400
    with app.app_context():
        audited = [
            (event.object_ref, json.loads(event.detail)["rows"])
            for event in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == "export.responses_csv")
                .order_by(AuditEvent.id)
            )
        ]
    assert audited == [(f"area:{NORTH}", everyone), (f"area:{WEST}", west[WEST])]


def test_the_spss_and_stata_files_hold_the_same_responses_as_the_csv(
    app: Flask, client: FlaskClient, staff: dict[str, Staff], tmp_path: Path
) -> None:
    sign_in(client, staff["analyst"])
    for file_format, reader in (("sav", pyreadstat.read_sav), ("dta", pyreadstat.read_dta)):
        for query, slugs in (
            (f"area={NORTH}", (NORTH, WEST, EAST)),
            (f"area={NORTH}&sub_area={EAST}", (EAST,)),
        ):
            download = client.get(f"/exports/responses.{file_format}?{query}")
            assert download.status_code == 200, (file_format, query)
            path = tmp_path / f"responses.{file_format}"
            path.write_bytes(download.data)
            frame, _meta = reader(str(path))
            assert len(frame) == submitted_in(app, *slugs), (file_format, query)


def test_a_place_analyst_exports_only_their_place(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["place_analyst"])
    own = client.get(f"/exports/responses.csv?area={WEST}")
    assert own.status_code == 200
    assert areas_in_csv(own.get_data(as_text=True)) == {WEST: submitted_in(app, WEST)}
    # The ICB's file (which holds the sibling place) and a sibling's own file are not theirs.
    assert client.get(f"/exports/responses.csv?area={NORTH}").status_code == 404
    assert client.get(f"/exports/responses.csv?area={NORTH}&sub_area={WEST}").status_code == 404
    assert client.get(f"/exports/responses.dta?area={EAST}").status_code == 404
    # A place has no places of its own.
    assert client.get(f"/exports/responses.csv?area={WEST}&sub_area={EAST}").status_code == 400


def test_the_command_line_export_of_an_icb_matches_its_report(
    app: Flask, runner: FlaskCliRunner, staff: dict[str, Staff], tmp_path: Path
) -> None:
    everyone = submitted_in(app, NORTH, WEST, EAST)
    whole = runner.invoke(args=["responses", "export", "--area", NORTH])
    assert whole.exit_code == 0, whole.output
    # The CLI runner mixes standard error (the summary) into the output: read the CSV part.
    body = whole.output[whole.output.index("response_id,") :]
    body = body[: body.index("Exported ")] if "Exported " in body else body
    assert sum(areas_in_csv(body).values()) == everyone
    assert abs(report_count(app) - everyone) <= 2

    out = tmp_path / "west.dta"
    narrowed = runner.invoke(
        args=["responses", "export", "--area", NORTH, "--sub-area", WEST, "--format", "dta"]
        + ["--out", str(out)]
    )
    assert narrowed.exit_code == 0, narrowed.output
    assert f"Exported {submitted_in(app, WEST)} responses" in narrowed.output
    frame, _meta = pyreadstat.read_dta(str(out))
    assert len(frame) == submitted_in(app, WEST)

    elsewhere = runner.invoke(
        args=["responses", "export", "--area", NORTH, "--sub-area", "vale-hills"]
    )
    assert elsewhere.exit_code != 0
    assert "'vale-hills' is not a sub-area of 'north-riverside'" in elsewhere.output
    alone = runner.invoke(args=["responses", "export", "--sub-area", WEST])
    assert alone.exit_code != 0 and "give --area too" in alone.output


def test_responses_to_a_places_published_local_version_count_in_report_and_files_alike(
    app: Flask, client: FlaskClient, staff: dict[str, Staff], tmp_path: Path
) -> None:
    with app.app_context():
        session = db.session()
        west_id = session.scalar(select(Area.id).where(Area.slug == WEST))
        session.add(CommunityGroup(slug="west-carers", name="West carers", area_id=west_id))
        session.commit()
    approve_and_publish(app, WEST, LANGUAGE_QUESTION, group_slug="west-carers")
    with app.app_context():
        session = db.session()
        # Carers in the place who answered after publishing had its version (core + local).
        moved = session.execute(
            update(Response)
            .where(Response.area_id == west_id, Response.id % 3 == 0)
            .values(questionnaire_id=f"voices-core-{WEST}", questionnaire_version=1)
        ).rowcount
        session.commit()
        reporting.clear_caches()
    assert moved > 0
    everyone = submitted_in(app, NORTH, WEST, EAST)
    sign_in(client, staff["analyst"])

    body = client.get(f"/exports/responses.csv?area={NORTH}").get_data(as_text=True)

    assert sum(areas_in_csv(body).values()) == everyone
    for file_format, reader in (("sav", pyreadstat.read_sav), ("dta", pyreadstat.read_dta)):
        path = tmp_path / f"responses.{file_format}"
        path.write_bytes(client.get(f"/exports/responses.{file_format}?area={NORTH}").data)
        frame, _meta = reader(str(path))
        assert len(frame) == everyone, file_format
        assert f"voices-core-{WEST}" in set(frame["questionnaire_id"])
    assert abs(report_count(app) - everyone) <= 2
    assert abs(report_count(app, WEST) - submitted_in(app, WEST)) <= 2
