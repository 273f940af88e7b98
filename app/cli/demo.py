"""`flask demo seed`: invented areas, groups and responses to explore the reports with."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.cli.progress import Progress
from app.extensions import db
from app.questionnaire import QuestionnaireLibrary
from app.services.demo_data import DEMO_AREAS, DemoAlreadySeeded, seed_demo

demo_cli = AppGroup("demo", help="Demo data: invented, never from real carers.")


@demo_cli.command("seed")
@click.option(
    "--responses", "count", type=click.IntRange(1, 5_000_000), default=2_000, show_default=True
)
@click.option("--seed", type=int, default=42, show_default=True, help="Same seed, same data.")
def seed(count: int, seed: int) -> None:
    """Create 3 demo areas, 4 community groups and COUNT submitted responses (once only)."""
    library = QuestionnaireLibrary(Path(current_app.config["QUESTIONNAIRES_DIR"]))
    questionnaire = library.get(str(current_app.config["DEFAULT_QUESTIONNAIRE"]))
    progress = Progress("Creating demo responses", total=count)
    try:
        with progress:
            summary = seed_demo(
                db.session(),
                questionnaire,
                responses=count,
                seed=seed,
                on_responses=progress.advance,
            )
    except DemoAlreadySeeded as already:
        slugs = ", ".join(area.slug for area in DEMO_AREAS)
        click.echo(
            f"The demo data is already there ({already.responses} responses in {slugs}); "
            "nothing was changed."
        )
        return
    progress.finish(
        f"Created {summary.responses} demo responses ({summary.answers} answers), "
        f"{summary.areas_created} areas and {summary.groups_created} community groups"
    )
