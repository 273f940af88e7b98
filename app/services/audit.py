"""Write and read the append-only audit log: who did what, when, and over which scope."""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access.permissions import Scope
from app.models import AuditEvent
from app.models.clock import utc_now
from app.services.transactions import begin_write

Detail = Mapping[str, int | str | bool]


class AuditAction(enum.StrEnum):
    # Kept as "responses_csv" for every format (the detail names it): older rows stay comparable.
    EXPORT_RESPONSES = "export.responses_csv"
    EXPORT_DICTIONARY = "export.data_dictionary"
    VIEW_INVITATION_SUMMARY = "report.invitation_summary"
    VIEW_AUDIT_LOG = "audit.view"
    VIEW_USERS = "users.view"
    INVITE_STAFF = "users.invite"
    ISSUE_PASSWORD_RESET = "users.password_reset_link"
    ACCEPT_INVITATION = "account.created_from_invitation"
    RESET_PASSWORD = "account.password_reset"
    SIGN_IN = "auth.sign_in"
    SIGN_OUT = "auth.sign_out"
    RETENTION_PURGE = "retention.purge"
    TRANSLATION_EDIT = "translation.edit"
    TRANSLATION_APPROVE = "translation.approve"
    TRANSLATION_REVERT = "translation.revert"
    TRANSLATION_IMPORT = "translation.import_po"
    TRANSLATION_EXPORT = "translation.export_po"
    TRANSLATION_SYNC = "translation.sync_sources"
    RECORD_ACTION = "actions.recorded"
    CHANGE_ACTION = "actions.changed"
    VIEW_REPORT = "report.view"
    DOWNLOAD_REPORT = "report.download"
    BUILD_REPORT = "report.build"
    QUEUE_REPORT = "report.queue"


@dataclass(frozen=True)
class Actor:
    """Who acted: a staff account, or the system (commands, scheduled jobs)."""

    user_id: int | None
    label: str


SYSTEM = Actor(None, "system")


def add_event(
    session: Session,
    actor: Actor,
    action: AuditAction,
    *,
    scope: Scope | None = None,
    object_ref: str | None = None,
    detail: Detail | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    """Add an event to the caller's transaction (it commits with the work it records)."""
    event = AuditEvent(
        occurred_at=now or utc_now(),
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        action=action.value,
        area_id=scope.area_id if scope else None,
        community_group_id=scope.group_id if scope else None,
        language=scope.language if scope else None,
        object_ref=object_ref,
        detail=json.dumps(dict(detail or {}), sort_keys=True),
    )
    session.add(event)
    return event


def record_event(
    session: Session,
    actor: Actor,
    action: AuditAction,
    *,
    scope: Scope | None = None,
    object_ref: str | None = None,
    detail: Detail | None = None,
) -> None:
    """Write one event in its own transaction."""
    begin_write(session)
    add_event(session, actor, action, scope=scope, object_ref=object_ref, detail=detail)
    session.commit()


def recent_events(
    session: Session, *, limit: int = 100, before_id: int | None = None
) -> list[AuditEvent]:
    """Newest first; ``before_id`` pages further back."""
    statement = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if before_id is not None:
        statement = statement.where(AuditEvent.id < before_id)
    return list(session.scalars(statement))


def event_detail(event: AuditEvent) -> dict[str, object]:
    loaded = json.loads(event.detail or "{}")
    return loaded if isinstance(loaded, dict) else {}
