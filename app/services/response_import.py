"""Import responses from the export's CSV format: check every row, then insert in batches."""

from __future__ import annotations

import codecs
import csv
import operator
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session, aliased

from app.models import Answer, Area, CommunityGroup, Response
from app.models.clock import utc_now
from app.models.response import ResponseStatus
from app.questionnaire import (
    AnswerValue,
    InvalidAnswer,
    InvalidMonthYear,
    Item,
    MultipleNotAllowed,
    NotANumber,
    NumberOutOfRange,
    Questionnaire,
    QuestionnaireError,
    QuestionnaireLibrary,
    TextTooLong,
    UnknownOptionCode,
    off_path_items,
    parse_answer,
    serialise_answer,
)
from app.services.errors import ServiceError
from app.services.response_export import (
    FIXED_COLUMNS,
    format_timestamp,
    is_neutralised_column,
    restore_cell,
)
from app.services.transactions import begin_write

MAX_IMPORT_BYTES = 512 * 1024 * 1024
# Far above a real row (80 columns of 5,000-character comments); a binary file is stopped early.
MAX_LINE_BYTES = 8 * 1024 * 1024
IMPORT_BATCH_SIZE = 2_000
RESPONSE_ID_MAX = 64
CHANNELS = frozenset({"web", "sms", "paper", "import", "phone"})
STATUSES = frozenset(status.value for status in ResponseStatus)
_MAX_ROUTES_REMEMBERED = 100_000
# Enough to fix a file by; a file with more problems than this has a systematic fault.
MAX_REPORTED = 1_000
# language-Script-REGION-variants, e.g. en, pl, zh-Hans, pt-BR, es-419 (stored in 16 characters).
_LANGUAGE_TAG = re.compile(
    r"[A-Za-z]{2,3}"  # language
    r"(?:-[A-Za-z]{4})?"  # script
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"  # variants
)
_VERSION = re.compile(r"[1-9][0-9]{0,8}")
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# A paper return keyed in today may be dated by a clock a little ahead; a year ahead is a typo.
_FUTURE_TOLERANCE = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One thing wrong (or, for a conflict, different) in the file, with its line and column."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.column is None:
            return f"line {self.line}: {self.message}"
        return f"line {self.line}: column {self.column}: {self.message}"


class ImportFileUnreadable(ServiceError):
    """The file as a whole cannot be imported: too big, not UTF-8 text, or a bad header."""

    def __init__(self, problems: Sequence[RowProblem | str]) -> None:
        self.problems = [str(problem) for problem in problems]
        super().__init__("\n".join(self.problems))


class ImportRowsInvalid(ServiceError):
    """Some rows are invalid and --skip-invalid was not given, so nothing was imported."""

    def __init__(
        self, problems: Sequence[RowProblem], problem_count: int, invalid_rows: int
    ) -> None:
        self.problems = list(problems)
        self.problem_count = problem_count
        self.invalid_rows = invalid_rows
        super().__init__(f"{invalid_rows} rows have problems; nothing was imported")


class ImportFileChanged(ServiceError):
    """The file changed between the check and the import; what was imported is all valid."""


@dataclass
class ImportSummary:
    """What an import did (or, on a dry run, would do)."""

    rows: int = 0
    imported: int = 0
    already_present: int = 0
    invalid_skipped: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    problem_count: int = 0
    conflicts: list[RowProblem] = field(default_factory=list)
    conflict_count: int = 0
    dry_run: bool = False

    def add_problems(self, problems: Sequence[RowProblem]) -> None:
        self.problem_count += len(problems)
        room = MAX_REPORTED - len(self.problems)
        self.problems.extend(problems[: max(room, 0)])

    def add_conflict(self, conflict: RowProblem) -> None:
        self.conflict_count += 1
        if len(self.conflicts) < MAX_REPORTED:
            self.conflicts.append(conflict)


@dataclass(frozen=True, slots=True)
class CheckedRow:
    """A valid row: the response's fields and its answers as the engine's stored text."""

    line: int
    response_id: str
    questionnaire: Questionnaire
    area_id: int
    area_slug: str
    community_group_id: int | None
    community_group_slug: str | None
    language: str
    channel: str
    status: str
    submitted_at: datetime | None
    answers: dict[str, str]

    def comparable(self) -> dict[str, str]:
        """Every field and answer as exported, to tell a true duplicate from a conflict."""
        return {
            "questionnaire_id": self.questionnaire.id,
            "questionnaire_version": str(self.questionnaire.version),
            "area": self.area_slug,
            "community_group": self.community_group_slug or "",
            "language": self.language,
            "channel": self.channel,
            "status": self.status,
            "submitted_at": format_timestamp(self.submitted_at),
            **self.answers,
        }


