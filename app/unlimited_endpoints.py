"""Flask-Limiter's per-request check skipped at once for endpoints that declare no rate limit.

Flask-Limiter runs a check before every request, limited or not: it resolves the view's name,
its blueprint's exemptions and an empty list of limits, 0.08-0.17 ms of a question page that
has no limit at all. That check (its "middleware") only ever enforces application-wide,
default, meta, blueprint and storage-fallback limits; a limit declared on a view with
``@limiter.limit`` is enforced by the decorator's own wrapper when the view runs. So when no
limit of the first kinds exists, the check is put behind a gate that lets an endpoint known to
declare no limit pass in O(1) and hands every other request (a limited one, or one the set
does not know) to the library exactly as before. Any wider limit leaves the check as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_qualified_name

EXTENSION_KEY = "unlimited_endpoints"


def endpoints_without_limits(app: Flask, limiter: Limiter) -> frozenset[str]:
    """Endpoints whose view declares no limit; none at all when any limit applies more widely."""
    manager = limiter.limit_manager
    if (
        manager.application_limits
        or manager.default_limits
        or app.config.get("RATELIMIT_APPLICATION")
        or app.config.get("RATELIMIT_DEFAULT")
        or app.config.get("RATELIMIT_META")
        # While the storage is down, the fallback limits apply to every endpoint.
        or app.config.get("RATELIMIT_IN_MEMORY_FALLBACK")
        or any(manager.blueprint_limits(app, name) for name in app.blueprints)
    ):
        return frozenset()
    # Limits may be callables reading the app's config (the sign-in limit does).
    with app.test_request_context():
        return frozenset(
            endpoint
            for endpoint, view in app.view_functions.items()
            if not manager.decorated_limits(get_qualified_name(view))
        )


def register_unlimited_endpoints(app: Flask, limiter: Limiter) -> None:
    """Call after every route is registered: gate the limiter's check behind the set."""
    unlimited = endpoints_without_limits(app, limiter)
    app.extensions[EXTENSION_KEY] = unlimited
    hooks = app.before_request_funcs.get(None, [])
    # The bound method limiter.init_app registered; compared by equality, not identity.
    check = limiter._check_request_limit
    if not unlimited or check not in hooks:
        return
    hooks[hooks.index(check)] = _gate(check, unlimited)


def _gate(check: Callable[[], None], unlimited: frozenset[str]) -> Callable[[], None]:
    def check_limits_unless_unlimited() -> None:
        if request.endpoint not in unlimited:
            check()

    return check_limits_unless_unlimited
