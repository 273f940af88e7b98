"""Exporting responses as CSV: the columns, the cells, formula safety and the checked file."""

from __future__ import annotations

import csv
import io
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from app.questionnaire import Questionnaire
from app.services import response_export
from app.services.errors import AreaNotFound
from app.services.response_export import (
    FIXED_COLUMNS,
    ExportCountMismatch,
    export_responses_to_file,
    neutralise_cell,
    restore_cell,
    write_responses_csv,
)
from tests.services.conftest import AddResponse


def export_rows(
    session: Session, questionnaire: Questionnaire, **options: object
) -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    write_responses_csv(session, questionnaire, out, **options)  # type: ignore[arg-type]
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


def test_the_header_is_the_fixed_columns_then_every_question_in_file_order(
    session: Session, questionnaire: Questionnaire, places: dict[str, int]
) -> None:
    out = io.StringIO(newline="")
    result = write_responses_csv(session, questionnaire, out)

    header = next(csv.reader(io.StringIO(out.getvalue())))
    assert header[:9] == [
        "response_id",
        "questionnaire_id",
        "questionnaire_version",
        "area",
        "community_group",
        "language",
        "channel",
        "status",
        "submitted_at",
    ]
    assert tuple(header[:9]) == FIXED_COLUMNS
    in_file_order = [item.id for item in questionnaire.items if item.type != "info"]
    assert header[9:] == in_file_order
    assert "last2.intro" not in header  # information text is never a column
    assert result.rows_written == 0


def test_a_carer_who_skipped_the_hospital_section_exports_empty_cells_there(
    session: Session, questionnaire: Questionnaire, add_response: AddResponse
) -> None:
    response = add_response(
        {
            "about.relationship": "child",
            "about.place_of_death": "home",
            "hospital.any_time": "no",
            "overall.rating": "good",
            "overall.improve": None,  # seen and skipped
            "overall.good": 'The nurses, the GP, and "the night team"\nall of them.',
        },
        group="lgbtq-elders",
        language="pl",
        channel="paper",
        submitted_at=datetime(2025, 1, 2, 3, 4, 5, 678901),
    )

    (row,) = export_rows(session, questionnaire)

    assert row["response_id"] == response.response_id
    assert row["questionnaire_id"] == "voices-core"
    assert row["questionnaire_version"] == "1"
    assert row["area"] == "north-riverside"
    assert row["community_group"] == "lgbtq-elders"
    assert (row["language"], row["channel"], row["status"]) == ("pl", "paper", "submitted")
    assert row["submitted_at"] == "2025-01-02T03:04:05Z"
    assert row["about.place_of_death"] == "home"
    assert row["hospital.any_time"] == "no"
    assert row["hospital.rating"] == ""  # not on the route
    assert row["overall.improve"] == ""  # skipped
    assert row["overall.good"] == 'The nurses, the GP, and "the night team"\nall of them.'


def test_by_default_only_submitted_responses_of_the_default_questionnaire_are_exported(
    session: Session, questionnaire: Questionnaire, add_response: AddResponse
) -> None:
    submitted = add_response({"overall.rating": "poor"})
    in_progress = add_response({"overall.rating": "good"}, status="in_progress")
    add_response({"overall.rating": "good"}, questionnaire_id="local-extra")

    out = io.StringIO(newline="")
    result = write_responses_csv(session, questionnaire, out)
    everything = export_rows(session, questionnaire, include_in_progress=True)

    assert result.rows_written == 1
    assert result.other_questionnaires == {"local-extra": 1}
    assert [row["response_id"] for row in everything] == [
        submitted.response_id,
        in_progress.response_id,
    ]
    assert everything[1]["status"] == "in_progress"
    assert everything[1]["submitted_at"] == ""


def test_an_area_filter_keeps_that_area_only_and_an_unknown_area_is_an_error(
    session: Session, questionnaire: Questionnaire, add_response: AddResponse
) -> None:
    add_response({"overall.rating": "poor"}, area="north-riverside")
    south = add_response({"overall.rating": "good"}, area="south-vale")

    rows = export_rows(session, questionnaire, area_slug="south-vale")

    assert [row["response_id"] for row in rows] == [south.response_id]
    with pytest.raises(AreaNotFound):
        export_rows(session, questionnaire, area_slug="atlantis")


