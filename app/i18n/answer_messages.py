"""Engine answer problems in the carer's language, numbers written the local way."""

from __future__ import annotations

from babel.numbers import format_decimal
from flask_babel import get_locale, gettext

from app.questionnaire import InvalidAnswer


def local_number(value: int | float) -> str:
    """A number in the page's locale digits, without grouping ("5001", as people type it)."""
    return format_decimal(value, locale=get_locale() or "en", group_separator=False)


def problem_message(problem: InvalidAnswer) -> str:
    """The engine's English template translated, with its numbers formatted for the locale."""
    params = {
        name: local_number(value) if isinstance(value, int | float) else value
        for name, value in problem.params.items()
    }
    return str(gettext(problem.template, **params))
