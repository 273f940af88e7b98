"""Configuration classes; every value can come from the environment, production demands its secrets."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent


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
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {"pool_pre_ping": True}
    QUESTIONNAIRES_DIR = str(PROJECT_ROOT / "questionnaires")
    DEFAULT_QUESTIONNAIRE = "voices-core"
    SQLITE_BUSY_TIMEOUT_MS = 15_000

    # Sessions: families share computers, so cookies never outlive the browser and stay first-party.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 30
    # Re-signing an unchanged cookie on every page costs ~6% of a question page; the cookie
    # is rewritten whenever its content changes anyway.
    SESSION_REFRESH_EACH_REQUEST = False
    WTF_CSRF_TIME_LIMIT = None  # a grieving carer may leave a page open for hours; the session binds it
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024

    # Who is asking, and where to get help: shown on every survey page.
    SURVEY_ORGANISATION = os.environ.get("SURVEY_ORGANISATION", "your local NHS and council")
    SUPPORT_PHONE = os.environ.get("SUPPORT_PHONE", "0800 634 9488")
    SUPPORT_NAME = os.environ.get("SUPPORT_NAME", "Cruse Bereavement Support")
    SUPPORT_URL = os.environ.get("SUPPORT_URL", "https://www.cruse.org.uk")
    SURVEY_CONTACT_EMAIL = os.environ.get("SURVEY_CONTACT_EMAIL", "survey@example.nhs.uk")

    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    INVITATION_VALID_DAYS = _env_int("INVITATION_VALID_DAYS", 120)
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

    @classmethod
    def from_environment(cls) -> dict[str, object]:
        """Values that the environment overrides in every configuration."""
        overrides: dict[str, object] = {}
        if os.environ.get("DATABASE_URL"):
            overrides["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
        if os.environ.get("SECRET_KEY"):
            overrides["SECRET_KEY"] = os.environ["SECRET_KEY"]
        if os.environ.get("SESSION_COOKIE_SECURE"):
            overrides["SESSION_COOKIE_SECURE"] = _env_bool("SESSION_COOKIE_SECURE", False)
        return overrides

    @classmethod
    def check(cls, settings: dict[str, object]) -> None:
        """Refuse to start with unsafe settings; the base class accepts development defaults."""


class DevelopmentConfig(Config):
    ENV_NAME = "development"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "test-only-not-secret"
    SQLALCHEMY_DATABASE_URI = "sqlite:///:memory:"
    SQLITE_BUSY_TIMEOUT_MS = 5_000


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 24 * 14

    @classmethod
    def check(cls, settings: dict[str, object]) -> None:
        missing = [name for name in ("SECRET_KEY", "DATABASE_URL") if not os.environ.get(name)]
        if missing:
            raise ConfigurationError(
                "Production needs these environment variables set: " + ", ".join(missing)
            )
        if len(str(settings.get("SECRET_KEY", ""))) < 32:
            raise ConfigurationError("SECRET_KEY must be at least 32 characters in production")


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
