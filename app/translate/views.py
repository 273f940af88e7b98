"""Thin views over the translation services; a language outside the user's scope is a 404."""

from __future__ import annotations

from pathlib import Path

from babel.messages.plurals import get_plural
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from app.access.permissions import Permission, Scope
from app.access.routes import require_scope, requires
from app.extensions import db
from app.i18n.po_files import CatalogueFiles
from app.i18n.review_languages import (
    TARGET_LANGUAGES,
    html_lang,
    is_target_language,
    text_direction,
)
from app.i18n.states import TranslationState, placeholders_as_written
from app.services import translations
from app.services.audit import Actor, AuditAction, record_event
from app.translate import bp
from app.translate.messages import placeholder_message, rejected_file_message, state_label

PAGE_SIZE = 50
PageResult = str | WerkzeugResponse | tuple[str, int]


def _actor() -> Actor:
    return Actor(current_user.user_id, current_user.email)


def _files() -> CatalogueFiles:
    return CatalogueFiles(Path(str(current_app.config["TRANSLATIONS_DIR"])))


def _language_or_404(language: str) -> str:
    """The language, if it is one we translate into and the user may work on it."""
    if not is_target_language(language):
        abort(404)
    require_scope(Permission.EDIT_TRANSLATIONS, language_scope(language))
    return language


def language_scope(language: str) -> Scope:
    # Role assignments store the registry's code (app/services/accounts.py): zh_Hans as is.
    return Scope(language=language)


def _my_languages() -> list[str]:
    return [
        code
        for code in TARGET_LANGUAGES
        if current_user.can(Permission.EDIT_TRANSLATIONS, language_scope(code))
    ]


def _language_context(language: str) -> dict[str, object]:
    return {
        "language": language,
        "text_lang": html_lang(language),
        "text_dir": text_direction(language),
        "state_label": state_label,
    }


@bp.get("")
@requires(Permission.EDIT_TRANSLATIONS)
def languages() -> PageResult:
    mine = _my_languages()
    if len(mine) == 1:
        return redirect(url_for("translate.strings", language=mine[0]))
    session = db.session()
    rows = [translations.counts(session, _files(), code) for code in mine]
    return render_template("translate/languages.html", rows=rows)


@bp.get("/<language>")
@requires(Permission.EDIT_TRANSLATIONS)
def strings(language: str) -> PageResult:
    language = _language_or_404(language)
    state_filter = _state_filter(request.args.get("state", ""))
    kind_filter = _kind_filter(request.args.get("kind", ""))
    search = request.args.get("q", "")[:200]
    page = max(1, request.args.get("page", 1, type=int) or 1)
    session = db.session()
    found = translations.list_entries(
        session, _files(), language, state=state_filter, search=search, kind=kind_filter
    )
    shown = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return render_template(
        "translate/strings.html",
        entries=shown,
        total_found=len(found),
        page=page,
        has_next=page * PAGE_SIZE < len(found),
        counts=translations.counts(session, _files(), language),
        state_value=state_filter.value if state_filter else "",
        kind_value=kind_filter.value if kind_filter else "",
        search=search,
        states=list(TranslationState),
        **_language_context(language),
    )


def _state_filter(raw: str) -> TranslationState | None:
    try:
        return TranslationState(raw) if raw else None
    except ValueError:
        return None


def _kind_filter(raw: str) -> translations.StringKind | None:
    try:
        return translations.StringKind(raw) if raw else None
    except ValueError:
        return None


def _entry_or_404(language: str, key: str) -> translations.EntryView:
    try:
        return translations.find_entry(db.session(), _files(), language, key[:64])
    except translations.EntryNotFound:
        abort(404)


def _plural_count(language: str) -> int:
    try:
        return int(get_plural(language).num_plurals)
    except (ValueError, LookupError):
        return 2


