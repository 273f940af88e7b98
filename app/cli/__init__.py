"""Command-line interface: `flask --app wsgi <group> <command>`."""

from __future__ import annotations

from flask import Flask


def register_commands(app: Flask) -> None:
    from app.cli.areas import areas_cli, groups_cli
    from app.cli.demo import demo_cli
    from app.cli.invitations import invitations_cli
    from app.cli.questionnaires import questionnaires_cli
    from app.cli.responses import responses_cli
    from app.cli.sms import sms_cli

    for group in (areas_cli, groups_cli, questionnaires_cli, responses_cli, demo_cli):
        app.cli.add_command(group)
    for group in (invitations_cli, sms_cli):
        app.cli.add_command(group)
    from app.cli.reports import reports_cli
    from app.cli.retention import retention_cli, rounds_cli
    from app.cli.users import users_cli

    for group in (users_cli, retention_cli, rounds_cli, reports_cli):
        app.cli.add_command(group)
    # One `translate` group: extract/update/compile/pseudo (the catalogues) and status/sync
    # (translation states and the translators' database overlay).
    from app.cli.translate import translate_cli
    from app.cli.translate_status import translate_status_cli

    for command in translate_status_cli.commands.values():
        translate_cli.add_command(command)
    app.cli.add_command(translate_cli)
