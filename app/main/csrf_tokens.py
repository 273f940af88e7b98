"""The CSRF token in forms, signed once per browser session rather than on every page.

Flask-WTF signs the session's token afresh for every page (a serializer, a key derivation, an
HMAC, a timestamp): ~5% of a question page. With no time limit on tokens (config.py: a
grieving carer may leave a page open for hours) the timestamp is never checked, so the token
signed for a session's first page is as good on its next one; it is remembered per secret
and session token. With a time limit set, every page signs afresh as Flask-WTF does.
"""

from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from flask import Flask, current_app, g, session
from flask_wtf.csrf import generate_csrf

# Carers active in one worker at once: far fewer than this.
MAX_REMEMBERED_TOKENS = 4096


class RememberedCsrfTokens:
    """`csrf_token()` in templates: Flask-WTF's signed token, reused for the same session."""

    def __init__(self) -> None:
        self._signed: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._lock = Lock()

    def __call__(self) -> str:
        # Each proxy (current_app, g, session) looked up once: a page calls this for every form.
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        request_globals = g._get_current_object()
        config = app.config
        field = str(config.get("WTF_CSRF_FIELD_NAME") or "csrf_token")
        if config.get("WTF_CSRF_TIME_LIMIT") is not None or field in request_globals:
            return str(generate_csrf())
        secret = str(config.get("WTF_CSRF_SECRET_KEY") or app.secret_key)
        raw = session.get(field)
        if isinstance(raw, str):
            with self._lock:
                signed = self._signed.get((secret, raw))
                if signed is not None:
                    self._signed.move_to_end((secret, raw))
            if signed is not None:
                # As generate_csrf would: later calls in this request give the same token.
                setattr(request_globals, field, signed)
                return signed
        # The first page of a session makes its token (generate_csrf puts it in the session).
        signed = str(generate_csrf())
        raw = session.get(field)
        if isinstance(raw, str):
            with self._lock:
                self._signed[(secret, raw)] = signed
                while len(self._signed) > MAX_REMEMBERED_TOKENS:
                    self._signed.popitem(last=False)
        return signed


def register_remembered_csrf_tokens(app: Flask) -> None:
    """Stand in for Flask-WTF's `csrf_token` (a template global and a context processor)."""
    remembered = RememberedCsrfTokens()
    app.jinja_env.globals["csrf_token"] = remembered
    # Registered after csrf.init_app's processor, so this one's value wins in every template.
    app.context_processor(lambda: {"csrf_token": remembered})
