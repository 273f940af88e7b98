"""Where the template and .po catalogues live, read with babel and kept until the file changes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

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
    with path.open("rb") as handle:
        # The project's own files: a broken one should fail loudly, not serve half a catalogue.
        catalogue = read_po(handle, abort_invalid=True)
    with _cache_lock:
        _cache[path] = (stamp, catalogue)
    return catalogue
