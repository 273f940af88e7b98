"""Flask glue for languages: the catalogue domain, ?lang= switching, page language and the note."""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from babel import numbers
from babel.support import NullTranslations
from flask import (
    Flask,
    Request,
    current_app,
    g,
    has_app_context,
    has_request_context,
    request,
    session,
)
from flask_babel import Domain, gettext
from flask_babel import format_decimal as flask_babel_format_decimal
from jinja2 import pass_context
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
TEMPLATE_TRANSLATIONS_KEY = "_cv_translations"
FALLBACK_MARKER = b"<!--cv-english-fallback-note-->"


def current_language() -> str:
    """The language of this request's page (see choose_language for the order)."""
    if not has_request_context():
        return choose_language()
    # Asked several times a page: chosen again only when one of the inputs has changed. The
    # request's globals and session are each looked up once (every attribute read through
    # Flask's proxies finds the context again).
    request_globals = g._get_current_object()
    remembered = session._get_current_object().get(SESSION_LANGUAGE_KEY)  # type: ignore[attr-defined]
    # .get, not getattr with a default: a missing name raises (and catches) AttributeError.
    explicit = request_globals.get("explicit_language")
    response_language = request_globals.get("survey_language")
    key = (explicit, response_language, remembered)
    chosen = request_globals.get("_cv_language")
    if chosen is not None and chosen[0] == key:
        return str(chosen[1])
    code = choose_language(
        explicit=explicit,
        response_language=response_language,
        remembered=remembered if isinstance(remembered, str) else None,
        accepted=[value for value, _quality in request.accept_languages],
    )
    request_globals._cv_language = (key, code)
    return code


def page_translations() -> NullTranslations:
    """The translations for this request's page (English outside a request)."""
    if not has_request_context():
        return translations_for(SOURCE_LANGUAGE) if has_app_context() else NullTranslations()
    # A page asks for translations dozens of times: choose once per request, again only
    # if a view has since learnt the response's language.
    request_globals = g._get_current_object()
    key = (request_globals.get("explicit_language"), request_globals.get("survey_language"))
    cached = request_globals.get("_cv_translations")
    if cached is not None and cached[0] == key:
        return cached[1]  # type: ignore[no-any-return]
    translations = translations_for(current_language())
    request_globals._cv_translations = (key, translations)
    return translations


class CatalogueDomain(Domain):  # type: ignore[misc]
    """Flask-Babel's domain, reading our catalogues (states, fallback) instead of .mo files."""

    def get_translations(self) -> NullTranslations:
        return page_translations()


def _template_translations(context: Any) -> NullTranslations:
    found = context.get(TEMPLATE_TRANSLATIONS_KEY)
    return found if found is not None else page_translations()


def _formatted(context: Any, text: str, variables: dict[str, Any]) -> str:
    # Jinja's "newstyle" rules: escaped when autoescaping, and always a format string.
    if context.eval_ctx.autoescape:
        return Markup(text) % variables
    return text % variables


def _install_template_gettext(app: Flask) -> None:
    # Templates call these a few dozen times a page. Flask-Babel's versions look the domain
    # and language up on every call; these take the page's translations from the template
    # context (set once per render by language_context), falling back for imported macros.
    # Each does Jinja's newstyle formatting itself, so `_()` is one call, not Jinja's three
    # (the `_` alias, the newstyle wrapper, then the function).
    @pass_context
    def gettext_(context: Any, message: str, **variables: Any) -> str:
        text = str(_template_translations(context).ugettext(message))
        return _formatted(context, text, variables)

    @pass_context
    def ngettext_(context: Any, singular: str, plural: str, n: int, **variables: Any) -> str:
        text = str(_template_translations(context).ungettext(singular, plural, n))
        variables.setdefault("num", n)
        return _formatted(context, text, variables)

    @pass_context
    def pgettext_(context: Any, message_context: str, message: str, **variables: Any) -> str:
        text = str(_template_translations(context).upgettext(message_context, message))
        return _formatted(context, text, variables)

    @pass_context
    def npgettext_(
        context: Any, message_context: str, singular: str, plural: str, n: int, **variables: Any
    ) -> str:
        translations = _template_translations(context)
        text = str(translations.unpgettext(message_context, singular, plural, n))
        variables.setdefault("num", n)
        return _formatted(context, text, variables)

    # Installed for the i18n extension (which also registers its parsing of {% trans %}),
    # then put in place of its newstyle wrappers, which would format a second time.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=gettext_, ngettext=ngettext_, pgettext=pgettext_, npgettext=npgettext_
    )
    app.jinja_env.globals.update(
        _=gettext_, gettext=gettext_, ngettext=ngettext_, pgettext=pgettext_, npgettext=npgettext_
    )
    app.jinja_env.filters["decimalformat"] = template_decimal


