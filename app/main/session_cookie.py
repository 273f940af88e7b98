"""The signed session cookie, its serializer and signing key made once per secret, not per request.

Flask builds a new serializer for every request and itsdangerous derives the signing key
again for every signature: about 6% of a question page. The cookie, its format and its checks
are exactly Flask's; only the objects are kept (per secret, so a changed key takes effect).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import want_bytes


@lru_cache(maxsize=16)
def _derived_key(
    secret_key: bytes, salt: bytes, key_derivation: str, digest_method: Callable[..., Any]
) -> bytes:
    signer = TimestampSigner(
        secret_key, salt=salt, key_derivation=key_derivation, digest_method=digest_method
    )
    return signer.derive_key()


class _KeyRememberingSigner(TimestampSigner):
    """itsdangerous's timestamp signer, deriving each secret's key once."""

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        key = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        return _derived_key(key, self.salt, self.key_derivation, self.digest_method)


class RememberedSerializerSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, reusing the serializer while the secret is unchanged."""

    def __init__(self) -> None:
        self._serializer: tuple[tuple[Any, ...], URLSafeTimedSerializer] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        # Flask's order: fallbacks first, the current key last (itsdangerous signs with it).
        keys = (*(app.config.get("SECRET_KEY_FALLBACKS") or ()), app.secret_key)
        remembered = self._serializer
        if remembered is not None and remembered[0] == keys:
            return remembered[1]
        serializer = URLSafeTimedSerializer(
            list(keys),
            salt=self.salt,
            serializer=self.serializer,
            signer=_KeyRememberingSigner,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )
        self._serializer = (keys, serializer)
        return serializer


def register_session_cookie(app: Flask) -> None:
    app.session_interface = RememberedSerializerSessions()
