"""Responses read a batch at a time in id order and laid out as the export's CSV rows."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, Select, select
from sqlalchemy.orm import aliased

from app.models import Area, CommunityGroup, Response
from app.models.response import ResponseStatus
from app.questionnaire import Item, Questionnaire
from app.services.bulk_answers import answer_maps
from app.services.response_csv_format import (
    FIXED_COLUMNS,
    RISKY_FIRST_CHARACTERS,
    format_timestamp,
    is_neutralised_column,
    item_columns,
    neutralise_cell,
)


@dataclass(frozen=True)
class ExportFilter:
    """Which responses an export holds."""

    questionnaire_id: str
    # The areas whose responses are exported (an area and its sub-areas); None: every area.
    area_ids: tuple[int, ...] | None
    include_in_progress: bool
    # Every questionnaire id exported (empty: questionnaire_id alone).
    questionnaire_ids: tuple[str, ...] = ()

    @property
    def ids(self) -> tuple[str, ...]:
        return self.questionnaire_ids or (self.questionnaire_id,)

    def conditions(self) -> list[ColumnElement[bool]]:
        """The area and status conditions (the questionnaire is matched by the caller)."""
        conditions: list[ColumnElement[bool]] = []
        if self.area_ids is not None:
            conditions.append(Response.area_id.in_(self.area_ids))
        if not self.include_in_progress:
            conditions.append(Response.status == ResponseStatus.SUBMITTED.value)
        return conditions


class RowLayout:
    """Where each item's answer goes in a row, worked out once rather than per cell."""

    def __init__(self, questionnaire: Questionnaire, columns: Sequence[Item] = ()) -> None:
        columns = tuple(columns) or item_columns(questionnaire)
        self.item_ids = tuple(item.id for item in columns)
        self.blanks = ("",) * len(columns)
        # Positions among the item columns whose risky first character is neutralised.
        self.neutralised = tuple(
            index for index, item in enumerate(columns) if is_neutralised_column(item)
        )

    def answer_cells(self, answers: dict[str, str]) -> list[str]:
        """One response's item cells from its answers by item id, formula-safe."""
        # C-level calls only: a million responses make tens of millions of answers, and a
        # Python loop over them cost half as much again as reading them from SQLite.
        cells = list(map(answers.get, self.item_ids, self.blanks))
        if _RISKY_START.search("".join(map(_first_character, answers.values()))):
            for index in self.neutralised:
                cells[index] = neutralise_cell(cells[index])
        return cells


_RISKY_START = re.compile("[" + re.escape("".join(sorted(RISKY_FIRST_CHARACTERS))) + "]")
_first_character: Callable[[str], str] = operator.itemgetter(0)  # answers read are never empty


def row_batches(
    connection: Connection, layout: RowLayout, which: ExportFilter, batch_size: int
) -> Iterator[list[list[str]]]:
    """The export's rows, ``batch_size`` responses at a time, keyset-paged by id.

    Each batch costs two queries: its responses (SQLAlchemy, for the typed dates) and all
    their answers at once (the driver's cursor, see answer_maps), so memory stays flat
    whatever the number of responses.
    """
    last_id = 0
    while True:
        responses = connection.execute(batch_statement(which, last_id, batch_size)).all()
        if not responses:
            return
        rows: list[list[str]] = []
        row_of: dict[int, list[str]] = {}
        for (
            key,
            response_id,
            answered_on,
            version,
            area,
            group,
            language,
            channel,
            status,
            at,
        ) in responses:
            row = [
                neutralise_cell(response_id),
                answered_on,
                str(version),
                area,
                group or "",
                language,
                channel,
                status,
                format_timestamp(at),
            ]
            rows.append(row)
            row_of[key] = row
        for key, answers in answer_maps(connection, list(row_of)):
            target = row_of.get(key)
            # A key read as part of a range may be a response these filters leave out. Items
            # of another version, which the exported version lacks, get no cell.
            if target is not None:
                target += layout.answer_cells(answers)
        for row in rows:
            if len(row) == len(FIXED_COLUMNS):  # no answers at all
                row += layout.blanks
        yield rows
        last_id = responses[-1].id


def batch_statement(
    which: ExportFilter, last_id: int, batch_size: int
) -> Select[int, str, str, int, str, str, str, str, str, datetime | None]:
    """The next batch of responses after ``last_id`` (keyset), with their fixed columns."""
    group = aliased(CommunityGroup)
    return (
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
        .where(
            Response.questionnaire_id.in_(which.ids),
            Response.id > last_id,
            *which.conditions(),
        )
        .order_by(Response.id)
        .limit(batch_size)
    )
