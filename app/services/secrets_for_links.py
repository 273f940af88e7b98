"""Link tokens and resume codes: random, shown once, stored only as hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# Crockford's base 32 without I, L, O, U: nothing a grieving reader could misread or mistype.
RESUME_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RESUME_CODE_LENGTH = 10
_MISREAD = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def new_link_token() -> str:
    """A personal link token with 192 bits of randomness (the floor is 128)."""
    return secrets.token_urlsafe(24)


def hash_link_token(token: str) -> str:
    """SHA-256 is enough for a 192-bit random token: it cannot be guessed from its hash."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_resume_code() -> str:
    """A short code a carer can write down, shown as two groups of five characters."""
    raw = "".join(secrets.choice(RESUME_ALPHABET) for _ in range(RESUME_CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_resume_code(code: str) -> str:
    """Upper-case, no spaces or hyphens, and common misreadings mapped to what was meant."""
    cleaned = "".join(ch for ch in code.upper() if ch.isalnum())
    return cleaned.translate(_MISREAD)


def hash_resume_code(code: str, key: str) -> str:
    """Keyed hash: a short code has too little entropy for a plain hash to protect it."""
    normalised = normalise_resume_code(code)
    return hmac.new(key.encode("utf-8"), normalised.encode("ascii", "ignore"), "sha256").hexdigest()
