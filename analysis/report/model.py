"""The report as plain data: tables of cells; a suppressed cell is a marker, never a number."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

# ONS's convention for a figure withheld to protect confidentiality.
SUPPRESSED_MARK = "[c]"


class Suppressed:
    """The one marker of a cell hidden by disclosure control (compare with ``is SUPPRESSED``)."""

    _instance: Suppressed | None = None

    def __new__(cls) -> Suppressed:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __str__(self) -> str:
        return SUPPRESSED_MARK

    def __repr__(self) -> str:
        return "SUPPRESSED"

    def __reduce__(self) -> str:
        # Pickled (cached) reports must come back as the same singleton.
        return "SUPPRESSED"


SUPPRESSED = Suppressed()

Cell = str | int | float | None | Suppressed
ColumnKind = Literal["text", "count", "percent", "score", "value", "ratio", "gap"]
ScopeKind = Literal["national", "area", "group"]


@dataclass(frozen=True)
class Column:
    """A column of a report table: a stable id (the tidy CSV header) and what its numbers are."""

    id: str
    kind: ColumnKind = "text"


@dataclass(frozen=True)
class ReportTable:
    """One table the report shows; every format (HTML, PDF, XLSX, CSV) prints exactly these."""

    id: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]

    @property
    def column_ids(self) -> tuple[str, ...]:
        return tuple(column.id for column in self.columns)

    def index(self, column_id: str) -> int:
        return self.column_ids.index(column_id)

    def records(self) -> Iterator[dict[str, Cell]]:
        ids = self.column_ids
        for row in self.rows:
            yield dict(zip(ids, row, strict=True))

    def where(self, **equals: str) -> list[dict[str, Cell]]:
        """Rows whose text columns equal the given values (for templates and tests)."""
        return [
            record
            for record in self.records()
            if all(record.get(name) == value for name, value in equals.items())
        ]

    @property
    def suppressed_cells(self) -> int:
        return sum(1 for row in self.rows for cell in row if cell is SUPPRESSED)


@dataclass(frozen=True)
class InvitationCount:
    """Invitations made and the responses they brought, for one group (given by the caller)."""

    breakdown: str  # "all", "channel", "language", "community_group" or "sub_area"
    group: str
    invitations: int
    responses: int  # submitted responses that came from these invitations


@dataclass(frozen=True)
class ReportScope:
    """Whose report: the whole platform, one area, or one community group.

    An area's report includes its sub-areas' responses (the ``sub_area`` column of the
    responses); ``sub_area`` narrows an area's report to one of them, as the period narrows
    it in time.
    """

    kind: ScopeKind
    slug: str
    name: str
    sub_area: str | None = None


@dataclass(frozen=True)
class ReportPeriod:
    """Submission dates included (inclusive); None means open-ended."""

    start: date | None = None
    end: date | None = None

    def label(self) -> str:
        start = self.start.isoformat() if self.start else "…"
        end = self.end.isoformat() if self.end else "…"
        return f"{start} – {end}"


@dataclass(frozen=True)
class ReportModel:
    """Every table of one report, in the order the report shows them."""

    scope: ReportScope
    period: ReportPeriod
    questionnaire_id: str
    questionnaire_version: int
    responses_in_scope: int | Suppressed  # rounded like any sub-national count
    tables: dict[str, ReportTable] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # measure id -> plain description

    def table(self, table_id: str) -> ReportTable:
        return self.tables[table_id]

    @property
    def suppressed_cells(self) -> int:
        return sum(table.suppressed_cells for table in self.tables.values())

    def table_ids(self) -> Sequence[str]:
        return tuple(self.tables)
