"""Where a language's catalogue is read from is worked out once, but never serves an old file."""

from __future__ import annotations

import os
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from flask import Flask

from app.i18n.catalogues import translations_for
from app.i18n.extraction import po_path, render_po, template_path


def _write_without_forgetting(directory: Path, heading: str, stamp: float) -> None:
    """A translator's new file as a deploy would leave it: no in-process cache is told."""
    catalog = Catalog(locale="pl")
    catalog["Carer Voices"] = Message("Carer Voices", heading)
    path = po_path(directory, "pl")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_po(catalog), encoding="utf-8")
    os.utime(path, (stamp, stamp))


def test_a_rewritten_catalogue_is_read_again_on_the_next_lookup(
    app: Flask, translations_dir: Path
) -> None:
    app.config["TRANSLATIONS_SERVE_DRAFTS"] = True
    with app.app_context():
        _write_without_forgetting(translations_dir, "Głosy opiekunów", 1_700_000_000)
        assert translations_for("pl").gettext("Carer Voices") == "Głosy opiekunów"
        _write_without_forgetting(translations_dir, "Głosy Opiekunów", 1_700_000_001)
        assert translations_for("pl").gettext("Carer Voices") == "Głosy Opiekunów"


def test_each_translations_folder_serves_its_own_catalogue(
    app: Flask, translations_dir: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other-translations"
    other.mkdir()
    template_path(other).write_bytes(template_path(translations_dir).read_bytes())
    app.config["TRANSLATIONS_SERVE_DRAFTS"] = True
    _write_without_forgetting(translations_dir, "Głosy opiekunów", 1_700_000_000)
    _write_without_forgetting(other, "Inne głosy", 1_700_000_000)
    with app.app_context():
        assert translations_for("pl").gettext("Carer Voices") == "Głosy opiekunów"
        app.config["TRANSLATIONS_DIR"] = str(other)
        assert translations_for("pl").gettext("Carer Voices") == "Inne głosy"
        app.config["TRANSLATIONS_SERVE_DRAFTS"] = False
        # Drafts no longer served: the same file, filtered again, gives English.
        assert translations_for("pl").gettext("Carer Voices") == "Carer Voices"
