"""Command-line interface: `flask --app wsgi <group> <command>`."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from app.cli.areas import areas_cli, groups_cli
    from app.cli.demo import demo_cli
    from app.cli.questionnaires import questionnaires_cli
    from app.cli.responses import responses_cli

    for group in (areas_cli, groups_cli, questionnaires_cli, responses_cli, demo_cli):
        app.cli.add_command(group)
