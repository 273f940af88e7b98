"""Sub-areas for report tests: two places in each ICB, and a share of its responses moved there."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select, update

from app.extensions import db
from app.models import Area, Invitation, Response
from app.services import reporting

PLACES = {
    "riverside-west": ("West Riverside place", "north-riverside"),
    "riverside-east": ("East Riverside place", "north-riverside"),
    "vale-hills": ("Vale hills place", "south-vale"),
}


def add_sub_areas(app: Flask) -> None:
    """The places, then every second response and invitation of each ICB collected in one."""
    with app.app_context():
        session = db.session()
        ids = dict(session.execute(select(Area.slug, Area.id)).all())
        for slug, (name, parent) in PLACES.items():
            place = Area(slug=slug, name=name, parent_id=ids[parent])
            session.add(place)
            session.flush()
            ids[slug] = place.id
        # Every second response of North Riverside to the west, every fourth to the east.
        for table in (Response, Invitation):
            for slug, remainder, modulus in (
                ("riverside-west", 0, 2),
                ("riverside-east", 1, 4),
                ("vale-hills", 0, 2),
            ):
                parent = PLACES[slug][1]
                session.execute(
                    update(table)
                    .where(table.area_id == ids[parent], table.id % modulus == remainder)
                    .values(area_id=ids[slug])
                )
        session.commit()
        reporting.clear_caches()
