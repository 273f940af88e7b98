"""When the outbox may send: the configured rate, quiet hours in UK time, and retry backoff."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

MAX_BACKOFF_SECONDS = 3600.0


def parse_quiet_hours(text: str) -> tuple[clock_time, clock_time] | None:
    """'20:00-09:00' -> (20:00, 09:00); '' or 'none' -> None. Raises ValueError otherwise."""
    cleaned = text.strip().lower()
    if cleaned in ("", "none", "off"):
        return None
    try:
        start_text, end_text = cleaned.split("-")
        start = clock_time.fromisoformat(start_text.strip())
        end = clock_time.fromisoformat(end_text.strip())
    except ValueError as problem:
        raise ValueError(f"SMS_QUIET_HOURS must look like 20:00-09:00, not {text!r}") from problem
    if start == end:
        raise ValueError("SMS_QUIET_HOURS must start and end at different times")
    return start, end


@dataclass(frozen=True)
class OutboxSettings:
    rate_per_second: float = 1.0
    burst: int = 1
    quiet_hours: tuple[clock_time, clock_time] | None = None
    timezone: str = "Europe/London"
    max_attempts: int = 6
    retry_base_seconds: float = 30.0
    stale_seconds: float = 120.0
    status_callback_base: str | None = None  # PUBLIC_BASE_URL; None sends no StatusCallback

    @classmethod
    def from_config(cls, settings: Mapping[str, object]) -> OutboxSettings:
        base = str(settings.get("PUBLIC_BASE_URL") or "").rstrip("/")
        return cls(
            rate_per_second=float(str(settings.get("SMS_RATE_PER_SECOND", 1.0))),
            burst=max(1, int(str(settings.get("SMS_RATE_BURST", 1)))),
            quiet_hours=parse_quiet_hours(str(settings.get("SMS_QUIET_HOURS") or "")),
            timezone=str(settings.get("SMS_TIMEZONE") or "Europe/London"),
            max_attempts=int(str(settings.get("SMS_MAX_ATTEMPTS", 6))),
            retry_base_seconds=float(str(settings.get("SMS_RETRY_BASE_SECONDS", 30))),
            stale_seconds=float(str(settings.get("SMS_SENDING_STALE_SECONDS", 120))),
            status_callback_base=base or None,
        )

    def backoff(self, attempts: int) -> timedelta:
        seconds = self.retry_base_seconds * (2 ** max(attempts - 1, 0))
        return timedelta(seconds=min(seconds, MAX_BACKOFF_SECONDS))


def quiet_until(now: datetime, settings: OutboxSettings) -> datetime | None:
    """When quiet hours (UK time) end, as naive UTC, if ``now`` (naive UTC) is inside them."""
    if settings.quiet_hours is None:
        return None
    zone = ZoneInfo(settings.timezone)
    local = now.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone)
    start, end = settings.quiet_hours
    here = local.time()
    inside = (start <= here or here < end) if start > end else (start <= here < end)
    if not inside:
        return None
    end_day = local.date() if here < end else local.date() + timedelta(days=1)
    ends = datetime.combine(end_day, end, tzinfo=zone)
    return ends.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)
