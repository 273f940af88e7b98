"""Importing responses from CSV: the round trip, row checks with line numbers, all or nothing."""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Answer, Response
from app.questionnaire import Questionnaire, QuestionnaireLibrary
from app.services import response_import
from app.services.demo_data import seed_demo
from app.services.response_export import FIXED_COLUMNS, export_responses_to_file
from app.services.response_import import (
    ImportFileUnreadable,
    ImportRowsInvalid,
    ImportSummary,
    import_responses_csv,
)
from tests.services.conftest import AddResponse
from tests.services.response_helpers import count_answers, count_responses, forget_responses

ITEMS = [
    "about.place_of_death",
    "hospital.any_time",
    "hospital.rating",
    "overall.rating",
    "overall.good",
]
HEADER = [*FIXED_COLUMNS, *ITEMS]


def row(**changes: str) -> list[str]:
    """A valid row (a hospital death rated good), with some cells changed."""
    cells = {
        "response_id": "paper-0001",
        "questionnaire_id": "voices-core",
        "questionnaire_version": "1",
        "area": "north-riverside",
        "community_group": "",
        "language": "en",
        "channel": "paper",
        "status": "submitted",
        "submitted_at": "2025-03-04T10:30:15Z",
        "about.place_of_death": "hospital",
        "hospital.any_time": "yes",
        "hospital.rating": "good",
        "overall.rating": "excellent",
        "overall.good": "Kind nurses.",
    }
    cells.update({name.replace("__", "."): value for name, value in changes.items()})
    return [cells[name] for name in HEADER]


def write_csv(
    path: Path, rows: Sequence[Sequence[str]], header: Sequence[str] = HEADER, **open_args: str
) -> Path:
    with path.open("w", newline="", encoding=open_args.get("encoding", "utf-8")) as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run_import(
    session: Session, library: QuestionnaireLibrary, source: Path, **options: bool
) -> ImportSummary:
    return import_responses_csv(session, library, source, **options)


def stored_answers(session: Session, response_id: str) -> Mapping[str, str | None]:
    rows = session.execute(
        select(Answer.item_id, Answer.value)
        .join(Response, Response.id == Answer.response_id)
        .where(Response.response_id == response_id)
    )
    return {item_id: value for item_id, value in rows}


def test_export_then_import_into_an_empty_database_then_export_again_is_byte_identical(
    session: Session,
    questionnaire: Questionnaire,
    library: QuestionnaireLibrary,
    add_response: AddResponse,
    tmp_path: Path,
) -> None:
    seed_demo(session, questionnaire, responses=150, seed=7, today=date(2025, 6, 30))
    on_route = {"about.place_of_death": "hospital", "hospital.any_time": "yes"}
    add_response(
        {
            **on_route,
            "hospital.rating": "fair",
            "overall.rating": "fair",
            "overall.good": '=1+2, "quoted", and\na second line',
            "overall.improve": "'=already had an apostrophe",
            "overall.other": "-  more help at night\n+ one number to call\n@ward 7 👍 شکریہ",
        },
        response_id="=cmd|' /C calc'!A0",
        group="lgbtq-elders",
    )
    add_response({"about.relationship": "friend_neighbour"}, status="in_progress")
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    exported = export_responses_to_file(session, questionnaire, first, include_in_progress=True)

    forget_responses(session)
    summary = run_import(session, library, first)
    export_responses_to_file(session, questionnaire, second, include_in_progress=True)

    assert exported.rows_written == 152
    assert (summary.imported, summary.already_present, summary.problem_count) == (152, 0, 0)
    assert second.read_bytes() == first.read_bytes()
    assert stored_answers(session, "=cmd|' /C calc'!A0")["overall.improve"] == (
        "'=already had an apostrophe"
    )


