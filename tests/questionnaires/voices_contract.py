"""The VOICES contract parsed from its markdown, and v1.yaml read as plain data, for the tests.

The contract, ../shared/voices/core-items.md, is read at run time rather than copied into the
project, so a change to it shows up here as a failing test rather than a silent drift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CONTRACT_PATH = PROJECT_ROOT.parent / "shared" / "voices" / "core-items.md"
CORE_V1_PATH = PROJECT_ROOT / "questionnaires" / "voices-core" / "v1.yaml"


@dataclass
class ContractItem:
    id: str
    section: str
    filter: bool
    kind: str  # "choice", "text" or "bcp47"
    codes: list[str] = field(default_factory=list)


@dataclass
class ContractIndicator:
    id: str
    item: str
    numerator: list[str]
    polarity: str
    kind: str = "proportion"
    other_item: str | None = None
    among: dict[str, str] | None = None


@dataclass
class Contract:
    scales: dict[str, list[str]]
    items: list[ContractItem]
    indicators: list[ContractIndicator]
    domains: dict[str, list[str]]

    def item(self, item_id: str) -> ContractItem:
        return next(i for i in self.items if i.id == item_id)

    def ids_ending(self, suffix: str) -> list[str]:
        return [i.id for i in self.items if i.id.endswith(suffix)]


def _split_top_level(text: str) -> list[str]:
    """Split on commas that are not inside parentheses ("complete_all (yes, completely, ...)")."""
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += ch
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _codes(text: str) -> list[str]:
    """`code (meaning), code` -> [code, code]."""
    return [part.split(" (")[0].strip() for part in _split_top_level(text)]


def _tables(markdown: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """Every table as (nearest heading, header cells, body rows)."""
    tables: list[tuple[str, list[str], list[list[str]]]] = []
    heading = ""
    rows: list[list[str]] = []
    for line in markdown.splitlines() + [""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                rows.append(cells)
            continue
        if rows:
            tables.append((heading, rows[0], rows[1:]))
            rows = []
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
    return tables


def _parse_options(cell: str, scales: dict[str, list[str]], items: list[ContractItem]):
    if cell == "text":
        return "text", []
    if cell == "BCP 47 tag":
        return "bcp47", []
    if cell in scales:
        return "choice", list(scales[cell])
    if cell.endswith(" scale") and cell[: -len(" scale")] in scales:
        return "choice", list(scales[cell[: -len(" scale")]])
    extra = re.fullmatch(r"(\w+) \(\+ (.+)\)", cell)
    if extra and extra.group(1) in scales:
        return "choice", scales[extra.group(1)] + _codes(extra.group(2))
    same = re.fullmatch(r"same codes as (\S+)", cell)
    if same:
        return "choice", list(next(i for i in items if i.id == same.group(1)).codes)
    return "choice", _codes(cell)


def parse_contract(markdown: str) -> Contract:
    scales: dict[str, list[str]] = {}
    items: list[ContractItem] = []
    indicator_rows: list[list[str]] = []
    domain_rows: list[list[str]] = []
    for heading, header, body in _tables(markdown):
        if header[:2] == ["scale", "options (code: meaning), best first"]:
            scales.update({row[0]: _codes(row[1]) for row in body})
        elif header == ["id", "asks", "options"]:
            section = heading.split(":")[0].strip()
            for row in body:
                item_id = row[0].replace("(F)", "").strip()
                kind, codes = _parse_options(row[2], scales, items)
                items.append(ContractItem(item_id, section, "(F)" in row[0], kind, codes))
        elif header[0] == "indicator":
            indicator_rows = body
        elif header[0] == "domain":
            domain_rows = body

    contract = Contract(scales, items, [], {})
    for ind_id, item_cell, numerator_cell, better in indicator_rows:
        ind_id = ind_id.strip("`")
        if "<x>" in ind_id:
            suffix = re.search(r"every \*(\.\w+)", item_cell).group(1)
            for item_id in contract.ids_ending(suffix):
                x = item_id[: -len(suffix)].replace(".", "_")
                numerator = _codes(numerator_cell)
                contract.indicators.append(
                    ContractIndicator(ind_id.replace("<x>", x), item_id, numerator, better)
                )
        elif " vs " in item_cell:
            match = re.fullmatch(r"(\S+) vs (\S+) \(among (\S+) = (\w+).*\)", item_cell)
            assert match, item_cell
            contract.indicators.append(
                ContractIndicator(
                    ind_id,
                    match.group(1),
                    [],
                    better,
                    kind="match",
                    other_item=match.group(2),
                    among={"item": match.group(3), "equals": match.group(4)},
                )
            )
        else:
            contract.indicators.append(
                ContractIndicator(ind_id, item_cell, _codes(numerator_cell), better)
            )
    for domain_id, cell in domain_rows:
        members: list[str] = []
        for token in _split_top_level(cell):
            for part in token.split(" and "):
                every = re.fullmatch(r"every \*(\.\w+)", part.strip())
                members += contract.ids_ending(every.group(1)) if every else [part.strip()]
        contract.domains[domain_id] = list(dict.fromkeys(members))
    return contract


@dataclass
class CoreItem:
    """One item of v1.yaml with where it sits and the conditions that govern it."""

    data: dict[str, Any]
    section: str
    page: str
    conditions: list[Any]  # section, page and item show_if, ANDed

    @property
    def id(self) -> str:
        return self.data["id"]


def core_items(core: dict[str, Any]) -> list[CoreItem]:
    out = []
    for section in core["sections"]:
        for page in section["pages"]:
            for item in page["items"]:
                scopes = (section, page, item)
                conditions = [scope["show_if"] for scope in scopes if scope.get("show_if")]
                out.append(CoreItem(item, section["id"], page["id"], conditions))
    return out


def options_of(core: dict[str, Any], item: dict[str, Any]) -> list[dict[str, Any]]:
    """An item's options: its scale's (or its own), then any extra_options."""
    own = core["scales"][item["scale"]]["options"] if "scale" in item else item.get("options", [])
    return list(own) + list(item.get("extra_options", []))


def option_codes(core: dict[str, Any], item: dict[str, Any]) -> list[str]:
    return [option["code"] for option in options_of(core, item)]
