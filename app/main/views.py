"""Views for the public pages and the health check used by load balancers."""

from __future__ import annotations

from flask import Response, jsonify, render_template
from sqlalchemy import text

from app.extensions import db
from app.main import bp
from app.main.methodology import methodology_html


@bp.get("/")
def home() -> str:
    return render_template("main/home.html")


@bp.get("/support")
def support() -> str:
    return render_template("main/support.html")


@bp.get("/privacy")
def privacy() -> str:
    return render_template("main/privacy.html")


@bp.get("/accessibility")
def accessibility() -> str:
    return render_template("main/accessibility.html")


@bp.get("/contact")
def contact() -> str:
    return render_template("main/contact.html")


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    # A load balancer must take a worker out of service when it cannot reach the database.
    try:
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except Exception:  # noqa: BLE001  (any database failure means "not healthy")
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok"), 200


@bp.get("/methodology")
def methodology() -> str:
    return render_template("main/methodology.html", note=methodology_html())