def test_a_file_with_mistakes_is_reported_line_by_line_and_nothing_is_imported(
    session: Session, library: QuestionnaireLibrary, places: dict[str, int], tmp_path: Path
) -> None:
    header = [*HEADER, "made.up"]
    source = write_csv(
        tmp_path / "returns.csv",
        [
            # A comment over two lines: the next record starts on line 4.
            [*row(response_id="r-1", overall__good="First line\nsecond line"), ""],
            [*row(response_id="r-2", overall__rating="brilliant"), ""],
            [*row(response_id="r-3", hospital__any_time="no"), ""],
            [*row(response_id="r-4", submitted_at="31/02/2025"), ""],
            [*row(response_id="r-1"), ""],
            [*row(response_id="r-6"), "surprise"],
        ],
        header=header,
    )

    with pytest.raises(ImportRowsInvalid) as raised:
        run_import(session, library, source)

    reported = [str(problem) for problem in raised.value.problems]
    assert reported == [
        "line 1: column made.up: unknown item column: not a question in voices-core v1",
        "line 4: column overall.rating: unknown code 'brilliant'; "
        "the codes are outstanding, excellent, good, fair, poor",
        "line 5: column hospital.rating: answered, but the earlier answers route this "
        "response past this question",
        "line 6: column submitted_at: '31/02/2025' is not an ISO 8601 date and time such as "
        "2024-03-01T14:30:00Z",
        "line 7: column response_id: 'r-1' is already used on line 2",
        "line 8: column made.up: voices-core v1 has no question with this id",
    ]
    assert raised.value.invalid_rows == 5
    assert count_responses(session) == 0
    assert count_answers(session) == 0


def test_skip_invalid_imports_the_valid_rows_and_counts_the_rest(
    session: Session, library: QuestionnaireLibrary, places: dict[str, int], tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "returns.csv",
        [
            row(response_id="good-1"),
            row(response_id="bad-1", overall__rating="brilliant"),
            row(response_id="good-2", overall__good=""),
            row(response_id="good-1"),
        ],
    )

    summary = run_import(session, library, source, skip_invalid=True)

    assert (summary.imported, summary.invalid_skipped, summary.already_present) == (2, 2, 0)
    assert [str(problem)[:7] for problem in summary.problems] == ["line 3:", "line 5:"]
    stored = session.scalars(select(Response.response_id).order_by(Response.id)).all()
    assert stored == ["good-1", "good-2"]


def test_importing_the_same_file_again_changes_nothing_and_reports_conflicts(
    session: Session, library: QuestionnaireLibrary, places: dict[str, int], tmp_path: Path
) -> None:
    original = write_csv(tmp_path / "a.csv", [row(response_id="p-1"), row(response_id="p-2")])
    run_import(session, library, original)
    answers_before = count_answers(session)

    again = run_import(session, library, original)
    changed = write_csv(
        tmp_path / "b.csv", [row(response_id="p-1", overall__rating="poor"), row(response_id="p-2")]
    )
    conflicting = run_import(session, library, changed)

    assert (again.imported, again.already_present, again.conflict_count) == (0, 2, 0)
    assert (conflicting.imported, conflicting.already_present) == (0, 2)
    assert [str(conflict) for conflict in conflicting.conflicts] == [
        "line 2: column response_id: 'p-1' is already stored with different content "
        "(overall.rating); nothing was changed"
    ]
    assert count_responses(session) == 2
    assert count_answers(session) == answers_before
    assert stored_answers(session, "p-1")["overall.rating"] == "excellent"


def test_an_empty_cell_on_the_route_is_stored_as_no_answer_at_all(
    session: Session, library: QuestionnaireLibrary, places: dict[str, int], tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "a.csv", [row(hospital__rating="", overall__good="  ")])

    run_import(session, library, source)

    assert stored_answers(session, "paper-0001") == {
        "about.place_of_death": "hospital",
        "hospital.any_time": "yes",
        "overall.rating": "excellent",
    }


def test_a_file_that_is_not_utf8_is_refused_with_a_clear_message(
    session: Session, library: QuestionnaireLibrary, places: dict[str, int], tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "latin1.csv",
        [row(response_id="a"), row(response_id="b", overall__good="Très gentils")],
        encoding="latin-1",
    )

    with pytest.raises(ImportFileUnreadable) as raised:
        run_import(session, library, source)

    (message,) = raised.value.problems
    assert message.startswith("line 3: the file is not UTF-8 text")
    assert "save it as 'CSV UTF-8'" in message
    assert count_responses(session) == 0


def test_a_byte_order_mark_from_excel_is_accepted(
    session: Session, library: QuestionnaireLibrary, places: dict[str, int], tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "excel.csv", [row(overall__good="Très gentils")], encoding="utf-8-sig"
    )

    summary = run_import(session, library, source)

    assert summary.imported == 1
    assert stored_answers(session, "paper-0001")["overall.good"] == "Très gentils"


