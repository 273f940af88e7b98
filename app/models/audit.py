"""The append-only audit log: who exported, viewed or changed what, when, and over which scope."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from app.extensions import Base
from app.models.clock import utc_now


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or delete an audit row."""


class AuditEvent(Base):
    """One thing a person (or the system) did; never updated, never deleted by the application.

    It names people by account id and objects by id; details hold counts, never personal data.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now, index=True)
    # No foreign key: the row must outlive the account it names.
    actor_user_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # The staff e-mail at the time, so the log reads without joins and after deactivation.
    actor_label: Mapped[str] = mapped_column(String(254), default="system")
    action: Mapped[str] = mapped_column(String(64), index=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    community_group_id: Mapped[int | None] = mapped_column(ForeignKey("community_groups.id"))
    language: Mapped[str | None] = mapped_column(String(16))
    object_ref: Mapped[str | None] = mapped_column(String(100))
    # JSON of PII-free facts (row counts, formats).
    detail: Mapped[str] = mapped_column(Text, default="{}")


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_audit_rows(session: Session, _context: Any, _instances: Any) -> None:
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, AuditEvent) and (
            instance in session.deleted or session.is_modified(instance)
        ):
            raise AuditLogIsAppendOnly("audit rows are never changed or deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_changes_to_audit_rows(state: ORMExecuteState) -> None:
    if (state.is_update or state.is_delete) and any(
        mapper.class_ is AuditEvent for mapper in state.all_mappers
    ):
        raise AuditLogIsAppendOnly("audit rows are never changed or deleted")
