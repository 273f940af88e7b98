"""Hostile CSV files for both importers: a named error or a clean import, never a half import."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Answer, Contact, Invitation, Response
from app.questionnaire import QuestionnaireLibrary
from app.questionnaire.answers import deserialise_answer
from app.services.invitation_import import (
    ImportOptions,
    InvitationFileUnreadable,
    InvitationRowsInvalid,
    import_invitations,
)
from app.services.response_export import FIXED_COLUMNS
from app.services.response_import import (
    ImportFileUnreadable,
    ImportRowsInvalid,
    import_responses_csv,
)
from app.services.response_import_problems import ImportFileChanged
from app.sms.runtime import current_cipher
from tests.conftest import scaled_examples

HOSTILE = [
    "", " ", "\x00", "\x00yes", "=HYPERLINK(\"x\")", "+1", "-1", "@SUM(A1)", "1e309", "NaN",
    "../../etc/passwd", "'; DROP TABLE answers; --", "<script>alert(1)</script>", "\ufeff",
    "é", "😀", "x" * 6000, "2025-02-30", "9999-12-31", "0000-00-00", "yes,no", "\"", "\r\n",
]  # fmt: skip
CELL = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
SETTINGS = settings(
    max_examples=scaled_examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

RESPONSE_ITEMS = ["about.place_of_death", "hospital.any_time", "hospital.rating",
                  "overall.rating", "overall.good"]  # fmt: skip
RESPONSE_HEADER = [*FIXED_COLUMNS, *RESPONSE_ITEMS]
VALID_RESPONSE = {
    "response_id": "paper-0001", "questionnaire_id": "voices-core", "questionnaire_version": "1",
    "area": "north-riverside", "community_group": "", "language": "en", "channel": "paper",
    "status": "submitted", "submitted_at": "2025-03-04T10:30:15Z",
    "about.place_of_death": "hospital", "hospital.any_time": "yes", "hospital.rating": "good",
    "overall.rating": "excellent", "overall.good": "Kind nurses.",
}  # fmt: skip

INVITATION_COLUMNS = ["phone", "area", "community_group", "language", "name_of_person",
                      "relationship", "date_of_death", "exclude_reason", "email"]  # fmt: skip
VALID_INVITATION = {"phone": "07700900123", "area": "north-riverside", "language": "en",
                    "date_of_death": "2025-11-20"}  # fmt: skip


@pytest.fixture
def scratch() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="import-fuzz-") as folder:
        yield Path(folder)


def mutated_rows(
    draw: st.DrawFn, valid: dict[str, str], columns: list[str], max_rows: int = 4
) -> list[list[str]]:
    rows = []
    for number in range(draw(st.integers(1, max_rows))):
        cells = dict(valid)
        if "response_id" in cells:
            cells["response_id"] = f"fuzz-{number}"
        for column in draw(st.lists(st.sampled_from(columns), max_size=4)):
            cells[column] = draw(CELL)
        rows.append([cells.get(column, "") for column in columns])
    return rows


@st.composite
def csv_files(draw: st.DrawFn, valid: dict[str, str], columns: list[str]) -> bytes:
    """A CSV derived from valid rows by hostile edits, or its header mangled, or raw bytes."""
    kind = draw(st.sampled_from(["cells", "cells", "header", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=600))
    header = list(columns)
    if kind == "header":
        edit = draw(st.sampled_from(["drop", "duplicate", "unknown", "blank"]))
        at = draw(st.integers(0, len(header) - 1))
        if edit == "drop":
            header.pop(at)
        elif edit == "duplicate":
            header.append(header[at])
        elif edit == "unknown":
            header.append(draw(CELL))
        else:
            header[at] = ""
    rows = mutated_rows(draw, valid, columns)
    lines = [header, *rows]
    with tempfile.SpooledTemporaryFile(mode="w+", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(lines)
        handle.seek(0)
        text = handle.read()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


def everything_stored(session: Session) -> tuple[list[tuple[object, ...]], ...]:
    responses = session.execute(select(Response.response_id, Response.status)).all()
    answers = session.execute(select(Answer.response_id, Answer.item_id, Answer.value)).all()
    invitations = session.execute(select(Invitation.id, Invitation.token_hash)).all()
    contacts = session.execute(select(Contact.id, Contact.phone_hash)).all()
    return tuple(sorted(map(tuple, rows)) for rows in (responses, answers, invitations, contacts))


@SETTINGS
@given(content=csv_files(VALID_RESPONSE, RESPONSE_HEADER))
def test_the_response_import_never_raises_anything_but_its_errors_or_half_imports(
    session: Session,
    library: QuestionnaireLibrary,
    places: dict[str, int],
    scratch: Path,
    content: bytes,
) -> None:
    source = scratch / "responses.csv"
    source.write_bytes(content)
    before = everything_stored(session)
    try:
        import_responses_csv(session, library, source)
    except (ImportFileUnreadable, ImportRowsInvalid, ImportFileChanged) as refused:
        assert str(refused), "a refusal always says why"
        session.rollback()
        assert everything_stored(session) == before, "a refused file changes nothing"
        return
    # Accepted: what was there is still there, and every stored answer reads back.
    after = everything_stored(session)
    assert set(before[0]) <= set(after[0]) and set(before[1]) <= set(after[1])
    for response_key, item_id, value in session.execute(
        select(Answer.response_id, Answer.item_id, Answer.value)
    ):
        questionnaire = library.get("voices-core")
        deserialise_answer(questionnaire.item(item_id), value)
        assert response_key is not None


@SETTINGS
@given(content=csv_files(VALID_INVITATION, INVITATION_COLUMNS))
def test_the_invitation_import_never_raises_anything_but_its_errors_or_half_imports(
    session: Session, places: dict[str, int], scratch: Path, content: bytes
) -> None:
    source = scratch / "invitations.csv"
    source.write_bytes(content)
    before = everything_stored(session)
    options = ImportOptions(
        questionnaire_id="voices-core", today=date(2026, 6, 1), min_days_after_death=90,
        valid_days=120,
    )  # fmt: skip
    try:
        report = import_invitations(session, current_cipher(), source, options)
    except (InvitationFileUnreadable, InvitationRowsInvalid) as refused:
        assert str(refused) or getattr(refused, "args", None)
        session.rollback()
        assert everything_stored(session) == before, "a refused file changes nothing"
        return
    session.commit()
    after = everything_stored(session)
    assert len(after[2]) == len(before[2]) + report.invited