ProgressCallback = Callable[[str, int], None]


def import_responses_csv(
    session: Session,
    library: QuestionnaireLibrary,
    source: Path,
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    batch_size: int = IMPORT_BATCH_SIZE,
    on_progress: ProgressCallback | None = None,
) -> ImportSummary:
    """Check every row of ``source``; then insert the valid, new ones in batched transactions.

    The first pass reads the whole file and writes nothing, so without ``skip_invalid`` one
    bad row means nothing at all is imported. The second pass re-reads the file and commits a
    batch at a time, which keeps SQLite's write lock short enough for carers saving pages at
    the same time. Should it stop half way (a crash, a full disk), running the same import
    again completes it: rows already present are skipped, never duplicated or changed.

    An empty cell is stored as no answer at all, even for a question on the route: a paper
    form cannot say whether the carer saw a question and skipped it, so "never seen" (no row)
    is the honest record; it exports as an empty cell, exactly as a skipped question does.
    """
    advance = on_progress or (lambda _phase, _rows: None)
    stamp = _file_stamp(source)
    summary = ImportSummary(dry_run=dry_run)
    checker = _RowChecker(session, library)
    invalid_lines: set[int] = set()
    with _csv_rows(source) as rows:
        checker.use_header(_read_header(rows))
        for line, cells in rows:
            summary.rows += 1
            result = checker.check(line, cells, first_pass=True)
            if isinstance(result, list):
                invalid_lines.add(line)
                summary.add_problems(result)
            advance("checking", 1)
    # An unknown column is reported once against the header; each row with something in it is
    # invalid too, so --skip-invalid still imports the rows that leave it empty.
    header_problems = checker.unknown_columns()
    summary.problems[:0] = header_problems
    summary.problem_count += len(header_problems)
    summary.invalid_skipped = len(invalid_lines)
    session.rollback()  # end the first pass's read transaction before anything else
    if summary.problem_count and not skip_invalid:
        raise ImportRowsInvalid(summary.problems, summary.problem_count, len(invalid_lines))
    if _file_stamp(source) != stamp:
        raise ImportFileChanged("the file changed while it was being checked; nothing was imported")

    with _csv_rows(source) as rows:
        _read_header(rows)
        batch: list[CheckedRow] = []
        for line, cells in rows:
            if line in invalid_lines:
                continue
            result = checker.check(line, cells, first_pass=False)
            if isinstance(result, list):
                raise ImportFileChanged(f"line {line} changed after it was checked")
            batch.append(result)
            if len(batch) >= batch_size:
                _store_batch(session, batch, summary, dry_run)
                advance("importing", len(batch))
                batch = []
        if batch:
            _store_batch(session, batch, summary, dry_run)
            advance("importing", len(batch))
    return summary


def _file_stamp(source: Path) -> tuple[int, int]:
    try:
        status = source.stat()
    except OSError as problem:
        raise ImportFileUnreadable([f"cannot read {source}: {problem.strerror}"]) from problem
    if status.st_size > MAX_IMPORT_BYTES:
        raise ImportFileUnreadable(
            [
                f"the file is {status.st_size / 2**20:,.0f} MB; the limit is "
                f"{MAX_IMPORT_BYTES // 2**20} MB (split it and import the parts)"
            ]
        )
    return status.st_size, status.st_mtime_ns


class _NotUtf8(Exception):
    def __init__(self, line: int, column: int) -> None:
        self.line = line
        self.column = column


