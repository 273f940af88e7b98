"""Serve in-app translations: lay the database's servable entries over a language's catalogue.

The catalogue side calls ``overlay(language, base)`` once per lookup of a language's
translations; the merged catalogue is rebuilt only when the overlay's store version, the draft
setting or the base catalogue changes. The store version is read at most once a second per
worker, and at once after a save in the same worker, so most pages cost no query at all.
"""

from __future__ import annotations

import copy
import gettext
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock
from time import monotonic
from typing import Any

from babel.messages.plurals import get_plural
from babel.support import NullTranslations, Translations
from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n.states import TranslationState, is_servable
from app.models import TranslationEntry
from app.services.translation_store import local_changes, store_version

_EXTENSION_KEY = "translation_overlay"


@dataclass
class _Cached:
    version: int
    serve_drafts: bool
    base: NullTranslations
    merged: Translations


# How long a worker trusts the store version it last read. Another worker's save shows within
# this; this worker's own saves show at once (translation_store.local_changes).
VERSION_CHECK_SECONDS = 1.0


@dataclass(frozen=True)
class _CheckedVersion:
    version: int
    checked_at: float  # monotonic()
    local_changes: int


@dataclass
class _OverlayCache:
    lock: Lock
    by_language: dict[str, _Cached]
    checked: _CheckedVersion | None = None


def overlay(language: str, base: NullTranslations) -> Translations:
    """``base`` with approved in-app translations on top (and drafts, if the deployment allows)."""
    from app.extensions import db

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    serve_drafts = bool(app.config.get("TRANSLATIONS_SERVE_DRAFTS", False))
    session = db.session()
    cache = _cache_for(app)
    version = _current_version(session, cache)
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


def _current_version(session: Session, cache: _OverlayCache) -> int:
    """The store version, read from the database at most once a second (and after any save here).

    Reading it was a query on every translated page. A save in this process changes
    local_changes, so the next page reads the version again; a save in another worker is
    seen within VERSION_CHECK_SECONDS.
    """
    changes = local_changes()
    now = monotonic()
    checked = cache.checked
    if (
        checked is not None
        and checked.local_changes == changes
        and 0 <= now - checked.checked_at < VERSION_CHECK_SECONDS
    ):
        return checked.version
    version = store_version(session)
    cache.checked = _CheckedVersion(version, now, changes)
    return version


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
