"""The question bank: approved local questions from every area, searchable, with where they ran."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.models import (
    Area,
    LocalQuestion,
    LocalQuestionStatus,
    LocalQuestionUse,
    PublishedQuestionnaire,
)


@dataclass(frozen=True)
class BankEntry:
    """An approved local question offered to every group, with where it has been published."""

    question: LocalQuestion
    used_in: tuple[str, ...] = field(default_factory=tuple)


def question_bank(session: Session, search: str = "", limit: int = 50) -> list[BankEntry]:
    """Approved local questions from every area, newest first, with where each was published."""
    statement = select(LocalQuestion).where(LocalQuestion.status == LocalQuestionStatus.APPROVED)
    words = search.split()[:6]
    for word in words:
        pattern = "%" + word.replace("%", "").replace("_", "")[:40] + "%"
        statement = statement.where(
            or_(LocalQuestion.text.ilike(pattern), LocalQuestion.hint.ilike(pattern))
        )
    questions = list(session.scalars(statement.order_by(LocalQuestion.id.desc()).limit(limit)))
    uses: dict[int, list[str]] = {}
    if questions:
        rows = session.execute(
            select(LocalQuestionUse.question_id, Area.name, PublishedQuestionnaire.version)
            .join(
                PublishedQuestionnaire, PublishedQuestionnaire.id == LocalQuestionUse.published_id
            )
            .join(Area, Area.id == PublishedQuestionnaire.area_id)
            .where(LocalQuestionUse.question_id.in_([q.id for q in questions]))
            .order_by(PublishedQuestionnaire.id)
        )
        for question_id, area_name, version in rows:
            uses.setdefault(question_id, []).append(f"{area_name} (v{version})")
    return [BankEntry(question, tuple(uses.get(question.id, ()))) for question in questions]


def bank_question(session: Session, question_id: int) -> LocalQuestion | None:
    """One approved question of the bank (any area), or None."""
    question = session.get(LocalQuestion, question_id)
    if question is None or question.status != LocalQuestionStatus.APPROVED:
        return None
    return question