class _TooLong(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _CsvRows:
    """(first line number, cells) for each record; file-level faults become ImportFileUnreadable."""

    def __init__(self, source: Path) -> None:
        self._handle = source.open("rb")
        self._reader = csv.reader(self._decoded_lines(), strict=True)

    def _decoded_lines(self) -> Iterator[str]:
        # Decoding line by line (not in the blocks a text file reads) lets a bad byte be
        # reported on its own line, and a file without line breaks is stopped early.
        number = 0
        while raw := self._handle.readline(MAX_LINE_BYTES + 1):
            number += 1
            if len(raw) > MAX_LINE_BYTES:
                raise _TooLong(number)
            if number == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)  # Excel's "CSV UTF-8" starts with one
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as problem:
                raise _NotUtf8(number, problem.start + 1) from problem

    def __enter__(self) -> _CsvRows:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._handle.close()

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        return self

    def __next__(self) -> tuple[int, list[str]]:
        while True:
            # A quoted comment can span lines, so a record starts on the line after the last one.
            line = self._reader.line_num + 1
            try:
                cells = next(self._reader)
            except _NotUtf8 as problem:
                message = (
                    "the file is not UTF-8 text (in the spreadsheet, save it as 'CSV UTF-8'); "
                    f"byte {problem.column} of this line cannot be read"
                )
                raise ImportFileUnreadable([RowProblem(problem.line, None, message)]) from None
            except _TooLong as problem:
                message = (
                    f"a line longer than {MAX_LINE_BYTES // 2**20} MB: this is not a responses CSV"
                )
                raise ImportFileUnreadable([RowProblem(problem.line, None, message)]) from None
            except csv.Error as problem:
                raise ImportFileUnreadable(
                    [RowProblem(line, None, f"this is not well-formed CSV ({problem})")]
                ) from problem
            # Spreadsheets leave blank lines and rows of empty cells at the end: not responses.
            if any(cells):
                return line, cells


def _csv_rows(source: Path) -> _CsvRows:
    return _CsvRows(source)


def _read_header(rows: _CsvRows) -> list[str]:
    try:
        line, header = next(rows)
    except StopIteration:
        raise ImportFileUnreadable(["the file is empty: expected a header row"]) from None
    if line != 1:
        raise ImportFileUnreadable([RowProblem(line, None, "the header must be the first line")])
    return [name.strip() for name in header]


@dataclass(frozen=True, slots=True)
class _Columns:
    """Where each fixed column is, and every item column (name, position)."""

    fixed: Mapping[str, int]
    items: tuple[tuple[str, int], ...]
    width: int


class _VersionColumns:
    """The item columns as one questionnaire version reads them, with what it has learnt.

    Choice answers repeat endlessly across rows, and so do the answers that routing reads;
    checking each distinct cell, and each distinct set of routing answers, once is what makes
    a million-row import fast.
    """

    def __init__(
        self,
        questionnaire: Questionnaire,
        known: Sequence[tuple[Item, int]],
        unknown: Sequence[tuple[str, int]],
    ) -> None:
        self.questionnaire = questionnaire
        self.label = f"{questionnaire.id} v{questionnaire.version}"
        self.unknown = tuple(unknown)
        # Accepted choice cells only: (value, stored text) by the cell as written.
        self.known: tuple[tuple[Item, int, dict[str, tuple[AnswerValue, str]] | None], ...] = tuple(
            (item, position, {} if item.is_choice else None) for item, position in known
        )
        self.neutralised = {item.id: is_neutralised_column(item) for item, _ in known}
        positions = [position for _, position in known]
        # One C-level call picks this version's item cells out of a row.
        self.cells_of: Callable[[list[str]], Sequence[str]] = (
            operator.itemgetter(*positions)
            if len(positions) > 1
            else (lambda cells: [cells[position] for position in positions])
        )
        conditions = [page.show_if for page in questionnaire.pages] + [
            item.show_if for item in questionnaire.items
        ]
        self._routing_item_ids = tuple(
            sorted({item_id for c in conditions if c is not None for item_id in c.item_ids()})
        )
        self._hidden: dict[tuple[AnswerValue | None, ...], frozenset[str]] = {}

    def hidden_items(self, values: Mapping[str, AnswerValue | None]) -> frozenset[str]:
        """The items routing takes this response past, given its answers."""
        key = tuple(values.get(item_id) for item_id in self._routing_item_ids)
        hidden = self._hidden.get(key)
        if hidden is None:
            if len(self._hidden) >= _MAX_ROUTES_REMEMBERED:
                self._hidden.clear()  # a pathological file must not grow memory without end
            # Conditions read only the routing items, so every response agreeing on those has
            # the same path: ask the engine once, with every other question "seen".
            probe: dict[str, AnswerValue | None] = dict.fromkeys(
                (item.id for item in self.questionnaire.answerable_items), None
            )
            probe.update(zip(self._routing_item_ids, key, strict=True))
            hidden = off_path_items(self.questionnaire, probe)
            self._hidden[key] = hidden
        return hidden


