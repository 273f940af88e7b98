"""`flask areas ...` and `flask groups ...`: areas and community groups are data."""

from __future__ import annotations

from datetime import date, datetime

import click
from flask.cli import AppGroup

from app.extensions import db
from app.services import areas as area_service
from app.services.errors import AreaNotFound, DuplicateSlug, InvalidSlug

areas_cli = AppGroup("areas", help="List and add areas (commissioning geographies).")
groups_cli = AppGroup("groups", help="List and add community groups.")


@areas_cli.command("list")
def list_areas() -> None:
    """Print slug<TAB>name for every area."""
    for area in area_service.list_areas(db.session()):
        click.echo(f"{area.slug}\t{area.name}")


@areas_cli.command("add")
@click.argument("slug")
@click.argument("name")
@click.option("--valid-from", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--valid-to", type=click.DateTime(["%Y-%m-%d"]), default=None)
def add_area(slug: str, name: str, valid_from: object, valid_to: object) -> None:
    """Add an area with a SLUG (used in links) and a NAME."""
    try:
        area = area_service.add_area(
            db.session(), slug, name, _as_date(valid_from), _as_date(valid_to)
        )
    except (DuplicateSlug, InvalidSlug, ValueError) as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(f"Added area {area.slug}\t{area.name}")


@groups_cli.command("list")
def list_groups() -> None:
    """Print slug<TAB>name for every community group."""
    for group in area_service.list_groups(db.session()):
        click.echo(f"{group.slug}\t{group.name}")


@groups_cli.command("add")
@click.argument("slug")
@click.argument("name")
@click.option("--area", "area_slug", default=None, help="The area the group serves, if only one.")
def add_group(slug: str, name: str, area_slug: str | None) -> None:
    """Add a community group with a SLUG and a NAME."""
    try:
        group = area_service.add_group(db.session(), slug, name, area_slug)
    except AreaNotFound as problem:
        raise click.ClickException(f"There is no area with the slug {area_slug!r}") from problem
    except (DuplicateSlug, InvalidSlug, ValueError) as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(f"Added group {group.slug}\t{group.name}")


def _as_date(value: object) -> date | None:
    return value.date() if isinstance(value, datetime) else None
