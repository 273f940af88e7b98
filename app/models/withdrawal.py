"""Withdrawal: codes that let a carer delete a sent response, and PII-free tombstones."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Base
from app.models.clock import utc_now


class WithdrawalCode(Base):
    """A code shown on the thank-you page; sending answers ends the resume code, not this one."""

    __tablename__ = "withdrawal_codes"

    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True
    )
    # Keyed hash, as for resume codes: ten characters are too few for a plain hash.
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)


class Withdrawal(Base):
    """That a response was withdrawn, with nothing that could lead back to it or the carer.

    Kept so response rates stay honest after deletions; the day, not the time, is stored.
    """

    __tablename__ = "withdrawals"

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    # How the carer asked: "web" or "sms".
    via: Mapped[str] = mapped_column(String(16))
    was_submitted: Mapped[bool] = mapped_column(Boolean, default=False)
    withdrawn_on: Mapped[date] = mapped_column(Date)
