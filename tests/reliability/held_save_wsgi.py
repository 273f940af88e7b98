"""Test-only WSGI entry: the app, with a hook that can hold a page save open before it commits.

It lives under tests/ and is only ever named by a test's gunicorn command line, so it can never
be on in production. While the file ``$FAULT_DIR/hold-next-save`` exists, a worker that has
written a page's answers (the last statement before COMMIT updates the response row) writes its
pid to ``$FAULT_DIR/held`` and waits, so the test can SIGKILL it mid-transaction.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from app import create_app

app = create_app()
FAULT_DIR = Path(os.environ["FAULT_DIR"])


@event.listens_for(Engine, "after_cursor_execute")
def _hold_the_save_open(
    _conn: Any, _cursor: Any, statement: str, *_args: Any, **_kwargs: Any
) -> None:
    words = statement.upper()
    if not (words.lstrip().startswith("UPDATE RESPONSES SET") and "CURRENT_PAGE_ID" in words):
        return
    if not (FAULT_DIR / "hold-next-save").exists():
        return
    (FAULT_DIR / "held").write_text(str(os.getpid()))
    time.sleep(60)  # never reached the COMMIT: the test kills this worker long before
