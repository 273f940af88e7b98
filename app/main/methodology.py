"""The method note (docs/methodology.md) as HTML, so every report can link to one public page."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import markdown
from markupsafe import Markup

# The note lives with the code it describes; the project root is one level above app/.
METHODOLOGY_FILE = Path(__file__).resolve().parents[2] / "docs" / "methodology.md"


@lru_cache(maxsize=4)
def methodology_html(path: Path = METHODOLOGY_FILE) -> Markup:
    """The note rendered once per process: it changes only with a release."""
    text = path.read_text(encoding="utf-8")
    # The note is written and reviewed in this repository, never by users, so its Markdown is
    # trusted; it carries no inline HTML (a test checks), which keeps the page inside the CSP.
    html = markdown.markdown(text, extensions=["tables", "sane_lists", "toc"], output_format="html")
    return Markup(html)
