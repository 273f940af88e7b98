"""In-app translations: an overlay on the .po catalogues, one row per language and string."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import Base
from app.models.clock import utc_now


class TranslationEntry(Base):
    """A translator's text for one source string in one language, and the state it is in.

    Served instead of the catalogue file's entry for the same (language, context, source).
    Rows are never deleted when the English changes: they become outdated and keep the source
    they were translated from.
    """

    __tablename__ = "translation_entries"
    __table_args__ = (UniqueConstraint("language", "context", "source_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unique constraint below leads with language, so it also serves per-language listing.
    language: Mapped[str] = mapped_column(String(16))
    # msgctxt, "" for interface strings without one (NULLs would not be unique on PostgreSQL).
    context: Mapped[str] = mapped_column(String(255), default="")
    source: Mapped[str] = mapped_column(Text)
    # SHA-256 of the source: long help texts cannot be a unique-index key on every database.
    source_hash: Mapped[str] = mapped_column(String(64))
    source_plural: Mapped[str | None] = mapped_column(Text)
    translation: Mapped[str] = mapped_column(Text, default="")
    # Every plural form, for plural strings only (languages have one to six forms).
    plural_forms: Mapped[list[str] | None] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16))
    # The English this text was translated from, while the entry is outdated.
    previous_source: Mapped[str | None] = mapped_column(Text)
    # Staff e-mail labels, like the audit log, so credit survives a deactivated account.
    translated_by: Mapped[str | None] = mapped_column(String(254))
    translated_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_by: Mapped[str | None] = mapped_column(String(254))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)


class TranslationStoreVersion(Base):
    """One row counting every change to the overlay, so serving caches know when to reload."""

    __tablename__ = "translation_store_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
