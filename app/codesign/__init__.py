"""Community co-design pages: groups propose local questions, commissioners review and publish."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("codesign", __name__, url_prefix="/codesign")

from app.codesign import publishing_views, views  # noqa: E402,F401  (routes register on import)
