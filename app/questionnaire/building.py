"""Building the frozen Questionnaire from schema-checked file data (scales, conditions resolved)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import Problem
from .rules import Condition, all_of, parse_condition
from .schema import (
    CHOICE_TYPES,
    Domain,
    Indicator,
    Item,
    Option,
    Page,
    Piping,
    Questionnaire,
    Section,
)


class _Builder:
    """Collects the problems met while turning plain data into dataclasses."""

    def __init__(self, file: str, scales: Mapping[str, tuple[Option, ...]]) -> None:
        self.file = file
        self.scales = scales
        self.problems: list[Problem] = []

    def problem(self, item_id: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, item_id, message))

    def condition(self, data: object, where: str, item_id: str | None = None) -> Condition | None:
        if data is None:
            return None
        try:
            return parse_condition(data, where)
        except ValueError as error:
            self.problem(item_id, str(error))
            return None

    def options(self, data: Mapping[str, Any]) -> tuple[Option, ...]:
        item_id = data["id"]
        scale_id = data.get("scale")
        own = _options(data.get("options", []))
        extra = _options(data.get("extra_options", []))
        if data["type"] not in CHOICE_TYPES:
            if scale_id is not None or own or extra:
                self.problem(item_id, "only single and multiple items have options")
            return ()
        if scale_id is not None and own:
            self.problem(item_id, "give either scale or options, not both")
            return ()
        if scale_id is None:
            if extra:
                self.problem(item_id, "extra_options needs a scale to add to")
            if not own:
                self.problem(item_id, f"a {data['type']} item needs a scale or options")
            return own
        if scale_id not in self.scales:
            self.problem(item_id, f"scale '{scale_id}' is not defined under scales")
            return ()
        return self.scales[scale_id] + extra

    def item(self, data: Mapping[str, Any], section_id: str, page_id: str) -> Item:
        return Item(
            id=data["id"],
            type=data["type"],
            text=data["text"],
            hint=data.get("hint"),
            options=self.options(data),
            scale_id=data.get("scale"),
            max_length=data.get("max_length"),
            minimum=data.get("min"),
            maximum=data.get("max"),
            integer=data.get("integer", True),
            show_if=self.condition(data.get("show_if"), "show_if", data["id"]),
            filter=data.get("filter", False),
            sms_text=data.get("sms"),
            section_id=section_id,
            page_id=page_id,
        )

    def section(self, data: Mapping[str, Any]) -> Section:
        section_id = data["id"]
        own_condition = self.condition(data.get("show_if"), f"section '{section_id}' show_if")
        pages = tuple(
            Page(
                id=page["id"],
                section_id=section_id,
                items=tuple(self.item(item, section_id, page["id"]) for item in page["items"]),
                show_if=all_of(
                    own_condition,
                    self.condition(page.get("show_if"), f"page '{page['id']}' show_if"),
                ),
            )
            for page in data["pages"]
        )
        return Section(
            id=section_id,
            title=data["title"],
            pages=pages,
            intro=data.get("intro"),
            show_if=own_condition,
        )

    def indicator(self, data: Mapping[str, Any]) -> Indicator:
        return Indicator(
            id=data["id"],
            item_id=data["item"],
            numerator=tuple(data.get("numerator", ())),
            polarity=data["polarity"],
            kind=data.get("kind", "proportion"),
            other_item_id=data.get("other_item"),
            among=self.condition(data.get("among"), f"indicator '{data['id']}' among"),
            name=data.get("name"),
        )


def _options(data: list[Mapping[str, Any]]) -> tuple[Option, ...]:
    return tuple(
        Option(option["code"], option["label"], option.get("substantive", True)) for option in data
    )


def _piping(data: Mapping[str, Any] | None) -> Piping | None:
    if data is None:
        return None
    return Piping(
        default=data["default"],
        relationship_item=data.get("relationship_item"),
        by_relationship=data.get("by_relationship", {}),
    )


def build_questionnaire(
    data: Mapping[str, Any], file: str
) -> tuple[Questionnaire | None, list[Problem]]:
    """Build from data that passed the JSON Schema; None with problems if it cannot be built."""
    scales = {
        scale_id: _options(scale["options"]) for scale_id, scale in data.get("scales", {}).items()
    }
    builder = _Builder(file, scales)
    sections = tuple(builder.section(section) for section in data["sections"])
    indicators = tuple(builder.indicator(indicator) for indicator in data.get("indicators", []))
    if builder.problems:
        return None, builder.problems
    questionnaire = Questionnaire(
        id=data["id"],
        version=data["version"],
        title=data["title"],
        languages=tuple(data["languages"]),
        sections=sections,
        scales=scales,
        indicators=indicators,
        domains=tuple(
            Domain(domain["id"], domain["name"], tuple(domain["items"]))
            for domain in data.get("domains", [])
        ),
        case_mix=tuple(data.get("case_mix", ())),
        sms_form=tuple(data.get("sms_form", ())),
        piping=_piping(data.get("piping")),
        based_on=data.get("based_on"),
    )
    return questionnaire, []
