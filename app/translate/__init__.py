"""Translators' pages: review, edit and approve one language's strings, and exchange .po files."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("translate", __name__, url_prefix="/translate")

from app.translate import views  # noqa: E402,F401  (routes register on import)
