"""`flask invitations import|send|remind`: invitation lists, invitation texts and reminders."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.cli.progress import Progress
from app.extensions import db
from app.models.clock import utc_now
from app.services.invitation_import import (
    ImportOptions,
    InvitationFileUnreadable,
    InvitationRowsInvalid,
    RowNote,
    import_invitations,
)
from app.services.invitation_sending import queue_invitations, queue_reminders
from app.sms.runtime import sms_context

invitations_cli = AppGroup(
    "invitations", help="Import invitation lists; queue invitations and reminders."
)
MAX_LINES_SHOWN = 200


def _report(title: str, notes: Sequence[RowNote]) -> None:
    if not notes:
        return
    click.echo(f"{title} ({len(notes)}):", err=True)
    for note in notes[:MAX_LINES_SHOWN]:
        click.echo(f"  {note}", err=True)
    if len(notes) > MAX_LINES_SHOWN:
        click.echo(f"  ... and {len(notes) - MAX_LINES_SHOWN} more", err=True)


@invitations_cli.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows and report the rest.")
@click.option("--dry-run", is_flag=True, help="Check everything, store nothing.")
def import_command(source: Path, skip_invalid: bool, dry_run: bool) -> None:
    """Import a CSV list of carers to invite.

    Columns: phone, area, community_group, language, and optionally name_of_person,
    relationship, date_of_death, exclude_reason, email.
    """
    config = current_app.config
    options = ImportOptions(
        questionnaire_id=str(config["DEFAULT_QUESTIONNAIRE"]),
        today=utc_now().date(),
        min_days_after_death=int(config["INVITATION_MIN_DAYS_AFTER_DEATH"]),
        valid_days=int(config["INVITATION_VALID_DAYS"]),
        skip_invalid=skip_invalid,
        dry_run=dry_run,
    )
    progress = Progress("Checking rows")
    try:
        with progress:
            report = import_invitations(
                db.session(), sms_context().cipher, source, options, on_progress=progress.advance
            )
    except InvitationFileUnreadable as problem:
        raise click.ClickException(f"{source.name}: {problem} (nothing was imported)") from problem
    except InvitationRowsInvalid as problem:
        _report("Rejected rows", problem.rejected)
        raise click.ClickException(
            f"Nothing was imported: {len(problem.rejected)} rows have problems. Fix them, or use "
            "--skip-invalid to import only the valid rows."
        ) from problem
    _report("Rejected rows", report.rejected)
    _report("Excluded (never invited)", report.excluded)
    _report("Opted out (never invited)", report.opted_out)
    _report("Duplicates merged", report.merged)
    _report("Already invited", report.already_invited)
    sys.stderr.flush()
    verb = "Would invite" if dry_run else "Invited"
    progress.finish(
        f"{verb} {report.invited} of {report.rows} rows ({report.held} held until the minimum "
        f"interval after the death; {len(report.rejected)} rejected, {len(report.excluded)} "
        f"excluded, {len(report.opted_out)} opted out, {len(report.merged)} merged)"
    )


@invitations_cli.command("send")
def send_command() -> None:
    """Queue an invitation text for every invitation not yet sent one (the worker sends them)."""
    ctx = sms_context()
    progress = Progress("Queueing invitations")
    with progress:
        summary = queue_invitations(
            db.session(),
            ctx.cipher,
            ctx.library,
            ctx.settings,
            today=utc_now().date(),
            on_progress=progress.advance,
        )
    progress.finish(
        f"Queued {summary.queued} invitation texts ({summary.held} held until the interval "
        f"after the death has passed, {summary.opted_out} opted out, {summary.skipped} skipped)"
    )


@invitations_cli.command("remind")
def remind_command() -> None:
    """Queue the next reminder (at most two) for carers who have not started."""
    ctx = sms_context()
    progress = Progress("Queueing reminders")
    with progress:
        summary = queue_reminders(
            db.session(),
            ctx.cipher,
            ctx.library,
            ctx.settings,
            now=utc_now(),
            on_progress=progress.advance,
        )
    progress.finish(
        f"Queued {summary.queued} reminders ({summary.opted_out} opted out, "
        f"{summary.skipped} not due yet)"
    )