class _RowChecker:
    """Checks rows against the questionnaire version each names and the areas and groups stored."""

    def __init__(self, session: Session, library: QuestionnaireLibrary) -> None:
        self._library = library
        self._areas = {
            slug: area_id for area_id, slug in session.execute(select(Area.id, Area.slug))
        }
        self._groups: dict[str, tuple[int, int | None]] = {
            slug: (group_id, area_id)
            for group_id, slug, area_id in session.execute(
                select(CommunityGroup.id, CommunityGroup.slug, CommunityGroup.area_id)
            )
        }
        self._area_slugs = {area_id: slug for slug, area_id in self._areas.items()}
        self._columns: _Columns | None = None
        self._versions: dict[tuple[str, str], _VersionColumns | RowProblem] = {}
        self._first_line_of: dict[str, int] = {}
        self._now = utc_now()

    def use_header(self, header: list[str]) -> _Columns:
        problems: list[RowProblem | str] = []
        seen: dict[str, int] = {}
        for position, name in enumerate(header):
            if name in seen:
                problems.append(RowProblem(1, name, "this column appears twice"))
            seen.setdefault(name, position)
        missing = [name for name in FIXED_COLUMNS if name not in seen]
        if missing:
            problems.append(
                RowProblem(1, None, "the header lacks the column(s) " + ", ".join(missing))
            )
        empty = [position + 1 for position, name in enumerate(header) if not name]
        if empty:
            problems.append(RowProblem(1, None, f"column(s) {empty} have no name"))
        if problems:
            raise ImportFileUnreadable(problems)
        fixed = {name: seen[name] for name in FIXED_COLUMNS}
        items = tuple((name, position) for position, name in enumerate(header) if name not in fixed)
        self._columns = _Columns(fixed, items, len(header))
        return self._columns

    def unknown_columns(self) -> list[RowProblem]:
        """Item columns that no questionnaire version named in the file asks."""
        versions = [
            entry for entry in self._versions.values() if isinstance(entry, _VersionColumns)
        ]
        if not versions or self._columns is None:
            return []
        labels = ", ".join(sorted({entry.label for entry in versions}))
        return [
            RowProblem(1, name, f"unknown item column: not a question in {labels}")
            for name, _position in self._columns.items
            if all(any(name == unknown for unknown, _ in entry.unknown) for entry in versions)
        ]

    def check(
        self, line: int, cells: list[str], *, first_pass: bool
    ) -> CheckedRow | list[RowProblem]:
        columns = self._columns
        assert columns is not None, "use_header first"
        if len(cells) != columns.width:
            return [
                RowProblem(
                    line,
                    None,
                    f"this row has {len(cells)} cells but the header has {columns.width}",
                )
            ]
        problems: list[RowProblem] = []

        def cell(name: str) -> str:
            return cells[columns.fixed[name]]

        response_id = self._response_id(line, restore_cell(cell("response_id")), problems)
        if response_id is not None and first_pass:
            earlier = self._first_line_of.setdefault(response_id, line)
            if earlier != line:
                problems.append(
                    RowProblem(
                        line, "response_id", f"{response_id!r} is already used on line {earlier}"
                    )
                )
        version = self._version(line, cell("questionnaire_id"), cell("questionnaire_version"))
        if isinstance(version, RowProblem):
            problems.append(version)
        area_slug = cell("area")
        area_id = self._areas.get(area_slug)
        if area_id is None:
            problems.append(RowProblem(line, "area", f"there is no area {area_slug!r}"))
        group_slug = cell("community_group") or None
        group_id = self._group(line, group_slug, area_id, problems)
        language = cell("language")
        if len(language) > 16 or not _LANGUAGE_TAG.fullmatch(language):
            problems.append(
                RowProblem(line, "language", f"{language!r} is not a language tag such as en or pl")
            )
        channel = cell("channel")
        if channel not in CHANNELS:
            problems.append(
                RowProblem(
                    line, "channel", f"{channel!r} is not one of {', '.join(sorted(CHANNELS))}"
                )
            )
        status = cell("status")
        if status not in STATUSES:
            problems.append(
                RowProblem(
                    line, "status", f"{status!r} is not one of {', '.join(sorted(STATUSES))}"
                )
            )
        submitted_at = self._submitted_at(line, cell("submitted_at"), status, problems)
        answers: dict[str, str] = {}
        if isinstance(version, _VersionColumns):
            answers = self._answers(line, cells, version, problems)
        if problems:
            return problems
        assert response_id is not None and area_id is not None
        assert isinstance(version, _VersionColumns)
        return CheckedRow(
            line=line,
            response_id=response_id,
            questionnaire=version.questionnaire,
            area_id=area_id,
            area_slug=area_slug,
            community_group_id=group_id,
            community_group_slug=group_slug,
            language=language,
            channel=channel,
            status=status,
            submitted_at=submitted_at,
            answers=answers,
        )

    @staticmethod
    def _response_id(line: int, value: str, problems: list[RowProblem]) -> str | None:
        message = None
        if not value:
            message = "a response_id is required"
        elif len(value) > RESPONSE_ID_MAX:
            message = f"the response_id is {len(value)} characters; the limit is {RESPONSE_ID_MAX}"
        elif value != value.strip() or _CONTROL_CHARACTERS.search(value):
            message = "the response_id has spaces at its ends or control characters"
        if message:
            problems.append(RowProblem(line, "response_id", message))
            return None
        return value

    def _version(
        self, line: int, questionnaire_id: str, version_text: str
    ) -> _VersionColumns | RowProblem:
        key = (questionnaire_id, version_text)
        if key not in self._versions:
            self._versions[key] = self._load_version(questionnaire_id, version_text)
        found = self._versions[key]
        if isinstance(found, RowProblem):
            return RowProblem(line, found.column, found.message)
        return found

    def _load_version(
        self, questionnaire_id: str, version_text: str
    ) -> _VersionColumns | RowProblem:
        if not self._library.versions(questionnaire_id):
            return RowProblem(
                0, "questionnaire_id", f"there is no questionnaire {questionnaire_id!r}"
            )
        if not _VERSION.fullmatch(version_text):
            return RowProblem(
                0, "questionnaire_version", f"{version_text!r} is not a version number such as 1"
            )
        try:
            questionnaire = self._library.get(questionnaire_id, int(version_text))
        except QuestionnaireError:
            published = ", ".join(str(v) for v in self._library.versions(questionnaire_id))
            return RowProblem(
                0,
                "questionnaire_version",
                f"{questionnaire_id} has no version {version_text} (published: {published})",
            )
        assert self._columns is not None
        known: list[tuple[Item, int]] = []
        unknown: list[tuple[str, int]] = []
        for name, position in self._columns.items:
            if questionnaire.has_item(name) and questionnaire.item(name).is_answerable:
                known.append((questionnaire.item(name), position))
            else:
                unknown.append((name, position))
        return _VersionColumns(questionnaire, tuple(known), tuple(unknown))

    def _group(
        self, line: int, slug: str | None, area_id: int | None, problems: list[RowProblem]
    ) -> int | None:
        if slug is None:
            return None
        found = self._groups.get(slug)
        if found is None:
            problems.append(
                RowProblem(line, "community_group", f"there is no community group {slug!r}")
            )
            return None
        group_id, group_area_id = found
        if area_id is not None and group_area_id not in (None, area_id):
            problems.append(
                RowProblem(
                    line,
                    "community_group",
                    f"{slug!r} serves the area {self._area_slugs.get(group_area_id, '?')!r} only",
                )
            )
        return group_id

    def _submitted_at(
        self, line: int, text: str, status: str, problems: list[RowProblem]
    ) -> datetime | None:
        if not text:
            if status == ResponseStatus.SUBMITTED:
                problems.append(
                    RowProblem(line, "submitted_at", "a submitted response needs its date and time")
                )
            return None
        if status == ResponseStatus.IN_PROGRESS:
            problems.append(
                RowProblem(line, "submitted_at", "a response in progress has not been submitted")
            )
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            problems.append(
                RowProblem(
                    line,
                    "submitted_at",
                    f"{text!r} is not an ISO 8601 date and time such as 2024-03-01T14:30:00Z",
                )
            )
            return None
        if moment.tzinfo is not None:
            # Stored times are naive UTC (see app/models/clock.py); a time without an offset is
            # taken as UTC already.
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        if moment > self._now + _FUTURE_TOLERANCE:
            problems.append(RowProblem(line, "submitted_at", f"{text!r} is in the future"))
            return None
        return moment

    def _answers(
        self,
        line: int,
        cells: list[str],
        version: _VersionColumns,
        problems: list[RowProblem],
    ) -> dict[str, str]:
        for name, position in version.unknown:
            if cells[position].strip():
                problems.append(
                    RowProblem(line, name, f"{version.label} has no question with this id")
                )
        values: dict[str, AnswerValue | None] = {}
        texts: dict[str, str] = {}
        raws = version.cells_of(cells)
        for index in [index for index, raw in enumerate(raws) if raw]:
            raw = raws[index]
            item, _position, accepted = version.known[index]
            if raw.isspace():
                continue  # not answered: stored as no row (see import_responses_csv)
            parsed = accepted.get(raw) if accepted is not None else None
            if parsed is None:
                parsed = self._parse(line, item, raw, version.neutralised[item.id], problems)
                if parsed is None:
                    continue
                if accepted is not None:
                    accepted[raw] = parsed
            values[item.id], texts[item.id] = parsed
        stray = version.hidden_items(values).intersection(values) if values else frozenset()
        # Reported in column order, so the first message names the earliest stray answer.
        for item, _position, _accepted in version.known if stray else ():
            if item.id in stray:
                problems.append(
                    RowProblem(
                        line,
                        item.id,
                        "answered, but the earlier answers route this response past this question",
                    )
                )
        return texts

    @staticmethod
    def _parse(
        line: int, item: Item, raw: str, neutralised: bool, problems: list[RowProblem]
    ) -> tuple[AnswerValue, str] | None:
        text = restore_cell(raw) if neutralised else raw
        try:
            value = parse_answer(item, text)
        except InvalidAnswer as problem:
            problems.append(RowProblem(line, item.id, _describe(item, text, problem)))
            return None
        if value is None:
            return None
        return value, serialise_answer(item, value)


