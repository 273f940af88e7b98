"""`flask questionnaires validate` checks files; `published` writes areas' frozen versions out."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.questionnaire import questionnaire_paths, validate_questionnaire_file
from app.services.codesign_publishing import published_definitions

questionnaires_cli = AppGroup("questionnaires", help="Check questionnaire files.")


@questionnaires_cli.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Validate PATHS (files or folders; default: every questionnaire). One line per problem."""
    targets: list[Path] = []
    for given in paths or (Path(current_app.config["QUESTIONNAIRES_DIR"]),):
        targets.extend(questionnaire_paths(given) if given.is_dir() else [given])
    problems = [problem for target in targets for problem in validate_questionnaire_file(target)]
    for problem in problems:
        click.echo(str(problem))
    if problems:
        raise click.exceptions.Exit(1)
    click.echo(f"{len(targets)} questionnaire file(s) checked: no problems found", err=True)


@questionnaires_cli.command("published")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path))
def published(out_dir: Path) -> None:
    """Write every area's published version (core + local questions) as OUT/<id>-v<N>.json.

    The files are the frozen definitions, in the questionnaire file format, for the analysis
    command line: `python -m analysis scores EXPORT --questionnaire core.yaml --questionnaire ...`.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    written = 0
    for questionnaire_id, version, definition in published_definitions(db.session()):
        (out_dir / f"{questionnaire_id}-v{version}.json").write_text(definition, encoding="utf-8")
        written += 1
    click.echo(f"{written} published version(s) written to {out_dir}", err=True)
