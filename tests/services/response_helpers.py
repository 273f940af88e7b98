"""Helpers shared by the export, import and demo tests (plain functions, not fixtures)."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.models import Answer, Response


def forget_responses(session: Session) -> None:
    """Empty the responses (areas and groups stay), as a fresh deployment importing would be."""
    session.execute(delete(Answer))
    session.execute(delete(Response))
    session.commit()


def count_responses(session: Session) -> int:
    return int(session.scalar(select(func.count(Response.id))) or 0)


def count_answers(session: Session) -> int:
    return int(session.scalar(select(func.count(Answer.response_id))) or 0)
