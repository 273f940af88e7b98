"""Kind error pages for every error, with an error id (never details) for server faults."""

from __future__ import annotations

import logging
import secrets

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

_PAGES = {
    400: "errors/400.html",
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/400.html",
    413: "errors/413.html",
    429: "errors/429.html",
}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError) -> tuple[str, int]:
        # Usually a page left open so long its session ended; nothing was saved from this post.
        return render_template("errors/400.html", csrf=True), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        status = error.code or 500
        if status >= 500:
            return _server_error(status)
        return render_template(_PAGES.get(status, "errors/400.html"), status=status), status

    @app.errorhandler(OperationalError)
    def database_unavailable(_error: OperationalError) -> tuple[str, int, dict[str, str]]:
        # The database is down, restarting, read-only or out of disk: the transaction never
        # committed, so nothing is half-saved. Say so kindly and ask for a retry, rather than
        # a 500 that sounds like the carer's answers broke something.
        _rollback_quietly()
        error_id = secrets.token_hex(4)
        log.error("database unavailable %s: %s", error_id, type(_error.orig).__name__)
        page = render_template("errors/503.html", error_id=error_id)
        return page, 503, {"Retry-After": "60"}

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        from app.extensions import db

        db.session.rollback()
        if app.config.get("PROPAGATE_EXCEPTIONS"):
            raise error  # tests and the debugger want the real traceback
        error_id = secrets.token_hex(4)
        # Log the type and the id only: messages can contain answers or personal details.
        log.error("unhandled error %s: %s", error_id, type(error).__name__, exc_info=app.debug)
        return render_template("errors/500.html", error_id=error_id), 500

    def _server_error(status: int) -> tuple[str, int]:
        error_id = secrets.token_hex(4)
        log.error("server error %s: status %s", error_id, status)
        return render_template("errors/500.html", error_id=error_id), status


def _rollback_quietly() -> None:
    """End the failed transaction; with the database gone even the rollback can fail."""
    from app.extensions import db

    try:
        db.session.rollback()
    except OperationalError:
        db.session().invalidate()