def _describe(item: Item, text: str, problem: InvalidAnswer) -> str:
    """Say what is wrong for the person fixing the file (the engine's messages speak to carers)."""
    if isinstance(problem, UnknownOptionCode):
        pieces = text.split(";") if item.type == "multiple" else [text]
        codes = {code.casefold() for code in item.option_codes}
        unknown = [piece.strip() for piece in pieces if piece.strip().casefold() not in codes]
        shown = ", ".join(repr(code) for code in unknown) or repr(text)
        return f"unknown code {shown}; the codes are {', '.join(item.option_codes)}"
    if isinstance(problem, MultipleNotAllowed):
        return f"{text!r} gives more than one answer to a one-answer question"
    if isinstance(problem, TextTooLong):
        return f"the text is {problem.length} characters; the limit is {problem.max_length}"
    if isinstance(problem, NumberOutOfRange | NotANumber | InvalidMonthYear):
        return f"{text!r}: {problem.message}"
    return f"{text!r} cannot be read: {problem.message}"


def _store_batch(
    session: Session, batch: list[CheckedRow], summary: ImportSummary, dry_run: bool
) -> None:
    """Insert the new rows in one transaction; stored ones are compared, never changed."""
    if not dry_run:
        # Checking for existing ids inside the write transaction means a concurrent import of
        # the same file cannot slip a row in between the check and the insert.
        begin_write(session)
    try:
        existing = _stored_versions(session, [row.response_id for row in batch])
        new_rows: list[CheckedRow] = []
        for row in batch:
            stored = existing.get(row.response_id)
            if stored is None:
                new_rows.append(row)
                continue
            summary.already_present += 1
            differences = _differences(row.comparable(), stored)
            if differences:
                summary.add_conflict(
                    RowProblem(
                        row.line,
                        "response_id",
                        f"{row.response_id!r} is already stored with different content "
                        f"({', '.join(differences)}); nothing was changed",
                    )
                )
        if dry_run:
            summary.imported += len(new_rows)
            session.rollback()
            return
        _insert(session, new_rows)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    summary.imported += len(new_rows)


