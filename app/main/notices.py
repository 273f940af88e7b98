"""The deploying organisation's own statements on the public pages, read from a notices file.

Who the data controller is, the lawful basis, how long answers are kept, the accessibility
status and a postal address belong to the organisation running the survey, not to the code.
They live in a YAML file (config NOTICES_FILE): development and tests use the fictional demo
organisation's file; production refuses to start without its own (config.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

# Every statement the public pages show, and what it is for (used in error messages).
NOTICE_KEYS: Mapping[str, str] = {
    "data_controller": "name and address of the data controller (and any joint controllers)",
    "data_protection_officer": "how to contact the data protection officer",
    "lawful_basis": "the UK GDPR Article 6 basis and Article 9 condition for health data",
    "sharing": "who the anonymised results are shared with; any transfer outside the UK",
    "answer_retention": "how long answers (without names or contact details) are kept",
    "accessibility_status": "compliance with WCAG 2.2 AA, known problems, date of last audit",
    "postal_contact": "a postal address and phone number for people who cannot use email",
}
MAX_LENGTH = 2000


class NoticesFileError(ValueError):
    """The notices file is missing, unreadable or incomplete; the message says how to fix it."""


@dataclass(frozen=True)
class Notices:
    """Each statement in English and in any languages the organisation has translated it into."""

    texts: Mapping[str, Mapping[str, str]]

    def text(self, key: str, language: str) -> tuple[str, str]:
        """The statement in ``language`` if the file has it, else English; and that language."""
        by_language = self.texts[key]
        if language in by_language:
            return by_language[language], language
        return by_language["en"], "en"


def load_notices(path: Path) -> Notices:
    """Read and check the notices file; a problem names the file, the key and what is wanted."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as missing:
        raise NoticesFileError(f"notices file not found: {path}") from missing
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as unreadable:
        raise NoticesFileError(f"notices file {path} cannot be read: {unreadable}") from unreadable
    if not isinstance(raw, dict):
        raise NoticesFileError(f"notices file {path} must be a mapping of statements")
    texts: dict[str, dict[str, str]] = {}
    for key, purpose in NOTICE_KEYS.items():
        value = raw.get(key)
        by_language = {"en": value} if isinstance(value, str) else value
        if not isinstance(by_language, dict) or not str(by_language.get("en") or "").strip():
            raise NoticesFileError(
                f"notices file {path}: '{key}' needs English text ({purpose}), either as text "
                "or as 'en:' with other languages beside it"
            )
        cleaned: dict[str, str] = {}
        for language, text in by_language.items():
            if not isinstance(text, str) or not text.strip() or len(text) > MAX_LENGTH:
                raise NoticesFileError(
                    f"notices file {path}: '{key}' in '{language}' must be text of at most "
                    f"{MAX_LENGTH} characters"
                )
            cleaned[str(language)] = " ".join(text.split())
        texts[key] = cleaned
    unknown = sorted(set(raw) - set(NOTICE_KEYS))
    if unknown:
        raise NoticesFileError(f"notices file {path}: unknown statements {', '.join(unknown)}")
    return Notices(texts)


def register_notices(app: Any) -> None:
    """Load the notices file at start-up (a bad one stops the app, saying why) for the pages."""
    from flask import current_app

    from app.i18n.languages import language
    from app.i18n.web import current_language
    from config import ConfigurationError

    try:
        notices = load_notices(Path(str(app.config["NOTICES_FILE"])))
    except NoticesFileError as problem:
        raise ConfigurationError(str(problem)) from problem
    app.extensions["carer_voices.notices"] = notices

    def deployment_notice(key: str) -> dict[str, str]:
        """The statement in the page's language if the file has it, else English, tagged."""
        loaded: Notices = current_app.extensions["carer_voices.notices"]
        text, code = loaded.text(key, current_language())
        chosen = language(code)
        return {"text": text, "lang": chosen.html_lang, "dir": chosen.direction}

    app.jinja_env.globals["deployment_notice"] = deployment_notice
