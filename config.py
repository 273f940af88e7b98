"""Configuration classes: values come from the environment; production demands its secrets."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent


SMS_SECRET_SETTINGS = (
    "CONTACT_ENCRYPTION_KEY",
    "SMS_BACKEND",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_FROM_NUMBER",
    "TWILIO_MESSAGING_SERVICE_SID",
)


class ConfigurationError(RuntimeError):
    """Raised when a configuration cannot safely start the application."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings shared by every environment; subclasses change what differs."""

    ENV_NAME = "base"
    # Development default only: production refuses to start with it (see ProductionConfig.check).
    SECRET_KEY = "dev-only-not-secret"
    SQLALCHEMY_DATABASE_URI = f"sqlite:///{PROJECT_ROOT / 'instance' / 'carer-voices.db'}"
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # hide_parameters: a database error's message must never carry an answer or a phone number.
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {"pool_pre_ping": True, "hide_parameters": True}
    QUESTIONNAIRES_DIR = str(PROJECT_ROOT / "questionnaires")
    DEFAULT_QUESTIONNAIRE = "voices-core"
    # gettext catalogues (docs/translations.md): UI, questionnaire and SMS texts in one.
    TRANSLATIONS_DIR = os.environ.get("TRANSLATIONS_DIR", str(PROJECT_ROOT / "translations"))
    # Drafts (translated, not yet approved by a community reviewer) are shown outside
    # production; production shows only approved text unless this is set (English otherwise).
    TRANSLATIONS_SERVE_DRAFTS = _env_bool("TRANSLATIONS_SERVE_DRAFTS", True)
    # ?lang=en_XA shows every text transformed, to find text that skips the catalogues.
    PSEUDO_LOCALE_ENABLED = _env_bool("PSEUDO_LOCALE_ENABLED", True)
    SQLITE_BUSY_TIMEOUT_MS = 15_000

    # Sessions: families share computers, so cookies never outlive the browser and stay first-party.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 30
    # Re-signing an unchanged cookie on every page costs ~6% of a question page; the cookie
    # is rewritten whenever its content changes anyway.
    SESSION_REFRESH_EACH_REQUEST = False
    # A grieving carer may leave a page open for hours; the session binds the token instead.
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    # Reports (docs/reports.md): the last published national VOICES figures, shown as context
    # (a missing file only leaves that column out), and how many built reports to keep.
    VOICES_REFERENCE_CSV = os.environ.get(
        "VOICES_REFERENCE_CSV",
        str(PROJECT_ROOT.parent / "shared" / "voices" / "national-reference.csv"),
    )
    REPORT_CACHE_ENTRIES = _env_int("REPORT_CACHE_ENTRIES", 64)
    # A web download whose scope has at least this many submitted responses is queued for
    # `flask reports worker` (kept in REPORTS_DIR) instead of being built in the request.
    REPORT_QUEUE_MIN_RESPONSES = _env_int("REPORT_QUEUE_MIN_RESPONSES", 20_000)
    REPORTS_DIR = os.environ.get("REPORTS_DIR", str(PROJECT_ROOT / "instance" / "reports"))
    # A build still unfinished after this long was left by a worker that died: built again.
    REPORT_BUILD_LEASE_SECONDS = _env_int("REPORT_BUILD_LEASE_SECONDS", 900)
    # A built file names no person but holds an area's figures as they were: it is deleted this
    # many days after it was built (or as soon as a newer build of the same report replaces it).
    REPORT_FILES_KEEP_DAYS = _env_int("REPORT_FILES_KEEP_DAYS", 7)

    # Who is asking, and where to get help: shown on every survey page.
    SURVEY_ORGANISATION = os.environ.get("SURVEY_ORGANISATION", "your local NHS and council")
    SUPPORT_PHONE = os.environ.get("SUPPORT_PHONE", "0800 634 9488")
    SUPPORT_NAME = os.environ.get("SUPPORT_NAME", "Cruse Bereavement Support")
    SUPPORT_URL = os.environ.get("SUPPORT_URL", "https://www.cruse.org.uk")
    SURVEY_CONTACT_EMAIL = os.environ.get("SURVEY_CONTACT_EMAIL", "survey@example.nhs.uk")

    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    INVITATION_VALID_DAYS = _env_int("INVITATION_VALID_DAYS", 120)

    # Contact details are encrypted at rest (Fernet); None derives a key from SECRET_KEY,
    # which only development and tests accept (see ProductionConfig.check).
    CONTACT_ENCRYPTION_KEY: str | None = os.environ.get("CONTACT_ENCRYPTION_KEY") or None
    # VOICES posted 4-11 months after a death; never contact anyone sooner than this.
    INVITATION_MIN_DAYS_AFTER_DEATH = _env_int("INVITATION_MIN_DAYS_AFTER_DEATH", 90)
    # At most two reminders, each this many days after the previous message reached Twilio.
    REMINDER_GAP_DAYS = os.environ.get("REMINDER_GAP_DAYS", "7,14")

    # SMS (docs/sms.md): "console" prints messages (development); "twilio" sends them.
    SMS_BACKEND = os.environ.get("SMS_BACKEND", "console")
    TWILIO_ACCOUNT_SID = os.environ.get("TWILIO_ACCOUNT_SID", "")
    TWILIO_AUTH_TOKEN = os.environ.get("TWILIO_AUTH_TOKEN", "")
    TWILIO_FROM_NUMBER = os.environ.get("TWILIO_FROM_NUMBER", "")
    TWILIO_MESSAGING_SERVICE_SID = os.environ.get("TWILIO_MESSAGING_SERVICE_SID", "")
    # Only tests and local trials point the real client at a fake API; empty means Twilio.
    TWILIO_API_BASE_URL = os.environ.get("TWILIO_API_BASE_URL", "")
    # Twilio confirms its own single-word STOP/START itself; we stay silent for those words.
    TWILIO_ADVANCED_OPT_OUT = _env_bool("TWILIO_ADVANCED_OPT_OUT", True)
    # A UK long code sends about one message a second; a Messaging Service pools numbers.
    SMS_RATE_PER_SECOND = float(os.environ.get("SMS_RATE_PER_SECOND") or 1.0)
    SMS_RATE_BURST = _env_int("SMS_RATE_BURST", 1)
    SMS_QUIET_HOURS = os.environ.get("SMS_QUIET_HOURS", "20:00-09:00")
    SMS_TIMEZONE = "Europe/London"
    SMS_MAX_ATTEMPTS = _env_int("SMS_MAX_ATTEMPTS", 6)
    SMS_RETRY_BASE_SECONDS = _env_int("SMS_RETRY_BASE_SECONDS", 30)
    SMS_TWILIO_TIMEOUT_SECONDS = _env_int("SMS_TWILIO_TIMEOUT_SECONDS", 10)
    # A row left in "sending" this long belonged to a worker that died: reconcile it.
    SMS_SENDING_STALE_SECONDS = _env_int("SMS_SENDING_STALE_SECONDS", 120)
    SMS_WORKER_POLL_SECONDS = _env_int("SMS_WORKER_POLL_SECONDS", 5)
    # Languages offered by the LANG menu; empty means the questionnaire's own languages.
    SMS_LANGUAGES = os.environ.get("SMS_LANGUAGES", "")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    # The organisation's own statements on the privacy, accessibility and contact pages
    # (app/main/notices.py); the demo file describes a fictional organisation.
    NOTICES_FILE = os.environ.get(
        "NOTICES_FILE", str(PROJECT_ROOT / "app" / "data" / "notices.demo.yaml")
    )

    # Translator uploads (docs/translation-review.md): a whole language's catalogue is well
    # under this; larger uploads get 413 before parsing.
    TRANSLATION_UPLOAD_MAX_BYTES = _env_int("TRANSLATION_UPLOAD_MAX_BYTES", 1024 * 1024)

    # Staff accounts and data protection (docs/security.md).
    STAFF_IDLE_TIMEOUT_MINUTES = _env_int("STAFF_IDLE_TIMEOUT_MINUTES", 30)
    STAFF_SESSION_MAX_HOURS = _env_int("STAFF_SESSION_MAX_HOURS", 12)
    STAFF_INVITATION_VALID_HOURS = _env_int("STAFF_INVITATION_VALID_HOURS", 72)
    PASSWORD_RESET_VALID_HOURS = _env_int("PASSWORD_RESET_VALID_HOURS", 24)
    # Failed sign-ins allowed per minute, per account and per address; the next one gets 429.
    LOGIN_FAILURE_LIMIT = os.environ.get("LOGIN_FAILURE_LIMIT", "5 per minute")
    # Rate-limit counters: in memory for one process; production sets a redis:// URL.
    RATELIMIT_STORAGE_URI = "memory://"
    # A moving window counts the last 60 seconds at every attempt. The default fixed window
    # restarts its count a minute after the first failure, which let 9 guesses through in
    # 12 seconds across the restart; "the 6th failure within 60 s" must hold at any moment.
    RATELIMIT_STRATEGY = "moving-window"
    # Contact details and message texts are deleted this many days after the round closes.
    RETENTION_DAYS_AFTER_CLOSE = _env_int("RETENTION_DAYS_AFTER_CLOSE", 90)
    # How many proxies in front of the app set each X-Forwarded-* header (0: trust none).
    PROXY_FIX_X_FOR = _env_int("PROXY_FIX_X_FOR", 0)
    PROXY_FIX_X_PROTO = _env_int("PROXY_FIX_X_PROTO", 0)
    PROXY_FIX_X_HOST = _env_int("PROXY_FIX_X_HOST", 0)

    @classmethod
    def from_environment(cls) -> dict[str, object]:
        """Values that the environment overrides in every configuration."""
        overrides: dict[str, object] = {}
        if os.environ.get("DATABASE_URL"):
            url = normalise_database_url(os.environ["DATABASE_URL"])
            overrides["SQLALCHEMY_DATABASE_URI"] = url
        if os.environ.get("SECRET_KEY"):
            overrides["SECRET_KEY"] = os.environ["SECRET_KEY"]
        if os.environ.get("SESSION_COOKIE_SECURE"):
            overrides["SESSION_COOKIE_SECURE"] = _env_bool("SESSION_COOKIE_SECURE", False)
        if os.environ.get("RATELIMIT_STORAGE_URI"):
            # May carry a Redis password, so it is read when the app is made, like the secrets.
            overrides["RATELIMIT_STORAGE_URI"] = os.environ["RATELIMIT_STORAGE_URI"]
        # Secrets and the SMS backend are read when the app is made, not when config is imported.
        for name in SMS_SECRET_SETTINGS:
            if os.environ.get(name):
                overrides[name] = os.environ[name]
        return overrides

    @classmethod
    def check(cls, settings: dict[str, object]) -> None:
        """Refuse to start with unsafe settings; the base class accepts development defaults."""
        from app.sms.transport import check_sms_settings

        try:
            check_sms_settings(settings)
        except ValueError as problem:
            raise ConfigurationError(str(problem)) from problem


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-only-not-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite:///:memory:"
    SQLITE_BUSY_TIMEOUT_MS = 5_000
    # Cheap argon2 parameters so the suite can create and sign in hundreds of staff quickly.
    PASSWORD_HASH_FAST = True


