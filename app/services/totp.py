"""Time-based one-time codes (RFC 6238) for authenticator apps: secrets, set-up URIs, code steps."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime

import pyotp

STEP_SECONDS = 30
DIGITS = 6
# One step either side forgives a phone clock that is a little fast or slow.
ALLOWED_DRIFT_STEPS = 1
ISSUER = "Carer Voices"


def new_secret() -> str:
    """A random 160-bit base32 secret, as authenticator apps expect."""
    return pyotp.random_base32(32)


def setup_uri(secret: str, email: str, issuer: str = ISSUER) -> str:
    """The otpauth:// URI an authenticator app reads (typed or pasted as a set-up key)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=email, issuer_name=issuer
    )


def time_step(moment: datetime) -> int:
    """The 30-second step a moment falls in; naive datetimes are taken as UTC."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return int(aware.timestamp()) // STEP_SECONDS


def code_for_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def matching_step(secret: str, code: str, moment: datetime) -> int | None:
    """The step whose code ``code`` is, within the allowed drift, or None."""
    cleaned = "".join(code.split())
    if len(cleaned) != DIGITS or not cleaned.isdigit():
        return None
    current = time_step(moment)
    for step in range(current - ALLOWED_DRIFT_STEPS, current + ALLOWED_DRIFT_STEPS + 1):
        if hmac.compare_digest(code_for_step(secret, step), cleaned):
            return step
    return None
