"""Which language to show a carer: their response's language, else English."""

from __future__ import annotations

from flask import g

DEFAULT_LANGUAGE = "en"


def current_language() -> str:
    return str(getattr(g, "survey_language", None) or DEFAULT_LANGUAGE)
