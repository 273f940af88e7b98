"""Settings the SMS services need, read once from the application's configuration."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from app.sms.keywords import keyword_table
from app.sms.texts import SenderDetails

MAX_REMINDERS = 2  # VOICES practice: one invitation and at most two reminders per round


def parse_reminder_gaps(text: str) -> tuple[timedelta, ...]:
    """'7,14' -> gaps before reminder 1 and 2, in days; raises ValueError when unusable."""
    try:
        days = [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError as problem:
        raise ValueError(f"REMINDER_GAP_DAYS must be days like 7,14, not {text!r}") from problem
    if len(days) > MAX_REMINDERS or any(day < 1 for day in days):
        raise ValueError(f"REMINDER_GAP_DAYS allows at most {MAX_REMINDERS} gaps of 1 day or more")
    return tuple(timedelta(days=day) for day in days)


def parse_languages(text: str) -> tuple[str, ...] | None:
    codes = tuple(code.strip() for code in text.split(",") if code.strip())
    if not codes:
        return None
    table = keyword_table()
    unknown = [code for code in codes if table.language(code) is None]
    if unknown:
        raise ValueError(f"SMS_LANGUAGES has languages without keywords: {', '.join(unknown)}")
    return codes


@dataclass(frozen=True)
class SmsSettings:
    sender: SenderDetails
    public_base_url: str
    languages: tuple[str, ...] | None = None  # the LANG menu; None = the questionnaire's own
    twilio_advanced_opt_out: bool = True
    reminder_gaps: tuple[timedelta, ...] = (timedelta(days=7), timedelta(days=14))
    min_days_after_death: int = 90
    invitation_valid_days: int = 120

    @classmethod
    def from_config(cls, settings: Mapping[str, object]) -> SmsSettings:
        return cls(
            sender=SenderDetails(
                organisation=str(settings.get("SURVEY_ORGANISATION", "")),
                support_name=str(settings.get("SUPPORT_NAME", "")),
                support_phone=str(settings.get("SUPPORT_PHONE", "")),
            ),
            public_base_url=str(settings.get("PUBLIC_BASE_URL", "")).rstrip("/"),
            languages=parse_languages(str(settings.get("SMS_LANGUAGES") or "")),
            twilio_advanced_opt_out=bool(settings.get("TWILIO_ADVANCED_OPT_OUT", True)),
            reminder_gaps=parse_reminder_gaps(str(settings.get("REMINDER_GAP_DAYS", "7,14"))),
            min_days_after_death=int(str(settings.get("INVITATION_MIN_DAYS_AFTER_DEATH", 90))),
            invitation_valid_days=int(str(settings.get("INVITATION_VALID_DAYS", 120))),
        )

    def link(self, token: str) -> str:
        """A carer's personal web link (the survey's /s/<token> route)."""
        return f"{self.public_base_url}/s/{token}"

    def fields(self) -> dict[str, object]:
        """The fields every text may use."""
        return {
            "organisation": self.sender.organisation,
            "support_name": self.sender.support_name,
            "support_phone": self.sender.support_phone,
        }
