"""Counts of an area's invitations and responses for its commissioners: numbers, never people."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from app.models import Invitation, Response, Withdrawal
from app.models.response import ResponseStatus


@dataclass(frozen=True)
class InvitationSummary:
    invitations: int
    invitations_withdrawn: int
    responses_in_progress: int
    responses_submitted: int
    withdrawals: int


def invitation_summary(session: Session, area_id: int) -> InvitationSummary:
    def count(statement: Select[int]) -> int:
        return int(session.scalar(statement) or 0)

    rows = session.execute(
        select(Response.status, func.count(Response.id))
        .where(Response.area_id == area_id)
        .group_by(Response.status)
    )
    by_status = {str(status): int(count) for status, count in rows}
    return InvitationSummary(
        invitations=count(select(func.count(Invitation.id)).where(Invitation.area_id == area_id)),
        invitations_withdrawn=count(
            select(func.count(Invitation.id)).where(
                Invitation.area_id == area_id, Invitation.withdrawn_at.is_not(None)
            )
        ),
        responses_in_progress=int(by_status.get(ResponseStatus.IN_PROGRESS.value, 0)),
        responses_submitted=int(by_status.get(ResponseStatus.SUBMITTED.value, 0)),
        withdrawals=count(select(func.count(Withdrawal.id)).where(Withdrawal.area_id == area_id)),
    )
