"""The questionnaire as frozen dataclasses: what the web, SMS and analysis all read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from .errors import UnknownIndicator, UnknownItem, UnknownOptionCode, UnknownPage
from .rules import Condition

AnswerValue = str | int | float | tuple[str, ...]
# An item present with None was seen and skipped; an absent item was never seen.
Answers = Mapping[str, AnswerValue | None]

ItemType = Literal["single", "multiple", "text", "number", "month_year", "info"]
CHOICE_TYPES: frozenset[str] = frozenset({"single", "multiple"})
# number bounds are numbers; month_year bounds are "YYYY-MM" text.
Bound = int | float | str


@dataclass(frozen=True, slots=True)
class Option:
    """One choice; non-substantive ones (dk, na, no_pain) leave denominators and scores."""

    code: str
    label: str
    substantive: bool = True


@dataclass(frozen=True, slots=True)
class Item:
    """One question (or, for ``info``, one paragraph)."""

    id: str
    type: ItemType
    text: str
    hint: str | None = None
    options: tuple[Option, ...] = ()
    scale_id: str | None = None
    max_length: int | None = None
    minimum: Bound | None = None
    maximum: Bound | None = None
    integer: bool = True
    show_if: Condition | None = None
    filter: bool = False
    sms_text: str | None = None
    section_id: str = ""
    page_id: str = ""

    @property
    def is_answerable(self) -> bool:
        return self.type != "info"

    @property
    def is_choice(self) -> bool:
        return self.type in CHOICE_TYPES

    @property
    def option_codes(self) -> tuple[str, ...]:
        return tuple(option.code for option in self.options)

    @property
    def substantive_codes(self) -> tuple[str, ...]:
        return tuple(option.code for option in self.options if option.substantive)

    @property
    def is_scorable(self) -> bool:
        """Whether the item has a 0–10 score: single choice with two or more substantive options."""
        return self.type == "single" and len(self.substantive_codes) >= 2

    def option(self, code: str) -> Option:
        for option in self.options:
            if option.code == code:
                return option
        raise UnknownOptionCode(self.id)

    def score(self, code: str) -> float | None:
        """Score an answer 0–10 (best substantive option 10, worst 0); None when not scored."""
        if not self.option(code).substantive or not self.is_scorable:
            return None
        ranked = self.substantive_codes
        # Options are listed best first, so the first substantive one scores 10.
        return 10.0 * (len(ranked) - 1 - ranked.index(code)) / (len(ranked) - 1)


@dataclass(frozen=True, slots=True)
class Page:
    """One screen of the web survey; ``show_if`` already includes its section's condition."""

    id: str
    section_id: str
    items: tuple[Item, ...]
    show_if: Condition | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """A titled group of pages; ``show_if`` is the section's own condition."""

    id: str
    title: str
    intro: str | None
    pages: tuple[Page, ...]
    show_if: Condition | None = None


@dataclass(frozen=True, slots=True)
class Indicator:
    """A headline percentage defined as ONS reported it."""

    id: str
    item_id: str
    numerator: tuple[str, ...] = ()
    polarity: Literal["higher", "lower"] = "higher"
    kind: Literal["proportion", "match"] = "proportion"
    other_item_id: str | None = None
    among: Condition | None = None
    # The plain name readers see in reports. Display text only: a name added or reworded in a
    # published file changes no figure, so comparisons (core versus module) ignore it.
    name: str | None = field(default=None, compare=False)


@dataclass(frozen=True, slots=True)
class Domain:
    """A group of scored items whose 0–10 scores are averaged."""

    id: str
    name: str
    item_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Piping:
    """How question text names the person who died."""

    relationship_item: str | None
    default: str
    by_relationship: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_relationship", MappingProxyType(dict(self.by_relationship)))

    def __hash__(self) -> int:
        return hash((self.default, self.relationship_item, tuple(self.by_relationship.items())))


@dataclass(frozen=True, slots=True)
class Questionnaire:
    """One published version of a questionnaire file."""

    id: str
    version: int
    title: str
    languages: tuple[str, ...]
    sections: tuple[Section, ...]
    scales: Mapping[str, tuple[Option, ...]] = field(default_factory=lambda: MappingProxyType({}))
    indicators: tuple[Indicator, ...] = ()
    domains: tuple[Domain, ...] = ()
    case_mix: tuple[str, ...] = ()
    sms_form: tuple[str, ...] = ()
    piping: Piping | None = None
    # Set on an area's composed questionnaire (core + local module): the core's id, under which
    # the core's texts are translated, so a local module never hides the core's translations.
    based_on: str | None = None
    pages: tuple[Page, ...] = field(init=False, repr=False, compare=False)
    items: tuple[Item, ...] = field(init=False, repr=False, compare=False)
    _items_by_id: Mapping[str, Item] = field(init=False, repr=False, compare=False)
    _pages_by_id: Mapping[str, Page] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pages = tuple(page for section in self.sections for page in section.pages)
        items = tuple(item for page in pages for item in page.items)
        # First definition wins; validation reports any duplicate id before a file is used.
        items_by_id: dict[str, Item] = {}
        for item in items:
            items_by_id.setdefault(item.id, item)
        pages_by_id: dict[str, Page] = {}
        for page in pages:
            pages_by_id.setdefault(page.id, page)
        object.__setattr__(self, "scales", MappingProxyType(dict(self.scales)))
        object.__setattr__(self, "pages", pages)
        object.__setattr__(self, "items", items)
        object.__setattr__(self, "_items_by_id", MappingProxyType(items_by_id))
        object.__setattr__(self, "_pages_by_id", MappingProxyType(pages_by_id))

    def __hash__(self) -> int:
        # A published version never changes, so id and version identify the content.
        return hash((self.id, self.version))

    @property
    def answerable_items(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.is_answerable)

    def has_item(self, item_id: str) -> bool:
        return item_id in self._items_by_id

    def has_page(self, page_id: str) -> bool:
        return page_id in self._pages_by_id

    def item(self, item_id: str) -> Item:
        try:
            return self._items_by_id[item_id]
        except KeyError:
            raise UnknownItem(item_id) from None

    def page(self, page_id: str) -> Page:
        try:
            return self._pages_by_id[page_id]
        except KeyError:
            raise UnknownPage(page_id) from None

    def page_of(self, item_id: str) -> Page:
        return self.page(self.item(item_id).page_id)

    def indicator(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise UnknownIndicator(indicator_id)
