"""Commissioner and community-group reports: the dashboard, its downloads and its charts."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from app.dashboard import build_views, views  # noqa: E402,F401  (routes register on import)
