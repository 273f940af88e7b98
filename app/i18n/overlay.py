"""Serve in-app translations: lay the database's servable entries over a language's catalogue.

The catalogue side calls ``overlay(language, base)`` once per lookup of a language's
translations; the merged catalogue is rebuilt only when the overlay's store version, the draft
setting or the base catalogue changes, so a request costs one small query.
"""

from __future__ import annotations

import copy
import gettext
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock
from typing import Any

from babel.messages.plurals import get_plural
from babel.support import NullTranslations, Translations
from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n.states import TranslationState, is_servable
from app.models import TranslationEntry
from app.services.translation_store import store_version

_EXTENSION_KEY = "translation_overlay"


@dataclass
class _Cached:
    version: int
    serve_drafts: bool
    base: NullTranslations
    merged: Translations


@dataclass
class _OverlayCache:
    lock: Lock
    by_language: dict[str, _Cached]


def overlay(language: str, base: NullTranslations) -> Translations:
    """``base`` with approved in-app translations on top (and drafts, if the deployment allows)."""
    from app.extensions import db

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    serve_drafts = bool(app.config.get("TRANSLATIONS_SERVE_DRAFTS", False))
    session = db.session()
    version = store_version(session)
    cache = _cache_for(app)
    with cache.lock:
        cached = cache.by_language.get(language)
        if (
            cached is not None
            and cached.version == version
            and cached.serve_drafts == serve_drafts
            and cached.base is base
        ):
            return cached.merged
    merged = merge(language, base, servable_entries(session, language, serve_drafts))
    with cache.lock:
        cache.by_language[language] = _Cached(version, serve_drafts, base, merged)
    return merged


def _cache_for(app: Flask) -> _OverlayCache:
    # Kept on the app, so a new app (a restart, or the next test) never sees an old database's.
    cache = app.extensions.get(_EXTENSION_KEY)
    if not isinstance(cache, _OverlayCache):
        cache = _OverlayCache(Lock(), {})
        app.extensions[_EXTENSION_KEY] = cache
    return cache


def servable_entries(session: Session, language: str, serve_drafts: bool) -> list[TranslationEntry]:
    wanted = [state.value for state in TranslationState if is_servable(state, serve_drafts)]
    return list(
        session.scalars(
            select(TranslationEntry).where(
                TranslationEntry.language == language, TranslationEntry.state.in_(wanted)
            )
        )
    )


def merge(language: str, base: NullTranslations, entries: list[TranslationEntry]) -> Translations:
    """A copy of ``base`` whose catalogue also holds ``entries`` (which win over the file)."""
    has_catalogue = hasattr(base, "_catalog")
    merged: Any = copy.copy(base) if has_catalogue else _empty(language, base)
    catalog: dict[Any, str] = dict(getattr(base, "_catalog", {}))
    for entry in entries:
        msgid = f"{entry.context}\x04{entry.source}" if entry.context else entry.source
        if entry.source_plural is not None:
            for index, form in enumerate(entry.plural_forms or []):
                if form:
                    catalog[(msgid, index)] = form
        elif entry.translation:
            catalog[msgid] = entry.translation
    merged._catalog = catalog
    if "plural-forms" not in getattr(base, "_info", {}):
        # No header to say how this language counts: use CLDR's rule, not English's.
        merged.plural = _plural_rule(language)
    result: Translations = merged
    return result


def _empty(language: str, fallback: NullTranslations) -> Translations:
    """An empty catalogue with the language's plural rule, when there is no file yet."""
    empty: Any = Translations()
    empty._catalog = {}
    empty.plural = _plural_rule(language)
    empty.add_fallback(fallback)
    result: Translations = empty
    return result


def _plural_rule(language: str) -> Callable[[int], int]:
    try:
        return gettext.c2py(get_plural(language).plural_expr)
    except (ValueError, LookupError):
        return lambda n: int(n != 1)
