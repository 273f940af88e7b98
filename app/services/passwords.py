"""Staff passwords: the length and common-password rules, and argon2 hashing."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask_babel import gettext

from app.services.errors import ServiceError

MIN_LENGTH = 12
# argon2 copes with any length; the cap only stops a megabyte "password" costing CPU.
MAX_LENGTH = 128
MIN_DISTINCT_CHARACTERS = 5
SMALL_ADDITION = 4
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parents[1] / "data" / "common-passwords.txt"
_TRIMMABLE = string.digits + string.punctuation + " "

# argon2id with the library's defaults (RFC 9106's second recommended option: 64 MiB, t=3).
_STRONG = PasswordHasher()
# Test suites only: hashing hundreds of passwords at full cost would take minutes.
_FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
_hasher = _STRONG


def configure_hashing(*, fast: bool) -> None:
    """Choose the cost for new hashes; create_app passes the PASSWORD_HASH_FAST setting."""
    global _hasher
    _hasher = _FAST if fast else _STRONG


class WeakPassword(ServiceError):
    """The password breaks a rule; the message says which, in words staff can act on."""


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def check_password(password: str, *, email: str = "") -> None:
    """Raise WeakPassword unless ``password`` meets every rule."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(
            gettext("Your password must be at least %(count)s characters long", count=MIN_LENGTH)
        )
    if len(password) > MAX_LENGTH:
        raise WeakPassword(
            gettext("Your password must be %(count)s characters or fewer", count=MAX_LENGTH)
        )
    lowered = password.lower()
    if lowered.isdigit():
        raise WeakPassword(gettext("Your password must not be only numbers"))
    if _common_with_a_little_added(lowered):
        raise WeakPassword(
            gettext("Your password is too common. Choose one that is harder to guess")
        )
    if len(set(lowered)) < MIN_DISTINCT_CHARACTERS:
        raise WeakPassword(
            gettext("Your password repeats too few characters. Choose a less predictable one")
        )
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in lowered:
        raise WeakPassword(gettext("Your password must not contain your email address"))


def _common_with_a_little_added(lowered: str) -> bool:
    """A common password as it is, or with up to four characters added before or after.

    Guessers try "password1234" and "qwertyuiopasdf" right after "password" and "qwertyuiop".
    """
    common = common_passwords()
    candidates = {lowered, lowered.strip(_TRIMMABLE)}
    for extra in range(1, SMALL_ADDITION + 1):
        candidates.update({lowered[:-extra], lowered[extra:]})
    return any(len(c) >= 6 and c in common for c in candidates) or lowered in common


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's, so it is renewed at login."""
    return _hasher.check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("not a real password, used to even out timing")


def spend_hashing_time(password: str) -> None:
    """Verify against a dummy hash so an unknown e-mail takes as long as a wrong password."""
    password_matches(_dummy_hash(), password)