def test_batches_cover_every_response_once_in_id_order(
    session: Session, questionnaire: Questionnaire, add_response: AddResponse
) -> None:
    made = [add_response({"overall.rating": "good"}).response_id for _ in range(7)]

    rows = export_rows(session, questionnaire, batch_size=3)

    assert [row["response_id"] for row in rows] == made


@pytest.mark.parametrize(
    ("comment", "written"),
    [
        ('=HYPERLINK("http://x.test","click")', '\'=HYPERLINK("http://x.test","click")'),
        ("+44 7700 900000", "'+44 7700 900000"),
        ("-2 stars", "'-2 stars"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("'=already has an apostrophe", "''=already has an apostrophe"),
        ("'just an apostrophe", "'just an apostrophe"),
        ("Fine = good", "Fine = good"),
    ],
)
def test_text_that_a_spreadsheet_would_run_as_a_formula_is_neutralised(
    session: Session,
    questionnaire: Questionnaire,
    add_response: AddResponse,
    comment: str,
    written: str,
) -> None:
    add_response({"overall.rating": "good", "overall.other": comment})

    (row,) = export_rows(session, questionnaire)

    assert row["overall.other"] == written
    assert restore_cell(row["overall.other"]) == comment


def test_a_response_id_that_looks_like_a_formula_is_neutralised_too(
    session: Session, questionnaire: Questionnaire, add_response: AddResponse
) -> None:
    add_response({"overall.rating": "good"}, response_id="=cmd|' /C calc'!A0")

    (row,) = export_rows(session, questionnaire)

    assert row["response_id"] == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_trigger_gets_one_apostrophe(first: str) -> None:
    assert neutralise_cell(first + "x") == "'" + first + "x"
    assert restore_cell("'" + first + "x") == first + "x"


@given(st.text(alphabet=st.sampled_from("'=+-@\t\rab ,\"\n"), max_size=12))
def test_restore_exactly_reverses_neutralise(text: str) -> None:
    assert restore_cell(neutralise_cell(text)) == text


def test_a_file_export_is_renamed_into_place_only_when_complete(
    session: Session, questionnaire: Questionnaire, add_response: AddResponse, tmp_path: Path
) -> None:
    add_response({"overall.rating": "good", "overall.good": "Line one\nline two"})
    add_response({"overall.rating": "fair"})
    destination = tmp_path / "responses.csv"

    result = export_responses_to_file(session, questionnaire, destination)

    assert result.rows_written == 2
    assert list(tmp_path.iterdir()) == [destination]
    assert response_export.count_csv_records(destination) == 3


def test_a_count_that_does_not_match_leaves_no_file_behind(
    session: Session,
    questionnaire: Questionnaire,
    add_response: AddResponse,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_response({"overall.rating": "good"})
    monkeypatch.setattr(response_export, "matching_count", lambda *args: 2)

    with pytest.raises(ExportCountMismatch):
        export_responses_to_file(session, questionnaire, tmp_path / "responses.csv")

    assert list(tmp_path.iterdir()) == []


@given(
    st.lists(
        st.lists(
            st.text(alphabet=st.sampled_from("ab ,\"\r\n'é"), max_size=8), min_size=1, max_size=4
        ),
        max_size=6,
    ),
    st.integers(min_value=0, max_value=400),
)
def test_the_record_count_agrees_with_a_csv_parse_even_of_a_cut_file(
    rows: list[list[str]], cut: int
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        with path.open("w", encoding="utf-8", newline="") as out:
            csv.writer(out, lineterminator="\r\n").writerows(rows)
        whole = path.read_bytes()
        for content in (whole, whole[:cut]):  # as written, and as a full disk might leave it
            path.write_bytes(content)
            with path.open(encoding="utf-8", errors="replace", newline="") as handle:
                parsed = sum(1 for _ in csv.reader(handle))
            assert response_export.count_csv_records(path) == parsed
