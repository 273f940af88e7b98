"""Contact details encrypted at rest (Fernet), and phone numbers hashed with a key for look-ups."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken


class ContactCipher:
    """Encrypts contact details and hashes phone numbers, both keyed by CONTACT_ENCRYPTION_KEY."""

    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode("ascii"))
        # A separate sub-key for hashing, so the hash never reveals anything about the
        # encryption key, and the same number always gives the same hash (for de-duplication).
        self._hash_key = hashlib.sha256(b"carer-voices phone lookup v1:" + key.encode()).digest()

    def encrypt(self, text: str) -> str:
        return self._fernet.encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken as problem:
            raise ValueError("stored contact detail cannot be decrypted with this key") from problem

    def encrypt_optional(self, text: str | None) -> str | None:
        return None if text is None else self.encrypt(text)

    def decrypt_optional(self, token: str | None) -> str | None:
        return None if token is None else self.decrypt(token)

    def phone_hash(self, e164: str) -> str:
        """A keyed hash of a normalised number: a stolen table cannot be reversed by brute force."""
        return hmac.new(self._hash_key, e164.encode("ascii"), "sha256").hexdigest()


def check_encryption_key(key: str) -> None:
    """Raise ValueError unless ``key`` is a Fernet key (32 bytes, URL-safe base64)."""
    try:
        Fernet(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as problem:
        raise ValueError(
            "CONTACT_ENCRYPTION_KEY must be a Fernet key (32 random bytes, URL-safe base64)"
        ) from problem


def development_key(secret_key: str) -> str:
    """A Fernet key derived from SECRET_KEY, for development and tests only."""
    digest = hashlib.sha256(b"carer-voices contact key v1:" + secret_key.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


@lru_cache(maxsize=8)
def _cipher(key: str) -> ContactCipher:
    return ContactCipher(key)


def contact_cipher(settings: Mapping[str, object]) -> ContactCipher:
    """The cipher for an application's settings (production always sets its own key)."""
    key = settings.get("CONTACT_ENCRYPTION_KEY")
    if not key:
        key = development_key(str(settings.get("SECRET_KEY", "")))
    return _cipher(str(key))
