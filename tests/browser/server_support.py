"""Small helpers for the live_server fixture (kept out of conftest so tests can import them)."""

from __future__ import annotations

import re
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def tail(path: Path, lines: int = 60) -> str:
    """The server log's last lines, leaving out requests for static files."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no server log)"
    kept = [ANSI.sub("", line) for line in text.splitlines() if "GET /static/" not in line]
    return "\n".join(kept[-lines:])


class LiveServer(str):
    """The app's base URL (a str), which also knows where the server's log is."""

    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        return tail(self.log_path, lines)
