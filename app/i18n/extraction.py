"""Building the template catalogue (messages.pot) from templates, Python, questionnaires and SMS."""

from __future__ import annotations

import io
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import write_po

from app.i18n.po_files import repair_previous_sources

PROJECT_NAME = "Carer Voices"
DOMAIN = "messages"
# Flask-Babel's lazy forms, and N_ for texts marked where they are defined (the engine's error
# messages) but translated where they are shown.
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
    "N_": None,
}
COMMENT_TAGS = ("TRANSLATORS:",)
PO_WIDTH = 100


def translations_dir(project_root: Path) -> Path:
    return project_root / "translations"


def template_path(directory: Path) -> Path:
    """The template catalogue in a translations directory."""
    return directory / f"{DOMAIN}.pot"


def po_path(directory: Path, language: str) -> Path:
    """A language's catalogue in a translations directory."""
    return directory / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract_template(project_root: Path) -> Catalog:
    """A fresh template catalogue of every translatable text in the project."""
    config = translations_dir(project_root) / "babel.cfg"
    with config.open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle, str(config))  # type: ignore[no-untyped-call]
    catalog = Catalog(
        project=PROJECT_NAME,
        copyright_holder=PROJECT_NAME,
        msgid_bugs_address="translations@carervoices.invalid",
        fuzzy=False,
    )
    found = extract_from_dir(
        project_root,
        method_map,
        options_map,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
        directory_filter=_skip_tooling,
    )
    for filename, lineno, message, comments, context in found:
        location = Path(filename).as_posix()
        catalog.add(
            message,
            None,
            [(location, lineno)],
            auto_comments=comments,
            context=context,
        )
    return catalog


def _skip_tooling(dirpath: str) -> bool:
    name = Path(dirpath).name
    return not name.startswith((".", "_")) and name not in {"node_modules", "nltk_data"}


def render_po(catalog: Catalog, *, previous: bool = True) -> str:
    """A catalogue as .po text, with previous sources (#| msgid) and obsolete entries kept."""
    buffer = io.BytesIO()
    write_po(
        buffer,
        catalog,
        width=PO_WIDTH,
        include_previous=previous,
        ignore_obsolete=False,
    )
    # Babel wraps a long previous source across #| lines without quotes: write it validly.
    return repair_previous_sources(buffer.getvalue().decode("utf-8"))


_LINE_NUMBER = re.compile(r":\d+(?=\s|$)")


def comparable(po_text: str) -> str:
    """The catalogue text as far as translators are concerned: no creation date, no line numbers.

    Locations keep their files but not their lines, so an edit that only moves code (or a merge
    of branches that did) neither fails the staleness check nor rewrites every catalogue; the
    line numbers are refreshed with the next real change to the texts.
    """
    kept = []
    for line in po_text.splitlines(keepends=True):
        if "POT-Creation-Date:" in line:
            continue
        if line.startswith("#:"):
            line = _LINE_NUMBER.sub("", line)
        kept.append(line)
    return "".join(kept)


def template_is_stale(project_root: Path) -> bool:
    """Whether translations/messages.pot differs from a fresh extraction (dates aside)."""
    path = template_path(translations_dir(project_root))
    if not path.exists():
        return True
    fresh = comparable(render_po(extract_template(project_root)))
    return comparable(path.read_text(encoding="utf-8")) != fresh
