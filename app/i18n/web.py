"""Flask glue for languages: the catalogue domain, ?lang= switching, page language and the note."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from babel.support import NullTranslations
from flask import Flask, current_app, g, request, session
from flask_babel import Domain, gettext
from markupsafe import Markup, escape
from werkzeug.wrappers import Response as WerkzeugResponse

from app.i18n.catalogues import english_fallback_noted, translations_for
from app.i18n.languages import (
    LANGUAGES,
    PSEUDO_LANGUAGE,
    SOURCE_LANGUAGE,
    Language,
    language,
    normalise_code,
)
from app.i18n.selection import choose_language

SESSION_LANGUAGE_KEY = "language"
FALLBACK_MARKER = b"<!--cv-english-fallback-note-->"


def current_language() -> str:
    """The language of this request's page (see choose_language for the order)."""
    remembered = session.get(SESSION_LANGUAGE_KEY) if _has_session() else None
    accepted = [value for value, _quality in request.accept_languages] if _has_request() else []
    return choose_language(
        explicit=getattr(g, "explicit_language", None),
        response_language=getattr(g, "survey_language", None),
        remembered=remembered if isinstance(remembered, str) else None,
        accepted=accepted,
    )


def _has_request() -> bool:
    from flask import has_request_context

    return has_request_context()


def _has_session() -> bool:
    return _has_request()


class CatalogueDomain(Domain):  # type: ignore[misc]
    """Flask-Babel's domain, reading our catalogues (states, fallback) instead of .mo files."""

    def get_translations(self) -> NullTranslations:
        if not _has_request():
            from flask import has_app_context

            return translations_for(SOURCE_LANGUAGE) if has_app_context() else NullTranslations()
        code = current_language()
        cached = getattr(g, "_cv_translations", None)
        if cached is not None and cached[0] == code:
            return cached[1]  # type: ignore[no-any-return]
        translations = translations_for(code)
        g._cv_translations = (code, translations)
        return translations


def babel_locale() -> str:
    """The Babel locale for numbers, dates and plurals on this page."""
    return language(current_language()).locale


def _pseudo_allowed() -> bool:
    return bool(current_app.config.get("PSEUDO_LOCALE_ENABLED", False))


def apply_language_choice() -> None:
    """Honour ?lang=<code>: for this page, for this browser, and for the carer's response."""
    raw = request.args.get("lang")
    if raw is None:
        return
    code = normalise_code(raw)
    if code is None or (code == PSEUDO_LANGUAGE and not _pseudo_allowed()):
        return
    g.explicit_language = code
    session[SESSION_LANGUAGE_KEY] = code
    _save_on_response(code)


def _save_on_response(code: str) -> None:
    from app.extensions import db
    from app.services import responses as response_service
    from app.services.errors import ResponseAlreadySubmitted, ResponseNotFound
    from app.survey.context import bound_response_id

    response_id = bound_response_id()
    if response_id is None:
        return
    try:
        response_service.set_language(db.session(), response_id, code)
    except (ResponseNotFound, ResponseAlreadySubmitted):
        return


def clear_session_keeping_language(language_code: str | None = None) -> None:
    """Forget everything in the browser's session except the language the carer reads."""
    kept = language_code or session.get(SESSION_LANGUAGE_KEY)
    session.clear()
    if isinstance(kept, str) and normalise_code(kept) is not None:
        session[SESSION_LANGUAGE_KEY] = kept


def language_switch_url(code: str) -> str:
    """This page's address in another language (other query parameters kept)."""
    arguments = {key: value for key, value in request.args.items() if key != "lang"}
    arguments["lang"] = code
    return f"{request.path}?{urlencode(arguments)}"


def language_context() -> dict[str, Any]:
    page = language(current_language())
    offered: tuple[Language, ...] = LANGUAGES
    if page.code == PSEUDO_LANGUAGE:
        offered = (*LANGUAGES, page)
    return {
        "page_language": page,
        "switcher_languages": offered,
        "language_switch_url": language_switch_url,
    }


def fallback_note_html() -> Markup:
    """The note that some of the page is in English, in the page's language when translated."""
    note = gettext("Some of this page is shown in English. We are still translating it.")
    page = language(current_language())
    # The note itself may not be translated yet; then say so in the markup, for screen readers.
    lang = page.html_lang if not english_fallback_only(note) else "en"
    direction = page.direction if lang != "en" else "ltr"
    return Markup(
        '<div class="cv-english-note nhsuk-inset-text" lang="{}" dir="{}">'
        '<span class="nhsuk-u-visually-hidden">{}: </span><p>{}</p></div>'
    ).format(lang, direction, escape(gettext("Information")), escape(note))


def english_fallback_only(text: str) -> bool:
    return text == "Some of this page is shown in English. We are still translating it."


def insert_fallback_note(response: WerkzeugResponse) -> WerkzeugResponse:
    """Put the note where base.html left its marker, on pages that fell back to English."""
    if (
        response.mimetype != "text/html"
        or response.direct_passthrough
        or not english_fallback_noted()
        or current_language() == SOURCE_LANGUAGE
    ):
        return response
    body = response.get_data()
    if FALLBACK_MARKER not in body:
        return response
    response.set_data(body.replace(FALLBACK_MARKER, fallback_note_html().encode("utf-8"), 1))
    return response


def register_languages(app: Flask) -> None:
    from app.extensions import babel

    babel.init_app(app, locale_selector=babel_locale)
    # Flask-Babel reads translations through this domain; ours knows states and fallbacks.
    babel.domain_instance = CatalogueDomain()
    app.before_request(apply_language_choice)
    app.context_processor(language_context)
    app.after_request(insert_fallback_note)