@bp.route("/<language>/strings/<key>", methods=["GET", "POST"])
@requires(Permission.EDIT_TRANSLATIONS)
def entry(language: str, key: str) -> PageResult:
    language = _language_or_404(language)
    current = _entry_or_404(language, key)
    forms_needed = _plural_count(language) if current.record.is_plural else 1
    error: str | None = None
    values = list(current.record.translation) + [""] * forms_needed
    values = values[:forms_needed]
    if request.method == "POST":
        values = [request.form.get(f"form_{index}", "")[:5000] for index in range(forms_needed)]
        try:
            translations.edit_entry(db.session(), _files(), language, key, values, _actor())
        except translations.PlaceholdersDoNotMatch as problem:
            error = placeholder_message(problem.mismatch)
        except translations.EntryNotFound:
            abort(404)
        else:
            flash(_("Saved as a draft."))
            return redirect(url_for("translate.entry", language=language, key=key))
    return (
        render_template(
            "translate/entry.html",
            entry=current,
            values=values,
            placeholders=placeholders_as_written(
                current.record.source, current.record.source_plural or ""
            ),
            error=error,
            **_language_context(language),
        ),
        400 if error else 200,
    )


@bp.post("/<language>/strings/<key>/approve")
@requires(Permission.EDIT_TRANSLATIONS)
def approve(language: str, key: str) -> PageResult:
    language = _language_or_404(language)
    try:
        translations.approve_entry(db.session(), _files(), language, key[:64], _actor())
    except translations.EntryNotFound:
        abort(404)
    except translations.NothingToApprove:
        flash(_("There is no translation to approve yet. Write one and save it first."))
    except translations.OutdatedCannotBeApproved:
        flash(
            _(
                "The English changed since this was translated. "
                "Check and save the translation, then approve it."
            )
        )
    else:
        flash(_("Approved. Carers will now see this translation."))
    return redirect(url_for("translate.entry", language=language, key=key))


@bp.post("/<language>/strings/<key>/revert")
@requires(Permission.EDIT_TRANSLATIONS)
def revert(language: str, key: str) -> PageResult:
    language = _language_or_404(language)
    try:
        translations.revert_entry(db.session(), _files(), language, key[:64], _actor())
    except translations.EntryNotFound:
        abort(404)
    flash(_("The change made in this app was undone; the catalogue file's text is current again."))
    return redirect(url_for("translate.entry", language=language, key=key))


@bp.get("/<language>/messages.po")
@requires(Permission.EDIT_TRANSLATIONS)
def download(language: str) -> WerkzeugResponse:
    language = _language_or_404(language)
    data = translations.export_po(db.session(), _files(), language)
    record_event(
        db.session(),
        _actor(),
        AuditAction.TRANSLATION_EXPORT,
        scope=Scope(language=language),
        detail={"bytes": len(data)},
    )
    response = current_app.response_class(data, mimetype="text/x-gettext-translation")
    response.headers["Content-Disposition"] = f'attachment; filename="messages-{language}.po"'
    return response


@bp.route("/<language>/upload", methods=["GET", "POST"])
@requires(Permission.EDIT_TRANSLATIONS)
def upload(language: str) -> PageResult:
    language = _language_or_404(language)
    limit = int(current_app.config["TRANSLATION_UPLOAD_MAX_BYTES"])
    error: str | None = None
    if request.method == "POST":
        # Refuse an oversized body before reading it (the form's own fields are tiny).
        if request.content_length is not None and request.content_length > limit + 64 * 1024:
            abort(413)
        upload_file = request.files.get("po_file")
        data = upload_file.read(limit + 1) if upload_file else b""
        if not data:
            error = _("Choose a .po file to upload.")
        else:
            try:
                report = translations.import_po(
                    db.session(),
                    _files(),
                    language,
                    data,
                    _actor(),
                    mark_approved=request.form.get("mark_approved") == "yes",
                    max_bytes=limit,
                )
            except translations.PoFileRejected as problem:
                if problem.reason == "too_large":
                    abort(413)
                # Refused uploads are recorded too: who tried to change a language, and why not.
                record_event(
                    db.session(),
                    _actor(),
                    AuditAction.TRANSLATION_IMPORT,
                    scope=Scope(language=language),
                    detail={"refused": problem.reason, "bytes": len(data)},
                )
                error = rejected_file_message(problem, language, limit // 1024)
            else:
                return render_template(
                    "translate/upload_report.html",
                    report=report,
                    rejected=[
                        (item.context, item.source, placeholder_message(item.mismatch))
                        for item in report.rejected
                    ],
                    **_language_context(language),
                )
    return (
        render_template(
            "translate/upload.html",
            error=error,
            max_kib=limit // 1024,
            **_language_context(language),
        ),
        400 if error else 200,
    )
