"""Where the catalogues live, and reading .po files with the previous source (``#| msgid``) kept.

An outdated entry shows translators the source it was translated from; Babel writes that as
``#| msgid "..."`` but reads it back as a stray user comment, so a second update would lose it
(and write it out mangled). This reader keeps it as ``previous_id`` instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from threading import Lock
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileParser, denormalize


class _PreviousAwareParser(PoFileParser):
    def _reset_message_state(self) -> None:
        super()._reset_message_state()
        self.previous: list[list[str]] = []

    def _process_comment(self, line: str) -> None:
        if not line.startswith("#|"):
            super()._process_comment(line)
            return
        self._finish_current_message()
        body = line[2:].strip()
        if body.startswith("msgctxt "):
            return  # our contexts never change; an old context is not worth keeping
        if body.startswith(("msgid ", "msgid_plural ")):
            self.previous.append([body.split(" ", 1)[1]])
        elif body.startswith('"') and self.previous:
            self.previous[-1].append(body)

    def _add_message(self) -> None:
        previous = [denormalize("\n".join(parts)) for parts in self.previous]
        msgid: Any = (
            tuple(m.denormalize() for m in self.messages)
            if len(self.messages) > 1
            else self.messages[0].denormalize()
        )
        context = self.context.denormalize() if self.context else None
        obsolete = self.obsolete
        super()._add_message()
        if not previous:
            return
        key = self.catalog._key_for(msgid, context)  # noqa: SLF001
        message = (
            self.catalog.obsolete.get(key) if obsolete else self.catalog._messages.get(key)  # noqa: SLF001
        )
        if message is not None:
            message.previous_id = previous


def read_catalogue(path: Path, locale: str | None = None) -> Catalog:
    """A .po or .pot file as a Babel catalogue, previous sources included."""
    catalog = Catalog(locale=locale)
    parser = _PreviousAwareParser(catalog)
    with path.open("rb") as handle:
        parser.parse(handle)
    return catalog


TEMPLATE_NAME = "messages.pot"
DOMAIN_FILE = "messages.po"

_cache: dict[Path, tuple[tuple[int, int], Catalog]] = {}
_cache_lock = Lock()


@dataclass(frozen=True)
class CatalogueFiles:
    """The translations/ folder: messages.pot and <lang>/LC_MESSAGES/messages.po."""

    root: Path

    @property
    def template_path(self) -> Path:
        return self.root / TEMPLATE_NAME

    def po_path(self, language: str) -> Path:
        return self.root / language / "LC_MESSAGES" / DOMAIN_FILE

    def template(self) -> Catalog:
        """Every source string; an empty template before anything has been extracted."""
        return _read_cached(self.template_path) or Catalog(fuzzy=False)

    def catalogue(self, language: str) -> Catalog | None:
        return _read_cached(self.po_path(language))


def _read_cached(path: Path) -> Catalog | None:
    """The parsed file, re-read only when its size or modification time changes.

    Callers must not change the catalogue they get: it is shared with every other caller.
    """
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    stamp = (status.st_mtime_ns, status.st_size)
    with _cache_lock:
        cached = _cache.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
    catalogue = read_catalogue(path)
    with _cache_lock:
        _cache[path] = (stamp, catalogue)
    return catalogue


_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')


def repair_previous_sources(po_text: str) -> str:
    """Rewrite each ``#|`` block as valid PO: one keyword line with one quoted string each.

    Babel's writer wraps a previous source like a comment, breaking a quoted string across
    ``#|`` lines without quotes, which gettext tools (and a second read) cannot follow.
    Joining a block's lines with the space the wrapping removed restores the text exactly.
    """
    out: list[str] = []
    block: list[str] = []

    def flush() -> None:
        if not block:
            return
        joined = " ".join(line[2:].strip() for line in block)
        parts = re.split(r"(?:^|\s)(msgctxt|msgid_plural|msgid)\s+(?=\")", joined)
        # parts: ['', keyword, strings, keyword, strings, ...]
        for keyword, strings in zip(parts[1::2], parts[2::2], strict=False):
            text = "".join(_QUOTED.findall(strings))
            out.append(f'#| {keyword} "{text}"')
        block.clear()

    for line in po_text.split("\n"):
        if line.startswith("#|"):
            block.append(line)
            continue
        flush()
        out.append(line)
    flush()
    return "\n".join(out)
