"""An import's answer cells as one questionnaire version reads them, remembering what it learnt."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from itertools import compress
from typing import Any, cast

from app.questionnaire import (
    AnswerValue,
    InvalidAnswer,
    InvalidMonthYear,
    Item,
    MultipleNotAllowed,
    NotANumber,
    NumberOutOfRange,
    Questionnaire,
    TextTooLong,
    UnknownOptionCode,
    off_path_items,
    parse_answer,
    serialise_answer,
)
from app.services.response_csv_format import is_neutralised_column, restore_cell
from app.services.response_import_problems import RowProblem

# What a cell comes to: (value, stored text) when answered, _NO_ANSWER when blank, or
# (None, None, problem) when it cannot be read. Position 1 is the stored text or None.
CellOutcome = tuple[AnswerValue | None, ...]
_NO_ANSWER: CellOutcome = (None, None)
# Per column. Choice codes repeat endlessly, so a column's few distinct cells are all kept;
# free text rarely repeats, and past this many a column stops remembering new cells.
_MAX_CELLS_REMEMBERED = 20_000
# Routes: 16,000 distinct in 100,000 synthetic responses, about 75,000 expected in 1M.
_MAX_ROUTES_REMEMBERED = 250_000
_PLAIN_TEXT = re.compile(r"[\t\n\x20-\x7e]*")
_STRAY = "answered, but the earlier answers route this response past this question"

_stored_text: Callable[[CellOutcome], str | None] = operator.itemgetter(1)


def _picker(indices: Sequence[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """A C-level function taking these positions out of a sequence, always as a tuple."""
    if len(indices) > 1:
        return operator.itemgetter(*indices)
    return lambda values: tuple(values[index] for index in indices)


class VersionColumns:
    """The item columns as one questionnaire version reads them.

    A million-row import is tens of millions of cells, so the work per row is kept to a few
    C-level calls: each column remembers what each distinct cell comes to (choice codes repeat
    endlessly), and each distinct set of answers to the routing questions remembers which
    columns routing skips. Only a cell never seen before goes through the engine's parser.
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
        self._items = tuple(item for item, _position in known)
        self._item_ids = tuple(item.id for item in self._items)
        self._cells_of = _picker([position for _item, position in known])
        # Every column's remembered cells; an empty cell is no answer, whatever the column.
        self._remembered: tuple[dict[str, CellOutcome], ...] = tuple(
            {"": _NO_ANSWER} for _ in known
        )
        self._problem_cells = 0  # while none is remembered, a row with no new cell has none
        conditions = [page.show_if for page in questionnaire.pages] + [
            item.show_if for item in questionnaire.items
        ]
        # Conditions read only these items, so every response agreeing on them has one path.
        routing_ids = {item_id for c in conditions if c is not None for item_id in c.item_ids()}
        self._routing = [
            (i, item_id) for i, item_id in enumerate(self._item_ids) if item_id in routing_ids
        ]
        self._route_of = _picker([i for i, _item_id in self._routing])
        # By route: the outcomes of the columns routing skips, taken out as a tuple (or None).
        self._hidden: dict[
            tuple[CellOutcome, ...], Callable[[Sequence[Any]], tuple[Any, ...]] | None
        ] = {}
        self._pickers: dict[tuple[int, ...], Callable[[Sequence[Any]], tuple[Any, ...]] | None] = {}
        self._unanswered: dict[str, AnswerValue | None] = dict.fromkeys(
            (item.id for item in questionnaire.answerable_items), None
        )

    def answers(
        self, line: int, cells: list[str], problems: list[RowProblem], *, keep: bool = True
    ) -> dict[str, str]:
        """The row's answers as stored text by item id (empty unless ``keep``).

        What is wrong goes to ``problems``: unknown columns, unreadable cells, then answers
        routing skips, each in column order.
        """
        for name, position in self.unknown:
            if cells[position].strip():
                problems.append(
                    RowProblem(line, name, f"{self.label} has no question with this id")
                )
        found = list(map(dict.get, self._remembered, self._cells_of(cells)))
        if None in found:
            self._read_new_cells(cells, found)
        outcomes = cast(list[CellOutcome], found)
        if self._problem_cells:
            problems.extend(
                RowProblem(line, item_id, str(outcome[2]))
                for item_id, outcome in zip(self._item_ids, outcomes, strict=True)
                if len(outcome) == 3
            )
        texts: list[str | None] = list(map(_stored_text, outcomes))
        route = self._route_of(outcomes)
        hidden = self._hidden.get(route, _UNKNOWN_ROUTE)
        if hidden is _UNKNOWN_ROUTE:
            hidden = self._learn_route(route)
        if hidden is not None:
            skipped = hidden(texts)
            if skipped.count(None) != len(skipped):
                hidden_ids = self._hidden_ids(route)
                problems.extend(
                    RowProblem(line, item_id, _STRAY)
                    for item_id, text in zip(self._item_ids, texts, strict=True)
                    if text is not None and item_id in hidden_ids
                )
        if not keep:
            return {}
        return dict(zip(compress(self._item_ids, texts), filter(None, texts), strict=True))

    def _read_new_cells(self, cells: list[str], outcomes: list[CellOutcome | None]) -> None:
        raws = self._cells_of(cells)
        for index, outcome in enumerate(outcomes):
            if outcome is not None:
                continue
            raw = raws[index]
            found = _read_cell(self._items[index], raw)
            remembered = self._remembered[index]
            if len(remembered) < _MAX_CELLS_REMEMBERED:
                remembered[raw] = found
                self._problem_cells += len(found) == 3
            elif len(found) == 3:
                self._problem_cells += 1  # not remembered, but this row must still report it
            outcomes[index] = found

    def _hidden_ids(self, route: tuple[CellOutcome, ...]) -> frozenset[str]:
        """The items routing takes a response past, given its answers to the routing items."""
        # Ask the engine once per distinct route, with every other question "seen".
        probe = self._unanswered.copy()
        probe.update(
            (item_id, outcome[0])
            for (_i, item_id), outcome in zip(self._routing, route, strict=True)
        )
        return off_path_items(self.questionnaire, probe)

    def _learn_route(
        self, route: tuple[CellOutcome, ...]
    ) -> Callable[[Sequence[Any]], tuple[Any, ...]] | None:
        if len(self._hidden) >= _MAX_ROUTES_REMEMBERED:
            self._hidden.clear()  # a pathological file must not grow memory without end
            self._pickers.clear()
        hidden_ids = self._hidden_ids(route)
        columns = tuple(i for i, item_id in enumerate(self._item_ids) if item_id in hidden_ids)
        # Many routes skip the same columns: they share one picker, which keeps memory small.
        found = self._pickers.setdefault(columns, _picker(columns) if columns else None)
        self._hidden[route] = found
        return found


_UNKNOWN_ROUTE: Any = object()


def _read_cell(item: Item, raw: str) -> CellOutcome:
    """What one cell means, worked out by the engine's own parser."""
    if raw.isspace():
        return _NO_ANSWER  # not answered: stored as no row (see import_responses_csv)
    text = restore_cell(raw) if is_neutralised_column(item) else raw
    if item.type == "text" and _PLAIN_TEXT.fullmatch(text):
        # Comments rarely repeat, so each costs the engine's walk over its characters. For
        # printable ASCII with tabs and line feeds that walk changes nothing (NFC leaves
        # ASCII alone, no character is a control character to drop) and only the strip
        # remains: the same text, found faster (a test checks the two agree). Anything else,
        # and any text over the limit, goes through the engine below.
        cleaned = text.strip()
        if item.max_length is None or len(cleaned) <= item.max_length:
            return (cleaned, cleaned) if cleaned else _NO_ANSWER
    try:
        value = parse_answer(item, text)
    except InvalidAnswer as problem:
        return None, None, describe(item, text, problem)
    if value is None:
        return _NO_ANSWER
    return value, serialise_answer(item, value)


def describe(item: Item, text: str, problem: InvalidAnswer) -> str:
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
