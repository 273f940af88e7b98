"""'You said, we did': commissioners record actions on themes; groups and the public read them."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("actions", __name__)

from app.actions import views  # noqa: E402,F401  (routes register on import)
