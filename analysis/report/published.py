"""The last published national VOICES figures (ONS, 2011–2015): context beside local results."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path


class PublishedReferenceError(Exception):
    """The published-figures file cannot be read (missing, not CSV, or lacking columns)."""


@dataclass(frozen=True)
class PublishedFigure:
    """One published national percentage for the whole population ("all")."""

    indicator: str
    value_pct: float
    year: int
    source: str
    status: str


REQUIRED = ("indicator", "breakdown", "value_pct", "year", "source", "status")


def load_published_figures(path: str | Path) -> dict[str, PublishedFigure]:
    """The latest published whole-population figure of each indicator, by indicator id.

    Only "all" rows are kept: a local total compares with a national total, never with a
    national subgroup. Where a year has both a confirmed and a secondary figure, the confirmed
    one wins.
    """
    source = Path(path)
    try:
        with source.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [name for name in REQUIRED if name not in (reader.fieldnames or [])]
            if missing:
                raise PublishedReferenceError(f"{source.name} has no column(s) {missing}")
            rows = list(reader)
    except FileNotFoundError:
        raise PublishedReferenceError(f"published figures not found: {source}") from None
    except (OSError, UnicodeDecodeError, csv.Error) as problem:
        raise PublishedReferenceError(f"cannot read {source}: {problem}") from None
    latest: dict[str, PublishedFigure] = {}
    for row in rows:
        if row["breakdown"].strip() != "all":
            continue
        try:
            figure = PublishedFigure(
                row["indicator"].strip(),
                float(row["value_pct"]),
                int(row["year"]),
                row["source"].strip(),
                row["status"].strip(),
            )
        except ValueError:
            continue  # a malformed line is context we can do without, not a reason to fail
        current = latest.get(figure.indicator)
        if current is None or _rank(figure) > _rank(current):
            latest[figure.indicator] = figure
    return latest


def _rank(figure: PublishedFigure) -> tuple[int, int]:
    return figure.year, 1 if figure.status == "confirmed" else 0
