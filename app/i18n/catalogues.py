"""Serving translations: each language's .po file, parsed once, filtered to what may be shown.

``translations_for(language)`` is the one place the app gets its words from. Approved entries
are always served; drafts only when TRANSLATIONS_SERVE_DRAFTS is on; outdated and missing ones
fall back to English, and each fallback is noted so the page can say so in the carer's language.
A changed .po file (a translator's upload, a deploy) is picked up by its modification time.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import NullTranslations, Translations
from flask import current_app, g, has_app_context, has_request_context

from app.i18n.extraction import po_path, template_path
from app.i18n.languages import PSEUDO_LANGUAGE, SOURCE_LANGUAGE, language, normalise_code
from app.i18n.po_files import read_catalogue
from app.i18n.po_states import is_message_servable
from app.i18n.pseudo import pseudo_catalogue

FALLBACK_FLAG = "english_fallback"


def note_english_fallback() -> None:
    """Remember, for this request, that some text fell back to English."""
    if has_request_context():
        setattr(g, FALLBACK_FLAG, True)


def english_fallback_noted() -> bool:
    return has_request_context() and bool(g.get(FALLBACK_FLAG, False))


class EnglishFallback(NullTranslations):
    """The last resort: the English source, noting each use so the page can say so."""

    def __init__(self, on_fallback: Callable[[], None] = note_english_fallback) -> None:
        super().__init__()
        self._on_fallback = on_fallback

    def gettext(self, message: str) -> str:
        if message:
            self._on_fallback()
        return message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        self._on_fallback()
        return msgid1 if n == 1 else msgid2

    def pgettext(self, context: str, message: str) -> str:
        self._on_fallback()
        return message

    def npgettext(self, context: str, singular: str, plural: str, num: int) -> str:
        self._on_fallback()
        return singular if num == 1 else plural

    ugettext = gettext
    ungettext = ngettext
    upgettext = pgettext
    unpgettext = npgettext


@dataclass(frozen=True)
class _Loaded:
    stamp: float
    translations: Translations


_lock = threading.Lock()
_cache: dict[tuple[str, bool, str], _Loaded] = {}


def _catalogue_setting(in_app: bool) -> tuple[str, bool]:
    """Where catalogues are read from, and whether drafts are served."""
    if in_app:
        config = current_app.config
        return str(config["TRANSLATIONS_DIR"]), bool(config.get("TRANSLATIONS_SERVE_DRAFTS", False))
    # Outside the app (a script, a test of the engine) only approved text is served.
    from config import PROJECT_ROOT

    return str(PROJECT_ROOT / "translations"), False


def _compiled(catalog: Catalog, fallback: NullTranslations) -> Translations:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    translations = Translations(fp=buffer)
    translations.add_fallback(fallback)
    return translations


def _servable_only(catalog: Catalog, serve_drafts: bool) -> Catalog:
    for message in catalog:
        if message.id and not is_message_servable(message, serve_drafts=serve_drafts):
            message.string = ("", "") if message.pluralizable else ""
    return catalog


def _load(code: str, root: Path, serve_drafts: bool) -> tuple[Path, Callable[[], Translations]]:
    fallback: NullTranslations = (
        NullTranslations() if code == SOURCE_LANGUAGE else EnglishFallback()
    )
    if code == PSEUDO_LANGUAGE:
        pot = template_path(root)

        def build_pseudo() -> Translations:
            template = read_catalogue(pot)
            return _compiled(pseudo_catalogue(template), fallback)

        return pot, build_pseudo
    path = po_path(root, code)

    def build() -> Translations:
        if not path.exists():
            return _compiled(Catalog(locale="en", fuzzy=False), fallback)
        catalog = read_catalogue(path, language(code).locale)
        return _compiled(_servable_only(catalog, serve_drafts), fallback)

    return path, build


# Where each (language, drafts served, translations folder) is read from and how it is built:
# working that out (paths, closures) cost more than the rest of a page's lookup, and it never
# changes for a key. Only the file's modification time is asked every time (freshness as ever).
_sources: dict[tuple[str, bool, str], tuple[str, Callable[[], Translations]]] = {}


def _source(code: str, serve_drafts: bool, root: str) -> tuple[str, Callable[[], Translations]]:
    key = (code, serve_drafts, root)
    found = _sources.get(key)
    if found is None:
        path, build = _load(code, Path(root), serve_drafts)
        found = (str(path), build)
        with _lock:
            _sources.setdefault(key, found)
    return found


def _stamp(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except FileNotFoundError:
        return -1.0


def translations_for(language_code: str | None) -> Translations:
    """The servable translations for a language, with English (noted) for the rest."""
    code = normalise_code(language_code) or SOURCE_LANGUAGE
    in_app = has_app_context()
    root, serve_drafts = _catalogue_setting(in_app)
    key = (code, serve_drafts, root)
    path, build = _source(code, serve_drafts, root)
    stamp = _stamp(path)
    loaded = _cache.get(key)
    if loaded is None or loaded.stamp != stamp:
        with _lock:
            loaded = _cache.get(key)
            if loaded is None or loaded.stamp != stamp:
                loaded = _Loaded(stamp, build())
                _cache[key] = loaded
    if code in (SOURCE_LANGUAGE, PSEUDO_LANGUAGE) or not in_app:
        return loaded.translations
    return _with_database_overlay(code, loaded.translations)


def _with_database_overlay(code: str, base: Translations) -> Translations:
    """The catalogue with translators' in-app work on top (app/i18n/overlay.py), once a request.

    The overlay asks the database for its store version at most once a second per worker
    (at once after a save in this worker), and a request asks the overlay once per language.
    """
    from app.i18n.overlay import overlay

    if not has_request_context():
        return overlay(code, base)
    memo: dict[tuple[str, int], Translations] = g.setdefault("_translation_overlays", {})
    memo_key = (code, id(base))
    if memo_key not in memo:
        memo[memo_key] = overlay(code, base)
    return memo[memo_key]


def forget_loaded_catalogues() -> None:
    """Drop every parsed catalogue (tests that rewrite .po files within one second use this)."""
    with _lock:
        _cache.clear()
        _sources.clear()
