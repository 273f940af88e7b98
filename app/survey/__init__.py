"""The carer's web journey: invitation or open link, consent, questions, check, submit."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("survey", __name__)

from app.survey import views, withdrawal  # noqa: E402,F401  (routes register on import)
