"""Single-use, expiring links: invitations for new staff and password resets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.access.permissions import TOTP_REQUIRED_ROLES, Role
from app.models import PasswordReset, StaffInvitation, User
from app.models.clock import utc_now
from app.services import passwords, totp
from app.services.accounts import (
    AccountExists,
    NewAccount,
    RoleGrant,
    SecretCipher,
    create_user,
    normalise_email,
    set_password,
)
from app.services.errors import ServiceError
from app.services.secrets_for_links import hash_link_token, new_link_token
from app.services.transactions import begin_write


class LinkNotFound(ServiceError):
    """Unknown, expired and used links look the same, so a guess learns nothing."""


class WrongSetupCode(ServiceError):
    """The authenticator code did not match the new secret."""


@dataclass(frozen=True)
class IssuedLink:
    """A link token, shown once to whoever passes it on; only its hash is kept."""

    token: str
    expires_at: datetime


@dataclass(frozen=True)
class InvitationView:
    """What the set-up page shows: whom the invitation is for and, if needed, the TOTP secret."""

    email: str
    role: Role
    totp_secret: str | None
    totp_setup_uri: str | None


def invite_staff(
    session: Session,
    email: str,
    grant: RoleGrant,
    cipher: SecretCipher,
    *,
    invited_by_id: int | None,
    valid_for: timedelta,
    now: datetime | None = None,
) -> IssuedLink:
    address = normalise_email(email)
    moment = now or utc_now()
    token = new_link_token()
    secret = totp.new_secret() if grant.role in TOTP_REQUIRED_ROLES else None
    begin_write(session)
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        session.rollback()
        raise AccountExists(gettext("An account with that email address already exists"))
    session.add(
        StaffInvitation(
            token_hash=hash_link_token(token),
            email=address,
            role=grant.role.value,
            area_id=grant.area_id,
            community_group_id=grant.community_group_id,
            language=grant.language,
            totp_secret_encrypted=cipher.encrypt(secret) if secret else None,
            invited_by_id=invited_by_id,
            created_at=moment,
            expires_at=moment + valid_for,
        )
    )
    session.commit()
    return IssuedLink(token, moment + valid_for)


def _live_invitation(session: Session, token: str, moment: datetime) -> StaffInvitation:
    invitation = session.scalar(
        select(StaffInvitation).where(StaffInvitation.token_hash == hash_link_token(token))
    )
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= moment:
        raise LinkNotFound()
    return invitation


def view_invitation(
    session: Session, token: str, cipher: SecretCipher, *, now: datetime | None = None
) -> InvitationView:
    invitation = _live_invitation(session, token, now or utc_now())
    secret = (
        cipher.decrypt(invitation.totp_secret_encrypted)
        if invitation.totp_secret_encrypted
        else None
    )
    return InvitationView(
        email=invitation.email,
        role=Role(invitation.role),
        totp_secret=secret,
        totp_setup_uri=totp.setup_uri(secret, invitation.email) if secret else None,
    )


def accept_invitation(
    session: Session,
    token: str,
    password: str,
    totp_code: str,
    cipher: SecretCipher,
    *,
    now: datetime | None = None,
) -> NewAccount:
    """Create the account once; the link is used up in the same step."""
    moment = now or utc_now()
    invitation = _live_invitation(session, token, moment)
    passwords.check_password(password, email=invitation.email)
    secret = None
    step = None
    if invitation.totp_secret_encrypted:
        secret = cipher.decrypt(invitation.totp_secret_encrypted)
        step = totp.matching_step(secret, totp_code, moment)
        if step is None:
            raise WrongSetupCode(gettext("The code from your authenticator app did not match"))
    grant = RoleGrant(
        Role(invitation.role),
        area_id=invitation.area_id,
        community_group_id=invitation.community_group_id,
        language=invitation.language,
    )
    # Mark the link used first, under a lock: two tabs submitting at once make one account.
    begin_write(session)
    locked = session.get(StaffInvitation, invitation.id, with_for_update=True)
    if locked is None or locked.used_at is not None:
        session.rollback()
        raise LinkNotFound()
    locked.used_at = moment
    session.commit()
    # The set-up code counts as used, so it cannot also sign in.
    return create_user(
        session,
        invitation.email,
        password,
        [grant],
        cipher,
        totp_secret=secret,
        totp_last_step=step,
    )


def issue_password_reset(
    session: Session, user_id: int, *, valid_for: timedelta, now: datetime | None = None
) -> IssuedLink:
    moment = now or utc_now()
    token = new_link_token()
    begin_write(session)
    session.add(
        PasswordReset(
            token_hash=hash_link_token(token),
            user_id=user_id,
            created_at=moment,
            expires_at=moment + valid_for,
        )
    )
    session.commit()
    return IssuedLink(token, moment + valid_for)


def reset_email(session: Session, token: str, *, now: datetime | None = None) -> str:
    """Whose password a live reset link changes (for the page), or LinkNotFound."""
    reset = session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == hash_link_token(token))
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= (now or utc_now()):
        raise LinkNotFound()
    if not reset.user.is_active:
        raise LinkNotFound()
    return reset.user.email


def complete_password_reset(
    session: Session, token: str, password: str, *, now: datetime | None = None
) -> int:
    """Set the new password once; every session of the user ends. Returns the user id."""
    moment = now or utc_now()
    email = reset_email(session, token, now=moment)
    passwords.check_password(password, email=email)
    begin_write(session)
    reset = session.scalar(
        select(PasswordReset)
        .where(PasswordReset.token_hash == hash_link_token(token))
        .with_for_update()
    )
    if reset is None or reset.used_at is not None:
        session.rollback()
        raise LinkNotFound()
    reset.used_at = moment
    user_id = reset.user_id
    session.commit()
    set_password(session, user_id, password)
    return user_id
