"""`flask areas ...` and `flask groups ...`: areas and community groups are data."""

from __future__ import annotations

from datetime import date, datetime

import click
from flask.cli import AppGroup

from app.extensions import db
from app.services import areas as area_service
from app.services.errors import AreaNotFound, DuplicateSlug, InvalidParentArea, InvalidSlug

areas_cli = AppGroup("areas", help="List and add areas (commissioning geographies).")
groups_cli = AppGroup("groups", help="List and add community groups.")


@areas_cli.command("list")
def list_areas() -> None:
    """Print slug<TAB>name for every area, and <TAB>parent slug for a sub-area."""
    areas = area_service.list_areas(db.session())
    slugs = {area.id: area.slug for area in areas}
    for area in areas:
        # Top-level lines keep their two columns, so scripts reading them need no change.
        parent = f"\t{slugs[area.parent_id]}" if area.parent_id in slugs else ""
        click.echo(f"{area.slug}\t{area.name}{parent}")


@areas_cli.command("add")
@click.argument("slug")
@click.argument("name")
@click.option("--valid-from", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--valid-to", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option(
    "--parent",
    "parent_slug",
    default=None,
    help="Make it a sub-area (sub-ICB location, place) of this top-level area.",
)
def add_area(
    slug: str, name: str, valid_from: object, valid_to: object, parent_slug: str | None
) -> None:
    """Add an area with a SLUG (used in links) and a NAME."""
    try:
        area = area_service.add_area(
            db.session(),
            slug,
            name,
            _as_date(valid_from),
            _as_date(valid_to),
            parent_slug=parent_slug,
        )
    except AreaNotFound as problem:
        raise click.ClickException(f"There is no area with the slug {parent_slug!r}") from problem
    except (DuplicateSlug, InvalidSlug, InvalidParentArea, ValueError) as problem:
        raise click.ClickException(str(problem)) from problem
    within = f" (sub-area of {parent_slug})" if parent_slug else ""
    click.echo(f"Added area {area.slug}\t{area.name}{within}")


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
