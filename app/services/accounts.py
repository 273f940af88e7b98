"""Staff accounts: create users with scoped roles, check passwords, accept single-use TOTP codes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from flask_babel import gettext
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.access.permissions import ROLE_LABELS, ROLE_SCOPE, TOTP_REQUIRED_ROLES, Role, ScopeKind
from app.i18n.languages import PSEUDO_LANGUAGE, language_codes, normalise_code
from app.i18n.languages import language as language_named
from app.i18n.marking import N_
from app.models import Area, CommunityGroup, RoleAssignment, StaffSession, User
from app.models.clock import utc_now
from app.services import passwords, totp
from app.services.errors import ServiceError
from app.services.transactions import begin_write

EMAIL_MAX = 254
_SCOPE_NEEDED = {
    ScopeKind.AREA: N_("The %(role)s role needs an area"),
    ScopeKind.GROUP: N_("The %(role)s role needs a community group"),
    ScopeKind.LANGUAGE: N_("The %(role)s role needs a language"),
}


class SecretCipher(Protocol):
    """Encrypts small secrets at rest (the contact cipher, keyed from configuration)."""

    def encrypt(self, text: str) -> str: ...

    def decrypt(self, token: str) -> str: ...


class InvalidCredentials(ServiceError):
    """Wrong e-mail or password: one error for both, so a guess learns nothing."""


class InvalidRole(ServiceError):
    """The role is unknown, or its scope (area, group, language) is missing or unknown."""


class InvalidEmail(ServiceError):
    """Not a usable e-mail address."""


class AccountExists(ServiceError):
    """A user with this e-mail address already exists."""


@dataclass(frozen=True)
class RoleGrant:
    """A role and the one scope it is held over, resolved to ids."""

    role: Role
    area_id: int | None = None
    community_group_id: int | None = None
    language: str | None = None


@dataclass(frozen=True)
class NewAccount:
    user_id: int
    email: str
    # Shown once to whoever set the account up; None when the role needs no authenticator.
    totp_setup_uri: str | None


def normalise_email(raw: str) -> str:
    email = raw.strip().lower()
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > EMAIL_MAX or any(c.isspace() for c in email):
        raise InvalidEmail(
            gettext(
                "Enter an email address in the correct format, like %(example)s",
                example="name@example.nhs.uk",
            )
        )
    return email


def resolve_grant(
    session: Session,
    role: str,
    *,
    area_slug: str | None = None,
    group_slug: str | None = None,
    language: str | None = None,
) -> RoleGrant:
    """Check a role and its scope, as typed by an administrator, and turn slugs into ids."""
    try:
        chosen = Role(role)
    except ValueError as problem:
        raise InvalidRole(
            gettext(
                "Unknown role %(role)s; choose one of %(roles)s",
                role=repr(role),
                roles=", ".join(Role),
            )
        ) from problem
    kind = ROLE_SCOPE[chosen]
    given = {
        ScopeKind.AREA: area_slug,
        ScopeKind.GROUP: group_slug,
        ScopeKind.LANGUAGE: language,
    }
    extra = [k.value for k, v in given.items() if v and k is not kind]
    if extra:
        raise InvalidRole(
            gettext(
                "The %(role)s role is not limited by %(scopes)s",
                role=str(gettext(ROLE_LABELS[chosen])).lower(),
                scopes=", ".join(extra),
            )
        )
    if kind is ScopeKind.PLATFORM:
        return RoleGrant(chosen)
    if not given[kind]:
        raise InvalidRole(
            gettext(_SCOPE_NEEDED[kind], role=str(gettext(ROLE_LABELS[chosen])).lower())
        )
    if kind is ScopeKind.AREA:
        area_id = session.scalar(select(Area.id).where(Area.slug == area_slug))
        if area_id is None:
            raise InvalidRole(gettext("No area has the slug %(slug)s", slug=repr(area_slug)))
        return RoleGrant(chosen, area_id=area_id)
    if kind is ScopeKind.GROUP:
        group_id = session.scalar(
            select(CommunityGroup.id).where(CommunityGroup.slug == group_slug)
        )
        if group_id is None:
            raise InvalidRole(
                gettext("No community group has the slug %(slug)s", slug=repr(group_slug))
            )
        return RoleGrant(chosen, community_group_id=group_id)
    # Translators work on one catalogue: store the registry's code ("zh_Hans", "pa").
    code = normalise_code(str(language))
    if code is None or code == PSEUDO_LANGUAGE:
        raise InvalidRole(
            gettext(
                "%(language)s is not one of the survey's languages (%(codes)s)",
                language=repr(str(language).strip()),
                codes=", ".join(language_codes()),
            )
        )
    return RoleGrant(chosen, language=code)


def create_user(
    session: Session,
    email: str,
    password: str,
    grants: Sequence[RoleGrant],
    cipher: SecretCipher,
    *,
    totp_secret: str | None = None,
    totp_last_step: int | None = None,
) -> NewAccount:
    """A new active user with the given roles; roles that need TOTP get a secret now."""
    address = normalise_email(email)
    passwords.check_password(password, email=address)
    needs_totp = any(grant.role in TOTP_REQUIRED_ROLES for grant in grants)
    secret = (totp_secret or totp.new_secret()) if needs_totp else None
    begin_write(session)
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        session.rollback()
        raise AccountExists(gettext("An account with that email address already exists"))
    user = User(
        email=address,
        password_hash=passwords.hash_password(password),
        totp_secret_encrypted=cipher.encrypt(secret) if secret else None,
        totp_last_step=totp_last_step,
        is_active=True,
    )
    user.assignments = [
        RoleAssignment(
            role=grant.role.value,
            area_id=grant.area_id,
            community_group_id=grant.community_group_id,
            language=grant.language,
        )
        for grant in grants
    ]
    session.add(user)
    session.commit()
    uri = totp.setup_uri(secret, address) if secret else None
    return NewAccount(user_id=user.id, email=address, totp_setup_uri=uri)


def authenticate(session: Session, email: str, password: str) -> User:
    """The active user with this e-mail and password, or InvalidCredentials."""
    try:
        address = normalise_email(email)
    except InvalidEmail:
        address = ""
    user = session.scalar(select(User).where(User.email == address)) if address else None
    if user is None or not user.is_active:
        passwords.spend_hashing_time(password)
        raise InvalidCredentials()
    if not passwords.password_matches(user.password_hash, password):
        raise InvalidCredentials()
    if passwords.needs_rehash(user.password_hash):
        begin_write(session)
        locked = session.get(User, user.id, with_for_update=True)
        if locked is not None:
            locked.password_hash = passwords.hash_password(password)
        session.commit()
    return user


def accept_totp_code(
    session: Session, user_id: int, code: str, cipher: SecretCipher, *, now: datetime | None = None
) -> bool:
    """Accept a code once: the step it belongs to must be later than the last one accepted."""
    begin_write(session)
    user = session.get(User, user_id, with_for_update=True)
    if user is None or not user.is_active or user.totp_secret_encrypted is None:
        session.rollback()
        return False
    step = totp.matching_step(cipher.decrypt(user.totp_secret_encrypted), code, now or utc_now())
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        session.rollback()
        return False
    user.totp_last_step = step
    session.commit()
    return True


def record_sign_in(session: Session, user_id: int) -> None:
    begin_write(session)
    user = session.get(User, user_id, with_for_update=True)
    if user is not None:
        user.last_login_at = utc_now()
    session.commit()


def set_password(session: Session, user_id: int, password: str) -> None:
    """A new password, and every browser signed in as this user is signed out."""
    user = session.get(User, user_id)
    if user is None:
        raise InvalidCredentials()
    passwords.check_password(password, email=user.email)
    new_hash = passwords.hash_password(password)
    begin_write(session)
    locked = session.get(User, user_id, with_for_update=True)
    if locked is None:
        session.rollback()
        raise InvalidCredentials()
    locked.password_hash = new_hash
    locked.password_changed_at = utc_now()
    session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))
    session.commit()


def deactivate_user(session: Session, email: str) -> bool:
    """Stop a user signing in and end their sessions; the audit log keeps naming them."""
    begin_write(session)
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        session.rollback()
        return False
    user.is_active = False
    session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    session.commit()
    return True


def all_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def describe_grant(assignment: RoleAssignment) -> str:
    """How a role reads on staff pages and in the CLI, e.g. "Commissioner: North Riverside"."""
    label = str(gettext(ROLE_LABELS[Role(assignment.role)]))
    if assignment.area is not None:
        return f"{label}: {assignment.area.name}"
    if assignment.community_group is not None:
        return f"{label}: {assignment.community_group.name}"
    if assignment.language:
        # The language by its own name ("Cymraeg"), as the switcher shows it.
        return f"{label}: {language_named(assignment.language).native_name}"
    return label
