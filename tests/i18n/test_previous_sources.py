"""A long previous source (#| msgid) survives writing and reading: translators see it whole."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog

from app.i18n.extraction import render_po
from app.i18n.po_files import read_catalogue

LONG_OLD = (
    'Reply YES to answer %(count)s short "questions" by text, LINK for the web survey, HELP for '
    "help or STOP to stop. This sentence is long enough to be wrapped by any writer."
)


def test_a_long_previous_source_is_written_validly_and_read_back_whole(tmp_path: Path) -> None:
    catalog = Catalog(locale="pl")
    message = catalog.add("The new wording", "Tak", context="sms:intro", flags=["fuzzy"])
    message.previous_id = [LONG_OLD]
    plural = catalog.add(
        ("%(n)s question", "%(n)s questions"), ("a", "b", "c"), context="ctx", flags=["fuzzy"]
    )
    plural.previous_id = [LONG_OLD, "%(n)s old questions"]
    text = render_po(catalog)
    previous_lines = [line for line in text.splitlines() if line.startswith("#|")]
    # Each keyword on one line with one whole quoted string: valid for gettext tools too.
    assert all(line.endswith('"') and line.count(' "') == 1 for line in previous_lines)
    path = tmp_path / "messages.po"
    path.write_text(text, encoding="utf-8")
    back = {m.context: m for m in read_catalogue(path, "pl") if m.id}
    assert back["sms:intro"].previous_id == [LONG_OLD]
    assert back["ctx"].previous_id == [LONG_OLD, "%(n)s old questions"]