@lru_cache(maxsize=2048)
def _decimal_in(locale: str, number: Any, pattern: str | None) -> str:
    return numbers.format_decimal(number, format=pattern, locale=locale)


def local_decimal(number: Any, format: str | None = None) -> str:  # noqa: A002  (Flask-Babel's name)
    """Flask-Babel's decimalformat filter, remembered: pages show the same few numbers.

    In a request the locale is the page's language as it is now (current_language, worked out
    once a request), not Flask-Babel's locale object, which parses a locale per request.
    """
    if not isinstance(number, int) or not has_request_context():
        return str(flask_babel_format_decimal(number, format))
    return _decimal_in(babel_locale(), number, format)


@pass_context
def template_decimal(context: Any, number: Any, format: str | None = None) -> str:  # noqa: A002
    """decimalformat in a template: in the language the page's words are in (its context's)."""
    page_language = context.get("page_language")
    if not isinstance(page_language, Language) or not isinstance(number, int):
        return local_decimal(number, format)
    return _decimal_in(page_language.locale, number, format)


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
    page_request = request._get_current_object()  # type: ignore[attr-defined]
    return f"{page_request.path}?{_query_with_language(code, _other_arguments(page_request))}"


def _other_arguments(page_request: Request) -> str:
    return urlencode(
        [(key, value) for key, value in page_request.args.items(multi=True) if key != "lang"]
    )


def _query_with_language(code: str, others: str) -> str:
    return f"lang={code}&{others}" if others else f"lang={code}"


@lru_cache(maxsize=512)
def _switcher_html(current: str, others: str) -> Markup:
    """The switcher's list, the same on every page in a language (links are query-only)."""
    offered: tuple[Language, ...] = LANGUAGES
    if current == PSEUDO_LANGUAGE:
        offered = (*LANGUAGES, language(current))
    items = []
    for entry in offered:
        if entry.code == current:
            item = Markup(
                '<span lang="{}" dir="{}" aria-current="true" '
                'class="cv-language-switcher__current">{}</span>'
            ).format(entry.html_lang, entry.direction, entry.native_name)
        else:
            # "?lang=pl" resolves against the page's own path, so one list serves every page.
            item = Markup('<a href="?{}" lang="{}" hreflang="{}" dir="{}">{}</a>').format(
                _query_with_language(entry.code, others),
                entry.html_lang,
                entry.html_lang,
                entry.direction,
                entry.native_name,
            )
        items.append(Markup('<li class="cv-language-switcher__item">{}</li>').format(item))
    return Markup("").join(items)


@pass_context
def language_switcher_items(context: Any) -> Markup:
    """The switcher for the page being rendered: its language and request, from its context."""
    page_language = context.get("page_language")
    if not isinstance(page_language, Language):
        page_language = language(current_language())
    page_request = context.get("request")
    if page_request is None:
        page_request = request._get_current_object()  # type: ignore[attr-defined]
    return _switcher_html(page_language.code, _other_arguments(page_request))


def language_context() -> dict[str, Any]:
    return {
        TEMPLATE_TRANSLATIONS_KEY: page_translations(),
        "page_language": language(current_language()),
        "language_switcher_items": language_switcher_items,
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
    _install_template_gettext(app)
    app.before_request(apply_language_choice)
    app.context_processor(language_context)
    app.after_request(insert_fallback_note)
