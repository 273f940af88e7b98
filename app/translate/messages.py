"""Kind, translatable wording for the translation services' named errors and import reports."""

from __future__ import annotations

from flask_babel import gettext

from app.i18n.states import PlaceholderMismatch, TranslationState
from app.services.translations import PoFileRejected


def _(text: str, **variables: object) -> str:
    """gettext, typed (the extractor finds these strings by the name ``_``)."""
    return str(gettext(text, **variables))


def state_label(state: TranslationState) -> str:
    labels = {
        TranslationState.MISSING: _("Missing"),
        TranslationState.DRAFT: _("Draft"),
        TranslationState.OUTDATED: _("Outdated"),
        TranslationState.APPROVED: _("Approved"),
    }
    return labels[state]


def placeholder_message(mismatch: PlaceholderMismatch) -> str:
    parts = []
    if mismatch.lacking:
        parts.append(_("it leaves out %(names)s", names=", ".join(mismatch.lacking)))
    if mismatch.unknown:
        parts.append(
            _("it has %(names)s, which the English does not", names=", ".join(mismatch.unknown))
        )
    return _(
        "The placeholders must match the English exactly: %(problems)s.",
        problems="; ".join(parts),
    )


def rejected_file_message(problem: PoFileRejected, language: str, max_kib: int) -> str:
    if problem.reason == "too_large":
        return _(
            "The file is larger than %(size)s KB. Upload one language's catalogue only.",
            size=max_kib,
        )
    if problem.reason == "no_language":
        return _(
            "The file does not say which language it is in. Set the language in your "
            "translation tool (for example Poedit's catalogue properties) and upload it again."
        )
    if problem.reason == "wrong_language":
        return _(
            "The file is for the language %(found)s, but this page is for %(language)s. "
            "Nothing was imported.",
            found=problem.found or "?",
            language=language,
        )
    if problem.line is not None:
        return _(
            "The file could not be read as a .po catalogue (the problem is near line %(line)s). "
            "Nothing was imported.",
            line=problem.line,
        )
    return _(
        "The file could not be read as a .po catalogue. Save it from Poedit or Weblate as a "
        ".po file in UTF-8 and try again. Nothing was imported."
    )
