"""The analyst's SPSS, Stata and data-dictionary downloads: own area only, audited, readable."""

from __future__ import annotations

import io
import json
import uuid
from datetime import datetime
from pathlib import Path

import pyreadstat
import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import Answer, AuditEvent, Response
from tests.access.test_isolation_matrix import ROLES, answer
from tests.auth.staff_helpers import Staff, make_places, make_staff, sign_in
from tests.page_checks import parse_page

DOWNLOADS = [
    "/exports/responses.sav",
    "/exports/responses.dta",
    "/exports/data-dictionary.csv",
    "/exports/data-dictionary.xlsx",
]
# route suffix -> expected answer per role (ROLES order), as in test_isolation_matrix.
EXPECTED: dict[str, tuple[object, ...]] = {
    "?area=north-riverside": ("login", 200, 403, 200, 403, 403),
    "?area=south-vale": ("login", 200, 403, 404, 403, 403),
    "?area=no-such-area": ("login", 404, 403, 404, 403, 403),
}


@pytest.fixture
def staff(app: Flask) -> dict[str, Staff]:
    places = make_places(app)
    with app.app_context():
        response = Response(
            response_id=str(uuid.uuid4()),
            questionnaire_id="voices-core",
            questionnaire_version=1,
            channel="web",
            language="en",
            status="submitted",
            area_id=places["north-riverside"],
            submitted_at=datetime(2025, 3, 4, 10, 30, 15),
        )
        db.session.add(response)
        db.session.flush()
        db.session.add_all(
            [
                Answer(response_id=response.id, item_id="overall.rating", value="fair"),
                Answer(response_id=response.id, item_id="overall.good", value="=HYPERLINK(1)"),
            ]
        )
        db.session.commit()
    return make_staff(app)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_own_areas_files(
    client: FlaskClient, staff: dict[str, Staff], role: str
) -> None:
    if role != "anonymous":
        sign_in(client, staff[role])
    column = ROLES.index(role)
    actual = {
        path + suffix: answer(client, "GET", path + suffix)
        for path in DOWNLOADS
        for suffix in EXPECTED
    }
    expected = {
        path + suffix: row[column] for path in DOWNLOADS for suffix, row in EXPECTED.items()
    }
    assert actual == expected


def test_an_analyst_downloads_a_labelled_spss_file_and_it_is_audited(
    app: Flask, client: FlaskClient, staff: dict[str, Staff], tmp_path: Path
) -> None:
    sign_in(client, staff["analyst"])
    response = client.get("/exports/responses.sav?area=north-riverside")
    assert response.status_code == 200
    assert "responses-north-riverside-" in response.headers["Content-Disposition"]
    saved = tmp_path / "r.sav"
    saved.write_bytes(response.get_data())
    frame, meta = pyreadstat.read_sav(saved, user_missing=True)
    assert frame["overall_rating"].tolist() == [4.0]
    assert meta.variable_value_labels["overall_rating"][4.0] == "Fair"
    assert frame["overall_good"].tolist() == ["=HYPERLINK(1)"]

    with app.app_context():
        (event,) = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.startswith("export."))
        ).all()
    assert event.action == "export.responses_csv"
    assert json.loads(event.detail) == {"format": "sav", "rows": 1}
    assert event.object_ref == "area:north-riverside"


def test_the_xlsx_dictionary_holds_text_never_formulas_and_is_audited(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["analyst"])
    response = client.get("/exports/data-dictionary.xlsx?area=north-riverside")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["Variables", "Values", "Missing codes"]
    rows = list(workbook["Variables"].iter_rows(values_only=True))
    header = rows[0]
    by_variable = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    rating = by_variable["hospital_rating"]
    assert rating["csv_column"] == "hospital.rating"
    assert rating["codes"].startswith("1 = outstanding; 2 = excellent")
    assert rating["asked_of"] == "asked when hospital.any_time = yes"
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@"))
    values = list(workbook["Values"].iter_rows(values_only=True))
    assert ("hospital_rating", -2, None, "Not asked (routed past)") in [v[:4] for v in values]
    with app.app_context():
        (event,) = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.startswith("export."))
        ).all()
    assert event.action == "export.data_dictionary"


def test_the_staff_home_links_every_format_of_the_analysts_area(
    client: FlaskClient, staff: dict[str, Staff]
) -> None:
    sign_in(client, staff["analyst"])
    soup = parse_page(client.get("/staff"))
    links = {a["href"] for a in soup.select("main a[href^='/exports/']")}
    assert links == {
        "/exports/responses.csv?area=north-riverside",
        "/exports/responses.sav?area=north-riverside",
        "/exports/responses.dta?area=north-riverside",
        "/exports/data-dictionary.xlsx?area=north-riverside",
        "/exports/data-dictionary.csv?area=north-riverside",
    }


def test_a_code_the_questionnaire_does_not_list_gives_a_kind_page_and_no_file(
    app: Flask, client: FlaskClient, staff: dict[str, Staff]
) -> None:
    with app.app_context():
        answer_row = db.session.scalar(select(Answer).where(Answer.item_id == "overall.rating"))
        assert answer_row is not None
        answer_row.value = "superb"  # only a hand-edited database could hold this
        db.session.commit()
    sign_in(client, staff["analyst"])
    response = client.get("/exports/responses.dta?area=north-riverside")
    assert response.status_code == 409
    page = parse_page(response)
    assert "overall.rating" in page.get_text() and "superb" in page.get_text()
    assert page.find("a", href="/exports/responses.csv?area=north-riverside")
    with app.app_context():
        exports = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.startswith("export."))
        ).all()
    assert exports == []
