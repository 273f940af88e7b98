"""Page chrome (head links, header, support box, footer) rendered once per language and catalogue.

Every page repeats the same header, footer and bereavement-support box: ~20 translated texts,
a dozen links and two NHS.UK components, which cost about half of a question page's render.
Their output depends only on the page's translations (one object per language and catalogue
version: a translator's save or a new .po file makes a new one), the configuration and where
the app is mounted, so each fragment is rendered once per translations object and reused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from threading import Lock
from typing import Any
from weakref import WeakKeyDictionary

from flask import g, has_request_context, request
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from app.i18n.catalogues import FALLBACK_FLAG
from app.i18n.web import TEMPLATE_TRANSLATIONS_KEY

# Fragments are few, but the language switcher's links keep a page's other query arguments
# (?return_to=check): a bound, so odd addresses cannot grow the cache without end.
MAX_FRAGMENTS_PER_CATALOGUE = 256


@dataclass(frozen=True)
class Fragment:
    html: Markup
    # Whether rendering it fell back to English for some text: replayed on every reuse, so a
    # page built from cached chrome still says "Some of this page is shown in English".
    fell_back_to_english: bool


class PageChrome:
    """`chrome("page_chrome/header.html")` in a template: the fragment, rendered once, reused."""

    def __init__(self, environment: Environment) -> None:
        self._environment = environment
        self._lock = Lock()
        # Keyed weakly by the translations object, so an outdated catalogue's fragments go
        # with it, and a new catalogue (a translator's save) can never be served old text.
        self._fragments: WeakKeyDictionary[Any, dict[tuple[str, ...], Fragment]] = (
            WeakKeyDictionary()
        )

    def template_global(self) -> Any:
        @pass_context
        def chrome(context: Context, name: str, **values: str) -> Markup:
            return self.render(context, name, values)

        return chrome

    def render(self, context: Context, name: str, values: dict[str, str]) -> Markup:
        """The fragment for this page's language; ``values`` (strings) are part of the key."""
        translations = context.get(TEMPLATE_TRANSLATIONS_KEY)
        # In debug the templates reload when edited: then render afresh every time.
        if translations is None or self._environment.auto_reload:
            return render_fragment(self._environment, context, name, values).html
        page_language = context.get("page_language")
        code = str(getattr(page_language, "code", ""))
        # Flask puts the request itself in every template's context: reading it there spares
        # a look-up through the `request` proxy for each of a page's five fragments.
        page_request = context.get("request")
        if page_request is None and has_request_context():
            page_request = request._get_current_object()  # type: ignore[attr-defined]
        mount = page_request.script_root if page_request is not None else ""
        key = (name, code, mount, *(f"{k}={v}" for k, v in sorted(values.items())))
        with self._lock:
            fragment = self._fragments.get(translations, {}).get(key)
        if fragment is None:
            fragment = render_fragment(self._environment, context, name, values)
            with self._lock:
                by_key = self._fragments.setdefault(translations, {})
                if len(by_key) >= MAX_FRAGMENTS_PER_CATALOGUE:
                    by_key.clear()
                by_key[key] = fragment
        elif fragment.fell_back_to_english and has_request_context():
            setattr(g, FALLBACK_FLAG, True)
        return fragment.html


def render_fragment(
    environment: Environment, context: Context, name: str, values: Mapping[str, object]
) -> Fragment:
    """Render a template with the page's context, noting whether it fell back to English."""
    template = environment.get_template(name)
    variables = {**context.get_all(), **values}
    if not has_request_context():
        return Fragment(Markup(template.render(variables)), False)
    # Find out whether this fragment alone fell back to English, then keep the page's flag.
    noted_before = bool(getattr(g, FALLBACK_FLAG, False))
    setattr(g, FALLBACK_FLAG, False)
    try:
        html = template.render(variables)
        fell_back = bool(getattr(g, FALLBACK_FLAG, False))
    finally:
        setattr(g, FALLBACK_FLAG, noted_before or bool(getattr(g, FALLBACK_FLAG, False)))
    return Fragment(Markup(html), fell_back)
