"""`flask questionnaires validate`: check questionnaire files before anyone answers them."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.questionnaire import questionnaire_paths, validate_questionnaire_file

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
