"""Choosing the language of a page: the order the issue sets, as a pure function to test."""

from __future__ import annotations

from collections.abc import Iterable

from app.i18n.languages import PSEUDO_LANGUAGE, SOURCE_LANGUAGE, normalise_code


def best_accepted(accepted: Iterable[str]) -> str | None:
    """The first language a browser accepts (best first) that we serve; never the pseudo-locale."""
    for tag in accepted:
        code = normalise_code(tag)
        if code is not None and code != PSEUDO_LANGUAGE:
            return code
    return None


def choose_language(
    *,
    explicit: str | None = None,
    response_language: str | None = None,
    remembered: str | None = None,
    accepted: Iterable[str] = (),
) -> str:
    """The language to show.

    1. an explicit choice on this request (?lang= or the switcher);
    2. the response's saved language, which starts as the invitation's language and follows
       every explicit choice made while answering;
    3. a choice made earlier in this browser before any response existed;
    4. the browser's Accept-Language;
    5. English.
    """
    for candidate in (explicit, response_language, remembered):
        code = normalise_code(candidate)
        if code is not None:
            return code
    return best_accepted(accepted) or SOURCE_LANGUAGE