class ProductionConfig(Config):
    ENV_NAME = "production"
    TRANSLATIONS_SERVE_DRAFTS = _env_bool("TRANSLATIONS_SERVE_DRAFTS", False)
    PSEUDO_LOCALE_ENABLED = _env_bool("PSEUDO_LOCALE_ENABLED", False)
    SMS_BACKEND = os.environ.get("SMS_BACKEND", "twilio")
    SESSION_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14

    @classmethod
    def check(cls, settings: dict[str, object]) -> None:
        required = ("SECRET_KEY", "DATABASE_URL", "NOTICES_FILE")
        missing = [name for name in required if not os.environ.get(name)]
        if missing:
            raise ConfigurationError(
                "Production needs these environment variables set: " + ", ".join(missing)
            )
        if len(str(settings.get("SECRET_KEY", ""))) < 32:
            raise ConfigurationError("SECRET_KEY must be at least 32 characters in production")
        from app.services.encryption import check_encryption_key
        from app.sms.transport import check_sms_settings

        if not settings.get("CONTACT_ENCRYPTION_KEY"):
            raise ConfigurationError(
                "Production needs CONTACT_ENCRYPTION_KEY (a Fernet key: python -c 'from "
                "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
            )
        if settings.get("SMS_BACKEND") == "console":
            raise ConfigurationError("SMS_BACKEND=console is for development; use twilio")
        try:
            check_encryption_key(str(settings["CONTACT_ENCRYPTION_KEY"]))
            check_sms_settings(settings)
        except ValueError as problem:
            raise ConfigurationError(str(problem)) from problem


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_class(name: str | None = None) -> type[Config]:
    """The configuration named, or by CARER_VOICES_ENV, defaulting to development."""
    chosen = name or os.environ.get("CARER_VOICES_ENV", "development")
    try:
        return CONFIGS[chosen]
    except KeyError as exc:
        raise ConfigurationError(
            f"Unknown configuration {chosen!r}; choose one of {', '.join(CONFIGS)}"
        ) from exc


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for PostgreSQL URLs written the common way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