def _differences(incoming: Mapping[str, str], stored: Mapping[str, str]) -> list[str]:
    names = [name for name in {**stored, **incoming} if incoming.get(name) != stored.get(name)]
    ordered = [name for name in FIXED_COLUMNS if name in names] + sorted(
        name for name in names if name not in FIXED_COLUMNS
    )
    shown = ordered[:5]
    if len(ordered) > len(shown):
        shown.append(f"and {len(ordered) - len(shown)} more")
    return shown


def _stored_versions(session: Session, response_ids: list[str]) -> dict[str, dict[str, str]]:
    """The stored responses among ``response_ids``, as comparable fields and answers."""
    group = aliased(CommunityGroup)
    rows = session.execute(
        select(
            Response.id,
            Response.response_id,
            Response.questionnaire_id,
            Response.questionnaire_version,
            Area.slug,
            group.slug,
            Response.language,
            Response.channel,
            Response.status,
            Response.submitted_at,
        )
        .join(Area, Area.id == Response.area_id)
        .outerjoin(group, group.id == Response.community_group_id)
        .where(Response.response_id.in_(response_ids))
    ).all()
    if not rows:
        return {}
    by_key: dict[int, dict[str, str]] = {}
    by_response_id: dict[str, dict[str, str]] = {}
    for row in rows:
        fields = {
            "questionnaire_id": row[2],
            "questionnaire_version": str(row[3]),
            "area": row[4],
            "community_group": row[5] or "",
            "language": row[6],
            "channel": row[7],
            "status": row[8],
            "submitted_at": format_timestamp(row[9]),
        }
        by_key[row[0]] = fields
        by_response_id[row[1]] = fields
    answers = session.execute(
        select(Answer.response_id, Answer.item_id, Answer.value).where(
            Answer.response_id.in_(list(by_key)), Answer.value.is_not(None)
        )
    )
    for key, item_id, value in answers:
        if value:
            by_key[key][item_id] = value
    return by_response_id


