"""`flask responses export|import`: responses as CSV, for analysis and for paper returns."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Sequence
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.access.permissions import Scope
from app.cli.progress import Progress
from app.extensions import db
from app.questionnaire import Questionnaire, QuestionnaireLibrary
from app.services import areas as area_service
from app.services.audit import Actor, AuditAction, record_event
from app.services.codesign_publishing import LibraryWithPublished, versions_built_on
from app.services.errors import AreaNotFound, NotASubArea
from app.services.response_codebook import STATS_FORMATS, ExportCodeUnknown, build_codebook
from app.services.response_dictionary import (
    DictionaryFormat,
    write_dictionary_csv,
    write_dictionary_file,
)
from app.services.response_export import (
    ExportCountMismatch,
    area_ids_for_export,
    export_responses_to_file,
    write_responses_csv,
)
from app.services.response_import import (
    ImportFileChanged,
    ImportFileUnreadable,
    ImportRowsInvalid,
    import_responses_csv,
)

responses_cli = AppGroup(
    "responses", help="Export responses (CSV, SPSS, Stata, data dictionary) and import CSV."
)


def _library() -> QuestionnaireLibrary:
    return QuestionnaireLibrary(Path(current_app.config["QUESTIONNAIRES_DIR"]))


@responses_cli.command("export")
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["csv", "sav", "dta", "dictionary"]),
    default="csv",
    show_default=True,
    help="sav (SPSS) and dta (Stata) need --out; dictionary is CSV, or XLSX for an --out "
    "ending in .xlsx.",
)
@click.option(
    "--area",
    "area_slug",
    default=None,
    help="Only this area (its slug), with its sub-areas' responses, as its report counts them.",
)
@click.option(
    "--sub-area",
    "sub_area_slug",
    default=None,
    help="Only this sub-area of --area (as the report's sub-area filter).",
)
@click.option(
    "--status",
    type=click.Choice(["submitted", "all"]),
    default="submitted",
    show_default=True,
    help="'all' adds responses still in progress.",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=None,
    help="File to write (default: standard output).",
)
def export_responses(
    file_format: str,
    area_slug: str | None,
    sub_area_slug: str | None,
    status: str,
    out_path: Path | None,
) -> None:
    """One row per response of the default questionnaire (CSV, SPSS, Stata), or its dictionary."""
    questionnaire = _library().get(str(current_app.config["DEFAULT_QUESTIONNAIRE"]))
    if sub_area_slug is not None and area_slug is None:
        raise click.UsageError("--sub-area narrows an area's export: give --area too.")
    try:
        area_ids = area_ids_for_export(db.session(), area_slug, sub_area_slug)
    except AreaNotFound as problem:
        raise click.ClickException(f"There is no area with the slug {area_slug!r}") from problem
    except NotASubArea as problem:
        raise click.ClickException(
            f"{sub_area_slug!r} is not a sub-area of {area_slug!r}"
        ) from problem
    # Published versions (core + local questions) of the areas exported join in, local items
    # as extra columns: an ICB's file holds its places' versions too.
    also = versions_built_on(db.session(), questionnaire.id, area_ids)
    target = str(out_path) if out_path else "standard output"
    if file_format == "dictionary":
        _export_dictionary(questionnaire, area_slug, out_path)
        return
    if file_format in STATS_FORMATS and out_path is None:
        raise click.UsageError(f"--format {file_format} writes a binary file: give --out FILE.")
    progress = Progress("Exporting responses")
    include_in_progress = status == "all"
    try:
        with progress:
            if file_format in STATS_FORMATS:
                from app.services.response_export_stats import export_responses_stats

                assert out_path is not None
                result = export_responses_stats(
                    db.session(),
                    questionnaire,
                    out_path,
                    file_format,
                    area_slug=area_slug,
                    sub_area_slug=sub_area_slug,
                    include_in_progress=include_in_progress,
                    on_rows=progress.advance,
                    also=also,
                )
            elif out_path is None:
                stdout = sys.stdout
                result = write_responses_csv(
                    db.session(),
                    questionnaire,
                    stdout,
                    area_slug=area_slug,
                    sub_area_slug=sub_area_slug,
                    include_in_progress=include_in_progress,
                    on_rows=progress.advance,
                    also=also,
                )
                stdout.flush()
            else:
                result = export_responses_to_file(
                    db.session(),
                    questionnaire,
                    out_path,
                    area_slug=area_slug,
                    sub_area_slug=sub_area_slug,
                    include_in_progress=include_in_progress,
                    on_rows=progress.advance,
                    also=also,
                )
    except AreaNotFound as problem:
        raise click.ClickException(f"There is no area with the slug {area_slug!r}") from problem
    except (ExportCountMismatch, ExportCodeUnknown, OSError) as problem:
        raise click.ClickException(f"The export failed: {problem}") from problem
    for other_id, count in result.other_questionnaires.items():
        click.echo(
            f"Note: {count} responses to questionnaire {other_id!r} were left out "
            f"(this export has the columns of {questionnaire.id}).",
            err=True,
        )
    _audit(
        AuditAction.EXPORT_RESPONSES,
        # Audited against the narrowest area exported, so the place's own log shows it.
        sub_area_slug or area_slug,
        target,
        {"rows": result.rows_written, "format": file_format, "status": status},
    )
    progress.finish(f"Exported {result.rows_written} responses to {target}")


def _export_dictionary(
    questionnaire: Questionnaire, area_slug: str | None, out: Path | None
) -> None:
    if area_slug is not None:
        try:
            area_service.area_by_slug(db.session(), area_slug)
        except AreaNotFound as problem:
            raise click.ClickException(f"There is no area with the slug {area_slug!r}") from problem
    codebook = build_codebook(questionnaire)
    dictionary_format: DictionaryFormat = (
        "xlsx" if out is not None and out.suffix.lower() == ".xlsx" else "csv"
    )
    try:
        if out is None:
            variables = write_dictionary_csv(codebook, sys.stdout)
            sys.stdout.flush()
        else:
            variables = write_dictionary_file(codebook, out, dictionary_format)
    except OSError as problem:
        raise click.ClickException(f"The export failed: {problem}") from problem
    target = str(out) if out else "standard output"
    _audit(
        AuditAction.EXPORT_DICTIONARY,
        area_slug,
        target,
        {"variables": variables, "format": dictionary_format},
    )
    click.echo(f"Wrote the data dictionary ({variables} variables) to {target}", err=True)


def _audit(
    action: AuditAction, area_slug: str | None, target: str, detail: dict[str, int | str]
) -> None:
    # Every export is audited, from the command line too: the actor is the operating-system
    # account that ran the command (there is no staff sign-in on a terminal).
    area_id = area_service.area_by_slug(db.session(), area_slug).id if area_slug else None
    record_event(
        db.session(),
        Actor(None, f"cli:{getpass.getuser()}"),
        action,
        scope=Scope(area_id=area_id),
        object_ref=target[:100],
        detail=detail,
    )


@responses_cli.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Import the valid rows and report the rest.")
@click.option("--dry-run", is_flag=True, help="Check everything, store nothing.")
def import_responses(source: Path, skip_invalid: bool, dry_run: bool) -> None:
    """Import responses from a CSV file in the export's format (paper returns, past surveys)."""
    checking = Progress("Checking rows")
    importing = Progress("Importing responses")
    phases = {"checking": checking, "importing": importing}
    try:
        with checking, importing:
            summary = import_responses_csv(
                db.session(),
                # Rows answered on an area's published version (core + local questions) too.
                LibraryWithPublished(_library(), db.session()),
                source,
                skip_invalid=skip_invalid,
                dry_run=dry_run,
                on_progress=lambda phase, rows: phases[phase].advance(rows),
            )
    except ImportFileUnreadable as problem:
        for line in problem.problems:
            click.echo(f"{source.name}: {line}", err=True)
        raise click.ClickException("Nothing was imported.") from problem
    except ImportRowsInvalid as problem:
        _report(problem.problems, problem.problem_count)
        where = (
            f"{problem.invalid_rows} of the rows have problems ({problem.problem_count} in all)"
            if problem.invalid_rows
            else "the header has problems"
        )
        raise click.ClickException(
            f"Nothing was imported: {where}. Fix them, or use --skip-invalid "
            "to import only the valid rows."
        ) from problem
    except ImportFileChanged as problem:
        raise click.ClickException(str(problem)) from problem
    _report(summary.problems, summary.problem_count)
    _report(summary.conflicts, summary.conflict_count)
    verb = "Would import" if dry_run else "Imported"
    importing.finish(
        f"{verb} {summary.imported} responses ({summary.already_present} already present, "
        f"{summary.invalid_skipped} invalid skipped)"
        + (
            f"; {summary.conflict_count} differ from the stored copy"
            if summary.conflict_count
            else ""
        )
    )


def _report(problems: Sequence[object], total: int) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)
    if total > len(problems):
        click.echo(f"... and {total - len(problems)} more like these", err=True)
    sys.stderr.flush()
