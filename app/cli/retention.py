"""`flask retention purge` and `flask rounds ...`: delete personal data on schedule, by round."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.services import report_files, retention

retention_cli = AppGroup("retention", help="Delete personal data whose retention has ended.")
rounds_cli = AppGroup("rounds", help="Survey rounds: when each area's survey opens and closes.")


@retention_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
@click.option(
    "--days",
    type=click.IntRange(min=0),
    default=None,
    help="Days after a round closes (default: RETENTION_DAYS_AFTER_CLOSE).",
)
@click.option(
    "--report-days",
    type=click.IntRange(min=0),
    default=None,
    help="Days a queued report's file is kept (default: REPORT_FILES_KEEP_DAYS).",
)
@click.option("--batch-size", type=click.IntRange(min=1), default=retention.DEFAULT_BATCH_SIZE)
def purge(dry_run: bool, days: int | None, report_days: int | None, batch_size: int) -> None:
    """Delete contact details, message texts, names and old report files; safe to repeat."""
    keep = days if days is not None else int(current_app.config["RETENTION_DAYS_AFTER_CLOSE"])
    report = retention.purge_expired(
        db.session(), days_after_close=keep, batch_size=batch_size, dry_run=dry_run
    )
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(f"{verb} (retention {keep} days after a round closes):")
    for name, count in report.as_detail().items():
        click.echo(f"  {name.replace('_', ' ')}: {count}")
    keep_files = (
        report_days
        if report_days is not None
        else int(current_app.config["REPORT_FILES_KEEP_DAYS"])
    )
    files = report_files.purge_report_files(
        db.session(),
        Path(current_app.config["REPORTS_DIR"]),
        keep_days=keep_files,
        batch_size=batch_size,
        dry_run=dry_run,
    )
    click.echo(f"{verb} (report files kept {keep_files} days, or until a newer build):")
    for name, count in files.as_detail().items():
        click.echo(f"  {name.replace('_', ' ')}: {count}")


@rounds_cli.command("add")
@click.option("--area", "area_slug", required=True)
@click.option("--name", required=True, help='For example "2026 spring round".')
@click.option("--opens", type=click.DateTime(["%Y-%m-%d"]), required=True)
@click.option("--closes", type=click.DateTime(["%Y-%m-%d"]), required=True)
def add_round(area_slug: str, name: str, opens: datetime, closes: datetime) -> None:
    """Record a round; invitations made between the dates belong to it."""
    try:
        retention.add_round(db.session(), area_slug, name, opens.date(), closes.date())
    except retention.InvalidRound as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(f"Added round {name!r} for {area_slug}: {opens:%Y-%m-%d} to {closes:%Y-%m-%d}.")


@rounds_cli.command("list")
def list_rounds() -> None:
    """Print area<TAB>name<TAB>opens<TAB>closes for every round."""
    for slug, name, opens_on, closes_on in retention.list_rounds(db.session()):
        click.echo(f"{slug}\t{name}\t{opens_on:%Y-%m-%d}\t{closes_on:%Y-%m-%d}")