def test_a_header_without_the_fixed_columns_is_refused(
    session: Session, library: QuestionnaireLibrary, places: dict[str, int], tmp_path: Path
) -> None:
    header = [name for name in HEADER if name not in ("area", "status")]
    source = write_csv(tmp_path / "a.csv", [], header=header)

    with pytest.raises(ImportFileUnreadable) as raised:
        run_import(session, library, source)

    assert raised.value.problems == ["line 1: the header lacks the column(s) area, status"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    session: Session,
    library: QuestionnaireLibrary,
    places: dict[str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source = write_csv(tmp_path / "a.csv", [row()])
    monkeypatch.setattr(response_import, "MAX_IMPORT_BYTES", 100)

    with pytest.raises(ImportFileUnreadable, match="the limit is"):
        run_import(session, library, source)


@pytest.mark.parametrize(
    ("changes", "column", "fragment"),
    [
        ({"area": "atlantis"}, "area", "there is no area 'atlantis'"),
        ({"community_group": "nobody"}, "community_group", "no community group 'nobody'"),
        (
            {"community_group": "polish-community", "area": "south-vale"},
            "community_group",
            "serves the area 'north-riverside' only",
        ),
        ({"status": "done"}, "status", "'done' is not one of in_progress, submitted"),
        ({"channel": "fax"}, "channel", "'fax' is not one of"),
        ({"language": "english please"}, "language", "not a language tag"),
        ({"questionnaire_version": "9"}, "questionnaire_version", "voices-core has no version 9"),
        ({"questionnaire_version": "one"}, "questionnaire_version", "not a version number"),
        ({"questionnaire_id": "elsewhere"}, "questionnaire_id", "no questionnaire 'elsewhere'"),
        ({"response_id": ""}, "response_id", "a response_id is required"),
        ({"response_id": "x" * 65}, "response_id", "the limit is 64"),
        ({"submitted_at": ""}, "submitted_at", "a submitted response needs its date"),
        ({"submitted_at": "2999-01-01T00:00:00Z"}, "submitted_at", "is in the future"),
        ({"status": "in_progress"}, "submitted_at", "has not been submitted"),
        ({"overall__good": "x" * 5001}, "overall.good", "the limit is 5000"),
    ],
)
def test_each_kind_of_mistake_names_its_line_and_column(
    session: Session,
    library: QuestionnaireLibrary,
    places: dict[str, int],
    tmp_path: Path,
    changes: dict[str, str],
    column: str,
    fragment: str,
) -> None:
    source = write_csv(tmp_path / "a.csv", [row(response_id="fine"), row(**changes)])

    with pytest.raises(ImportRowsInvalid) as raised:
        run_import(session, library, source)

    (problem,) = raised.value.problems
    assert (problem.line, problem.column) == (3, column)
    assert fragment in problem.message
    assert count_responses(session) == 0


def test_a_row_with_the_wrong_number_of_cells_is_reported(
    session: Session, library: QuestionnaireLibrary, places: dict[str, int], tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "a.csv", [row(), row(response_id="short")[:-2]])

    with pytest.raises(ImportRowsInvalid) as raised:
        run_import(session, library, source)

    assert [str(p) for p in raised.value.problems] == [
        f"line 3: this row has {len(HEADER) - 2} cells but the header has {len(HEADER)}"
    ]


def test_times_with_an_offset_are_stored_in_utc(
    session: Session, library: QuestionnaireLibrary, places: dict[str, int], tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "a.csv", [row(submitted_at="2025-07-04T12:30:15+02:00")])

    run_import(session, library, source)

    stored = session.scalar(select(Response.submitted_at))
    assert stored == datetime(2025, 7, 4, 10, 30, 15)


def test_a_dry_run_checks_everything_and_stores_nothing(
    session: Session, library: QuestionnaireLibrary, places: dict[str, int], tmp_path: Path
) -> None:
    source = write_csv(tmp_path / "a.csv", [row(response_id="a"), row(response_id="b")])

    summary = run_import(session, library, source, dry_run=True)

    assert (summary.imported, summary.dry_run) == (2, True)
    assert count_responses(session) == 0


def test_answers_are_stored_in_the_engine_form_whatever_their_case(
    session: Session, library: QuestionnaireLibrary, places: dict[str, int], tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "a.csv", [row(overall__rating="Excellent", hospital__any_time="YES")]
    )

    run_import(session, library, source)

    answers = stored_answers(session, "paper-0001")
    assert (answers["overall.rating"], answers["hospital.any_time"]) == ("excellent", "yes")
