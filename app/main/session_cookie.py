"""The signed session cookie: serializer and key made once per secret, each cookie verified once.

Flask builds a new serializer for every request and itsdangerous derives the signing key
again for every signature: about 6% of a question page. The cookie, its format and its checks
are exactly Flask's; only the objects are kept (per secret, so a changed key takes effect).

A carer's browser sends the same cookie bytes on every page until the session changes, and
the same bytes verify the same way under the same keys. So what a cookie verified to (its
signing time and its values) is remembered per serializer and cookie value, and a later
request with those bytes only repeats the one check that depends on the clock: the age
against the session lifetime, exactly as itsdangerous does it. Only sessions of plain values
are remembered, so each request still gets a session of its own that it may change freely.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from threading import Lock
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import want_bytes

# Browsers active in one worker within a while: far fewer than this (each entry ~0.5 KB).
MAX_REMEMBERED_COOKIES = 4096
# Values a session can hold that need no copying for each request to have its own.
_PLAIN = (str, int, float, bool, type(None))


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
        # (serializer, cookie value) -> (signed at, in whole seconds; the session's values).
        self._verified: OrderedDict[
            tuple[URLSafeTimedSerializer, str], tuple[int, dict[str, Any]]
        ] = OrderedDict()
        self._lock = Lock()

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Flask's open_session, with the signature of a cookie seen before not checked again."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (serializer, value)
        with self._lock:
            remembered = self._verified.get(key)
            if remembered is not None:
                self._verified.move_to_end(key)
        if remembered is not None:
            signed_at, values = remembered
            # itsdangerous's own age rule (timed.py): expired when older than max_age or when
            # signed in the future; either way the full check below says so as Flask would.
            age = int(time.time()) - signed_at
            if 0 <= age <= max_age:
                return self.session_class(values)
        try:
            data, signed = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if isinstance(data, dict) and all(type(v) in _PLAIN for v in data.values()):
            with self._lock:
                self._verified[key] = (int(signed.timestamp()), dict(data))
                while len(self._verified) > MAX_REMEMBERED_COOKIES:
                    self._verified.popitem(last=False)
        return self.session_class(data)

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