def _insert(session: Session, rows: list[CheckedRow]) -> None:
    if not rows:
        return
    now = utc_now()
    responses = cast(Table, Response.__table__)
    # One multi-row INSERT ... RETURNING per batch gives the new keys in parameter order; the
    # answers then go in with one executemany, not one ORM object at a time.
    created = session.execute(
        insert(responses).returning(
            responses.c.id, responses.c.response_id, sort_by_parameter_order=True
        ),
        [_response_values(row, now) for row in rows],
    )
    key_of = {response_id: key for key, response_id in created}
    insert_answers(
        session,
        [
            (key_of[row.response_id], item_id, text)
            for row in rows
            for item_id, text in row.answers.items()
        ],
        now,
    )


def insert_answers(
    session: Session, answers: Sequence[tuple[int, str, str | None]], updated_at: datetime
) -> None:
    """Insert (response key, item id, stored text) rows with one executemany.

    A million-response import is tens of millions of answers. SQLAlchemy's per-row parameter
    processing (SQLite keeps datetimes as text) cost more than the insert itself, so the one
    timestamp is converted once and the rows go to the driver as plain tuples.
    """
    if not answers:
        return
    connection = session.connection()
    dialect = connection.dialect
    table = cast(Table, Answer.__table__)
    placeholder = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(dialect.paramstyle)
    if placeholder is None:  # a driver we have not met: take the ordinary, slower road
        session.execute(
            insert(table),
            [
                {"response_id": key, "item_id": item_id, "value": value, "updated_at": updated_at}
                for key, item_id, value in answers
            ],
        )
        return
    to_driver = table.c.updated_at.type.dialect_impl(dialect).bind_processor(dialect)
    stamp = to_driver(updated_at) if to_driver else updated_at
    marks = ", ".join([placeholder] * 4)
    connection.exec_driver_sql(
        f"INSERT INTO {table.name} (response_id, item_id, value, updated_at) VALUES ({marks})",
        [(key, item_id, value, stamp) for key, item_id, value in answers],
    )


def _response_values(row: CheckedRow, now: datetime) -> dict[str, Any]:
    return {
        "response_id": row.response_id,
        "questionnaire_id": row.questionnaire.id,
        "questionnaire_version": row.questionnaire.version,
        "channel": row.channel,
        "language": row.language,
        "status": row.status,
        "area_id": row.area_id,
        "community_group_id": row.community_group_id,
        "invitation_id": None,
        "current_page_id": None,
        "consent_given_at": None,
        "resume_code_hash": None,
        # When it was started is not in the file; the submission time is the best estimate.
        "started_at": row.submitted_at or now,
        "updated_at": now,
        "submitted_at": row.submitted_at,
    }
