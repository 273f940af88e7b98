"""Staff accounts: users, their role assignments, server-side sessions and single-use links."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.access.permissions import (
    TOTP_REQUIRED_ROLES,
    Permission,
    Role,
    Scope,
    grant_allows,
)
from app.extensions import Base
from app.models.area import Area, CommunityGroup
from app.models.clock import utc_now


class User(Base):
    """A member of staff; carers never have accounts."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased so sign-in and uniqueness ignore case.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Fernet-encrypted base32 secret; a copy of the database alone cannot mint codes.
    totp_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    # The last 30-second step whose code was accepted: a code works once, never again.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)

    assignments: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def can(self, permission: Permission | str, scope: Scope | None = None) -> bool:
        """Whether any of the user's roles grants ``permission`` over ``scope``."""
        if not self.is_active:
            return False
        wanted = Permission(permission)
        return any(grant_allows(grant, wanted, scope) for grant in self.assignments)

    @property
    def roles(self) -> set[Role]:
        return {Role(grant.role) for grant in self.assignments}

    @property
    def needs_totp(self) -> bool:
        return bool(self.roles & TOTP_REQUIRED_ROLES)


class RoleAssignment(Base):
    """One role held over one scope: the platform, an area, a group or a language."""

    __tablename__ = "role_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    community_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("community_groups.id"), index=True
    )
    language: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)

    user: Mapped[User] = relationship(back_populates="assignments")
    area: Mapped[Area | None] = relationship(lazy="selectin")
    community_group: Mapped[CommunityGroup | None] = relationship(lazy="selectin")


class StaffSession(Base):
    """A signed-in browser; deleting the row signs it out, whatever its cookie still says."""

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # SHA-256 of the random token in the cookie, so a database copy cannot hijack sessions.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)

    user: Mapped[User] = relationship()


class StaffInvitation(Base):
    """A single-use, expiring link that lets a new member of staff set up their account."""

    __tablename__ = "staff_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(32))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    community_group_id: Mapped[int | None] = mapped_column(ForeignKey("community_groups.id"))
    language: Mapped[str | None] = mapped_column(String(16))
    # Made with the invitation so the set-up page can show it without keeping it in a cookie.
    totp_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class PasswordReset(Base):
    """A single-use, expiring link to choose a new password, issued by an administrator."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship()
