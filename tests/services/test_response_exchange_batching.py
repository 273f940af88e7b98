"""The shortcuts that make export and import fast give the same answers as the plain way."""

from __future__ import annotations

import csv
import io
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from app.questionnaire import (
    InvalidAnswer,
    Item,
    Questionnaire,
    QuestionnaireLibrary,
    parse_answer,
    serialise_answer,
)
from app.services import response_import_answers
from app.services.response_csv_format import restore_cell
from app.services.response_export import write_responses_csv
from app.services.response_import import ImportRowsInvalid, import_responses_csv
from tests.services.conftest import AddResponse
from tests.services.test_response_import import row, stored_answers, write_csv

COMMENTS = [f"Comment number {n}, different for everyone." for n in range(12)]


def exported(session: Session, questionnaire: Questionnaire, **options: object) -> list[dict]:
    out = io.StringIO(newline="")
    write_responses_csv(session, questionnaire, out, **options)  # type: ignore[arg-type]
    return list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))


@pytest.mark.parametrize("batch_size", [1, 2, 5, 100])
def test_an_area_export_has_that_areas_answers_however_the_areas_interleave(
    session: Session, questionnaire: Questionnaire, add_response: AddResponse, batch_size: int
) -> None:
    # One response in three is north's: a batch of its keys is spread out, so it is read by key
    # list (or, for small batches, by a range holding others' answers); the export of
    # everything is read by key range. Either way each row has its own answers only.
    for n, comment in enumerate(COMMENTS):
        add_response(
            {"overall.good": comment, "overall.rating": "good" if n % 3 else "poor"},
            area="north-riverside" if n % 3 == 0 else "south-vale",
            response_id=f"r-{n:02d}",
        )

    north = exported(session, questionnaire, area_slug="north-riverside", batch_size=batch_size)
    everything = exported(session, questionnaire, batch_size=batch_size)

    assert [(r["response_id"], r["overall.good"]) for r in north] == [
        (f"r-{n:02d}", COMMENTS[n]) for n in range(0, 12, 3)
    ]
    assert [(r["response_id"], r["overall.good"], r["overall.rating"]) for r in everything] == [
        (f"r-{n:02d}", COMMENTS[n], "good" if n % 3 else "poor") for n in range(12)
    ]


def test_the_same_bad_cell_on_many_rows_is_reported_on_every_line(
    session: Session, library: QuestionnaireLibrary, places: dict[str, int], tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "a.csv",
        [row(response_id=f"r-{n}", overall__rating="brilliant") for n in range(3)],
    )

    with pytest.raises(ImportRowsInvalid) as raised:
        import_responses_csv(session, library, source)

    assert [(p.line, p.column) for p in raised.value.problems] == [
        (2, "overall.rating"),
        (3, "overall.rating"),
        (4, "overall.rating"),
    ]
    assert len({p.message for p in raised.value.problems}) == 1


def test_rows_on_the_same_route_are_judged_each_on_its_own_answers(
    session: Session, library: QuestionnaireLibrary, places: dict[str, int], tmp_path: Path
) -> None:
    source = write_csv(
        tmp_path / "a.csv",
        [
            row(response_id="a", hospital__any_time="no", hospital__rating=""),
            row(response_id="b", hospital__any_time="no", hospital__rating="good"),
            row(response_id="c", hospital__any_time="no", hospital__rating=""),
            row(response_id="d", hospital__any_time="NO", hospital__rating="poor"),
        ],
    )

    summary = import_responses_csv(session, library, source, skip_invalid=True)

    assert [(p.line, p.column) for p in summary.problems] == [
        (3, "hospital.rating"),
        (5, "hospital.rating"),
    ]
    assert summary.imported == 2
    assert "hospital.rating" not in stored_answers(session, "a")


def test_cells_past_what_a_column_remembers_are_still_read_and_checked(
    session: Session,
    library: QuestionnaireLibrary,
    places: dict[str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(response_import_answers, "_MAX_CELLS_REMEMBERED", 2)
    rows = [row(response_id=f"r-{n}", overall__good=comment) for n, comment in enumerate(COMMENTS)]
    rows.append(row(response_id="bad", overall__rating="brilliant"))
    rows.append(row(response_id="bad-again", overall__rating="brilliant"))
    source = write_csv(tmp_path / "a.csv", rows)

    summary = import_responses_csv(session, library, source, skip_invalid=True)

    assert summary.imported == len(COMMENTS)
    assert [p.line for p in summary.problems] == [len(COMMENTS) + 2, len(COMMENTS) + 3]
    for n, comment in enumerate(COMMENTS):
        assert stored_answers(session, f"r-{n}")["overall.good"] == comment


@cache
def _comment_item() -> Item:
    library = QuestionnaireLibrary(Path(__file__).parents[2] / "questionnaires")
    return library.get("voices-core").item("overall.good")


# No deadline: the first example loads the questionnaire, and the machine may be busy.
@settings(deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            ["a", "Z", " ", "\t", "\n", "\r", "=", "'", "-", "é", "\x00", "~"]
        ),
        max_size=30,
    )
    | st.text(max_size=30)
)
def test_the_quick_reading_of_plain_text_agrees_with_the_engine(raw: str) -> None:
    item = _comment_item()
    assert item.type == "text"
    text = restore_cell(raw)

    quick = response_import_answers._read_cell(item, raw)

    try:
        value = parse_answer(item, text)
    except InvalidAnswer:
        assert len(quick) == 3  # a problem, described by the engine's path
        return
    if value is None:
        assert quick == (None, None)
    else:
        assert quick == (value, serialise_answer(item, value))


def test_plain_text_over_the_limit_is_still_refused_with_the_engines_message(
    questionnaire: Questionnaire,
) -> None:
    item = questionnaire.item("overall.good")
    assert item.max_length is not None

    outcome = response_import_answers._read_cell(item, "x" * (item.max_length + 1))

    assert outcome[2] == (
        f"the text is {item.max_length + 1} characters; the limit is {item.max_length}"
    )
