"""Flask-Limiter's per-request hooks skipped at once for endpoints that declare no rate limit.

Flask-Limiter runs a check before every request, limited or not: it resolves the view's name,
its blueprint's exemptions and an empty list of limits, 0.08-0.17 ms of a question page that
has no limit at all; after the view it looks for headers and deductions to apply, and at
teardown it resets its bookkeeping. The check (its "middleware") only ever enforces
application-wide, default, meta, blueprint and storage-fallback limits; a limit declared on a
view with ``@limiter.limit`` (or used as a context manager inside one) is enforced by its own
wrapper when the view runs. So when no limit of the first kinds exists, the three hooks are
put behind a gate that lets an endpoint known to declare no limit pass in O(1) and hands every
other request (a limited one, one the set does not know, one whose view used a limit inside)
to the library exactly as before. Any wider limit leaves the hooks as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from flask import Flask, Response, request
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
    """Call after every route is registered: gate the limiter's hooks behind the set.

    Each of its three hooks (the check before the view, the response headers and deductions
    after it, the reset at teardown) is found by what limiter.init_app registered; one not
    found (another Flask-Limiter version) is left exactly as it was.
    """
    unlimited = endpoints_without_limits(app, limiter)
    app.extensions[EXTENSION_KEY] = unlimited
    if not unlimited:
        return
    manager = limiter.limit_manager

    def has_no_limit() -> bool:
        endpoint = request.endpoint
        # A limit used as a context manager inside a view leaves a hint on its endpoint.
        return endpoint in unlimited and not manager.has_hints(endpoint)

    before = app.before_request_funcs.get(None, [])
    check = limiter._check_request_limit
    if check in before:
        before[before.index(check)] = _gate_before(check, has_no_limit)
    after = app.after_request_funcs.get(None, [])
    for index, hook in enumerate(after):
        if isinstance(hook, partial) and hook.args == (limiter,):
            after[index] = _gate_after(hook, has_no_limit)
    teardown = app.teardown_request_funcs.get(None, [])
    release = getattr(limiter, "_Limiter__release_context", None)
    if release is not None and release in teardown:
        teardown[teardown.index(release)] = _gate_teardown(release, has_no_limit)


def _gate_before(check: Callable[[], None], skip: Callable[[], bool]) -> Callable[[], None]:
    def check_limits_unless_unlimited() -> None:
        if not skip():
            check()

    return check_limits_unless_unlimited


def _gate_after(
    inject: Callable[[Response], Response], skip: Callable[[], bool]
) -> Callable[[Response], Response]:
    def limit_headers_unless_unlimited(response: Response) -> Response:
        return response if skip() else inject(response)

    return limit_headers_unless_unlimited


def _gate_teardown(
    release: Callable[[BaseException | None], None], skip: Callable[[], bool]
) -> Callable[[BaseException | None], None]:
    def release_unless_unlimited(error: BaseException | None = None) -> None:
        if not skip():
            release(error)

    return release_unless_unlimited
