from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.services import reporting


@pytest.fixture(autouse=True)
def fresh_report_cache() -> Iterator[None]:
    # Reports are cached per data version in the process; each test starts from none.
    reporting.clear_caches()
    yield
    reporting.clear_caches()
