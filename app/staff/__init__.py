"""Staff pages: the staff home, response exports, area summaries and the administrator's pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("staff", __name__)

from app.staff import admin, views  # noqa: E402,F401  (routes register on import)
