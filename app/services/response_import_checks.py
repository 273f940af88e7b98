"""Checking an import's rows against the questionnaire versions, areas and groups they name."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Area, CommunityGroup
from app.models.clock import utc_now
from app.models.response import ResponseStatus
from app.questionnaire import Item, Questionnaire, QuestionnaireError, QuestionnaireLibrary
from app.services.response_csv_format import FIXED_COLUMNS, format_timestamp, restore_cell
from app.services.response_import_answers import VersionColumns
from app.services.response_import_problems import ImportFileUnreadable, RowProblem

RESPONSE_ID_MAX = 64
CHANNELS = frozenset({"web", "sms", "paper", "import", "phone"})
STATUSES = frozenset(status.value for status in ResponseStatus)
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


@dataclass(frozen=True, slots=True)
class Columns:
    """Where each fixed column is, and every item column (name, position)."""

    fixed: Mapping[str, int]
    items: tuple[tuple[str, int], ...]
    width: int


class RowChecker:
    """Checks rows against the questionnaire version each names and the areas and groups stored."""

    def __init__(self, session: Session, library: QuestionnaireLibrary) -> None:
        self._library = library
        self._areas: dict[str, int] = {}
        # A sub-area's responses may name a group of its parent area (groups serve a whole ICB).
        self._parents: dict[int, int] = {}
        for area_id, slug, parent_id in session.execute(select(Area.id, Area.slug, Area.parent_id)):
            self._areas[slug] = area_id
            if parent_id is not None:
                self._parents[area_id] = parent_id
        self._groups: dict[str, tuple[int, int | None]] = {
            slug: (group_id, area_id)
            for group_id, slug, area_id in session.execute(
                select(CommunityGroup.id, CommunityGroup.slug, CommunityGroup.area_id)
            )
        }
        self._area_slugs = {area_id: slug for slug, area_id in self._areas.items()}
        self._columns: Columns | None = None
        self._versions: dict[tuple[str, str], VersionColumns | RowProblem] = {}
        self._first_line_of: dict[str, int] = {}
        self._now = utc_now()
        self._languages: set[str] = set()  # tags already accepted: most files use a handful
        self._fixed_cells: Callable[[list[str]], tuple[str, ...]] = operator.itemgetter(0)

    def use_header(self, header: list[str]) -> Columns:
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
        self._columns = Columns(fixed, items, len(header))
        # One C-level call picks the fixed cells out of a row, in FIXED_COLUMNS order.
        self._fixed_cells = operator.itemgetter(*(fixed[name] for name in FIXED_COLUMNS))
        return self._columns

    def unknown_columns(self) -> list[RowProblem]:
        """Item columns that no questionnaire version named in the file asks."""
        versions = [entry for entry in self._versions.values() if isinstance(entry, VersionColumns)]
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
        """The row as it would be stored, or everything wrong with it."""
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
        (
            response_id_cell,
            questionnaire_id,
            version_text,
            area_slug,
            group_cell,
            language,
            channel,
            status,
            submitted_text,
        ) = self._fixed_cells(cells)
        response_id = self._response_id(line, restore_cell(response_id_cell), problems)
        if response_id is not None and first_pass:
            earlier = self._first_line_of.setdefault(response_id, line)
            if earlier != line:
                problems.append(
                    RowProblem(
                        line, "response_id", f"{response_id!r} is already used on line {earlier}"
                    )
                )
        version = self._version(line, questionnaire_id, version_text)
        if isinstance(version, RowProblem):
            problems.append(version)
        area_id = self._areas.get(area_slug)
        if area_id is None:
            problems.append(RowProblem(line, "area", f"there is no area {area_slug!r}"))
        group_slug = group_cell or None
        group_id = self._group(line, group_slug, area_id, problems)
        if language not in self._languages:
            if len(language) > 16 or not _LANGUAGE_TAG.fullmatch(language):
                problems.append(
                    RowProblem(
                        line, "language", f"{language!r} is not a language tag such as en or pl"
                    )
                )
            else:
                self._languages.add(language)
        if channel not in CHANNELS:
            problems.append(
                RowProblem(
                    line, "channel", f"{channel!r} is not one of {', '.join(sorted(CHANNELS))}"
                )
            )
        if status not in STATUSES:
            problems.append(
                RowProblem(
                    line, "status", f"{status!r} is not one of {', '.join(sorted(STATUSES))}"
                )
            )
        submitted_at = self._submitted_at(line, submitted_text, status, problems)
        answers: dict[str, str] = {}
        if isinstance(version, VersionColumns):
            # The first pass only judges the row: building its answers would be wasted work.
            answers = version.answers(line, cells, problems, keep=not first_pass)
        if problems:
            return problems
        assert response_id is not None and area_id is not None
        assert isinstance(version, VersionColumns)
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
    ) -> VersionColumns | RowProblem:
        key = (questionnaire_id, version_text)
        if key not in self._versions:
            self._versions[key] = self._load_version(questionnaire_id, version_text)
        found = self._versions[key]
        if isinstance(found, RowProblem):
            return RowProblem(line, found.column, found.message)
        return found

    def _load_version(
        self, questionnaire_id: str, version_text: str
    ) -> VersionColumns | RowProblem:
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
        return VersionColumns(questionnaire, tuple(known), tuple(unknown))

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
        if area_id is not None and group_area_id not in (
            None,
            area_id,
            self._parents.get(area_id),
        ):
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
