"""Progress for long commands: count, rate and time left on a terminal, then a summary line."""

from __future__ import annotations

import sys
import time
from types import TracebackType
from typing import TextIO


class Progress:
    """Report progress of a long job; quiet (except the summary) when not on a terminal."""

    def __init__(
        self,
        label: str,
        total: int | None = None,
        *,
        stream: TextIO | None = None,
        interval_seconds: float = 0.5,
    ) -> None:
        self.label = label
        self.total = total
        self.count = 0
        self._stream = stream or sys.stderr
        self._interval = interval_seconds
        self._started = time.monotonic()
        self._last_drawn = 0.0
        self._interactive = bool(getattr(self._stream, "isatty", lambda: False)())

    def advance(self, step: int = 1) -> None:
        self.count += step
        now = time.monotonic()
        if self._interactive and now - self._last_drawn >= self._interval:
            self._last_drawn = now
            self._stream.write("\r" + self.status_line(now) + "\x1b[K")
            self._stream.flush()

    def status_line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self._started, 1e-9)
        rate = self.count / elapsed
        line = f"{self.label}: {self.count:,}"
        if self.total:
            line += f" of {self.total:,}"
        line += f" ({rate:,.0f}/s"
        if self.total and rate > 0 and self.count < self.total:
            line += f", about {_duration((self.total - self.count) / rate)} left"
        return line + ")"

    def finish(self, summary: str) -> None:
        """Clear the live line and print one summary line with the count, rate and time taken."""
        elapsed = time.monotonic() - self._started
        if self._interactive:
            self._stream.write("\r\x1b[K")
        rate = self.count / elapsed if elapsed > 0 else float(self.count)
        self._stream.write(f"{summary} in {_duration(elapsed)} ({rate:,.0f}/s)\n")
        self._stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None and self._interactive:
            self._stream.write("\n")


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m {secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m"
