"""A response's stored answers as one JSON object column, to read them in the response's own row."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import JSON, ColumnElement, Label, Table, func, select
from sqlalchemy.orm import QueryableAttribute

from app.models import Answer

_answers = cast(Table, Answer.__table__)

# Each database names the aggregate differently; a dialect not listed reads answers separately.
_AGGREGATES = {"sqlite": func.json_group_object, "postgresql": func.json_object_agg}
DIALECTS_WITH_ANSWERS_JSON = tuple(_AGGREGATES)


def stored_answers_column(
    dialect: str, response_key: ColumnElement[Any] | QueryableAttribute[Any]
) -> Label[Any]:
    """``stored_answers``: {item id: stored text} of the response whose row id is ``response_key``.

    With no answers SQLite gives {} and PostgreSQL gives NULL; callers treat both as none.
    """
    aggregate = _AGGREGATES[dialect]
    return (
        select(aggregate(_answers.c.item_id, _answers.c.value, type_=JSON))
        .where(_answers.c.response_id == response_key)
        .scalar_subquery()
        .label("stored_answers")
    )
