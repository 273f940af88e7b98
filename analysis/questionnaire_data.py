"""The questionnaire definition as plain data for analysis: items, scales, indicators, domains."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import yaml

# Fixed columns of the response export (app/services/response_export.py), before the item columns.
FIXED_COLUMNS: tuple[str, ...] = (
    "response_id",
    "questionnaire_id",
    "questionnaire_version",
    "area",
    "community_group",
    "language",
    "channel",
    "status",
    "submitted_at",
)

# The only single-choice answers worth breaking results down by or standardising on.
CHOICE_TYPES = frozenset({"single"})


class QuestionnaireFileError(Exception):
    """The questionnaire file cannot be read as a questionnaire the analysis understands."""


@dataclass(frozen=True, slots=True)
class OptionData:
    """One choice of an item; non-substantive ones (dk, na, no_pain) leave denominators."""

    code: str
    label: str
    substantive: bool = True


@dataclass(frozen=True, slots=True)
class ItemData:
    """An answerable item: its type and, for choice items, its options best first."""

    id: str
    type: str
    options: tuple[OptionData, ...] = ()

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(option.code for option in self.options)

    @property
    def substantive_codes(self) -> tuple[str, ...]:
        return tuple(option.code for option in self.options if option.substantive)

    @property
    def is_scorable(self) -> bool:
        """A 0–10 score needs a single-choice item with two or more substantive options."""
        return self.type == "single" and len(self.substantive_codes) >= 2

    def scores(self) -> tuple[float | None, ...]:
        """The 0–10 score of each option in option order; None where the option is not scored.

        Options are listed best first, so the first substantive one scores 10, the last 0, and
        the ones between are spaced equally (the CQC survey convention).
        """
        ranked = self.substantive_codes
        steps = len(ranked) - 1
        if not self.is_scorable:
            return tuple(None for _ in self.options)
        rank = {code: index for index, code in enumerate(ranked)}
        return tuple(
            10.0 * (steps - rank[option.code]) / steps if option.substantive else None
            for option in self.options
        )


@dataclass(frozen=True, slots=True)
class ConditionData:
    """A population condition as data: equals / in / answered, combined with not / and / or."""

    op: Literal["equals", "in", "answered", "not", "and", "or"]
    item: str | None = None
    values: tuple[str, ...] = ()
    answered: bool = True
    parts: tuple[ConditionData, ...] = ()

    def item_ids(self) -> frozenset[str]:
        own = frozenset({self.item}) if self.item else frozenset()
        return own.union(*(part.item_ids() for part in self.parts))


@dataclass(frozen=True, slots=True)
class IndicatorData:
    """A headline indicator: a proportion of substantive answers, or a match of two items."""

    id: str
    item: str
    polarity: Literal["higher", "lower"]
    kind: Literal["proportion", "match"] = "proportion"
    numerator: tuple[str, ...] = ()
    other_item: str | None = None
    among: ConditionData | None = None
    # What readers see instead of the id; display text, so merging versions ignores it.
    name: str = field(default="", compare=False)

    def item_ids(self) -> frozenset[str]:
        own = {self.item} | ({self.other_item} if self.other_item else set())
        return frozenset(own) | (self.among.item_ids() if self.among else frozenset())


@dataclass(frozen=True, slots=True)
class DomainData:
    """A group of evaluative items whose 0–10 scores are averaged per respondent."""

    id: str
    name: str
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QuestionnaireData:
    """Everything the analysis needs to know about one questionnaire version."""

    id: str
    version: int
    items: Mapping[str, ItemData]
    indicators: tuple[IndicatorData, ...]
    domains: tuple[DomainData, ...]
    case_mix: tuple[str, ...] = ()
    scales: Mapping[str, tuple[OptionData, ...]] = field(default_factory=dict)
    sms_form: tuple[str, ...] = ()  # the short form asked by SMS, in order
    # Other questionnaire ids whose responses this definition reads too (see merge_versions).
    also_reads: frozenset[str] = frozenset()

    def item(self, item_id: str) -> ItemData:
        try:
            return self.items[item_id]
        except KeyError:
            raise QuestionnaireFileError(f"no item {item_id!r} in {self.id}") from None

    def analysed_items(self) -> frozenset[str]:
        """Items read by some indicator, domain or the default case mix."""
        ids: set[str] = set(self.case_mix)
        for indicator in self.indicators:
            ids |= indicator.item_ids()
        for domain in self.domains:
            ids |= set(domain.items)
        return frozenset(ids)


def merge_versions(versions: Sequence[QuestionnaireData]) -> QuestionnaireData:
    """One definition for responses to several versions that share a core (core + local modules).

    Items are the union, in order of first appearance; an item defined differently in two
    versions, or versions whose indicators, domains or case mix differ, are refused, because
    their core columns would not mean the same thing.
    """
    if not versions:
        raise QuestionnaireFileError("no questionnaire versions to merge")
    first = versions[0]
    items: dict[str, ItemData] = {}
    for version in versions:
        for attribute in ("indicators", "domains", "case_mix"):
            if getattr(version, attribute) != getattr(first, attribute):
                raise QuestionnaireFileError(
                    f"{version.id} v{version.version} has other {attribute} than "
                    f"{first.id} v{first.version}; they cannot be analysed together"
                )
        for item_id, item in version.items.items():
            if items.setdefault(item_id, item) != item:
                raise QuestionnaireFileError(
                    f"item {item_id!r} differs between versions; they cannot be analysed together"
                )
    ids = frozenset(version.id for version in versions) | first.also_reads
    return replace(first, items=items, also_reads=ids - {first.id})


def load_questionnaire(path: str | Path) -> QuestionnaireData:
    """Read a questionnaire YAML file (docs/questionnaire-format.md) as plain data."""
    source = Path(path)
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise QuestionnaireFileError(f"questionnaire file not found: {source}") from None
    except (OSError, UnicodeDecodeError) as problem:
        raise QuestionnaireFileError(f"cannot read questionnaire {source}: {problem}") from None
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise QuestionnaireFileError(f"{source} is not valid YAML{where}") from None
    try:
        return questionnaire_from_data(data)
    except QuestionnaireFileError as problem:
        raise QuestionnaireFileError(f"{source}: {problem}") from None


def questionnaire_from_data(data: Any) -> QuestionnaireData:
    """Build QuestionnaireData from the parsed YAML mapping; raise QuestionnaireFileError."""
    if not isinstance(data, Mapping):
        raise QuestionnaireFileError("not a questionnaire (expected a mapping at the top level)")
    try:
        scales = {
            str(scale_id): _options(scale["options"])
            for scale_id, scale in (data.get("scales") or {}).items()
        }
        items: dict[str, ItemData] = {}
        for section in data["sections"]:
            for page in section["pages"]:
                for raw in page["items"]:
                    if raw["type"] != "info":
                        items[raw["id"]] = _item(raw, scales)
        indicators = tuple(_indicator(raw) for raw in data.get("indicators") or ())
        domains = tuple(
            DomainData(str(raw["id"]), str(raw.get("name", raw["id"])), tuple(raw["items"]))
            for raw in data.get("domains") or ()
        )
        questionnaire = QuestionnaireData(
            id=str(data["id"]),
            version=int(data["version"]),
            items=items,
            indicators=indicators,
            domains=domains,
            case_mix=tuple(data.get("case_mix") or ()),
            scales=scales,
            sms_form=tuple(data.get("sms_form") or ()),
        )
    except (KeyError, TypeError, ValueError) as problem:
        raise QuestionnaireFileError(f"malformed questionnaire ({problem!r})") from None
    _check(questionnaire)
    return questionnaire


def _options(raw: Any) -> tuple[OptionData, ...]:
    return tuple(
        OptionData(
            str(option["code"]), str(option.get("label", "")), bool(option.get("substantive", True))
        )
        for option in raw
    )


def _item(raw: Mapping[str, Any], scales: Mapping[str, tuple[OptionData, ...]]) -> ItemData:
    options: tuple[OptionData, ...] = ()
    if "scale" in raw:
        if raw["scale"] not in scales:
            raise QuestionnaireFileError(f"item {raw['id']}: unknown scale {raw['scale']!r}")
        options = scales[raw["scale"]]
    elif "options" in raw:
        options = _options(raw["options"])
    options += _options(raw.get("extra_options") or ())
    return ItemData(str(raw["id"]), str(raw["type"]), options)


def _indicator(raw: Mapping[str, Any]) -> IndicatorData:
    return IndicatorData(
        id=str(raw["id"]),
        item=str(raw["item"]),
        polarity=raw["polarity"],
        kind=raw.get("kind", "proportion"),
        numerator=tuple(str(code) for code in raw.get("numerator") or ()),
        other_item=raw.get("other_item"),
        among=_condition(raw["among"]) if raw.get("among") is not None else None,
        name=str(raw.get("name") or ""),
    )


def _condition(raw: Mapping[str, Any]) -> ConditionData:
    if "and" in raw or "or" in raw:
        op: Literal["and", "or"] = "and" if "and" in raw else "or"
        return ConditionData(op, parts=tuple(_condition(part) for part in raw[op]))
    if "not" in raw:
        return ConditionData("not", parts=(_condition(raw["not"]),))
    item = str(raw["item"])
    if "equals" in raw:
        return ConditionData("equals", item, (str(raw["equals"]),))
    if "in" in raw:
        return ConditionData("in", item, tuple(str(value) for value in raw["in"]))
    if "answered" in raw:
        return ConditionData("answered", item, answered=bool(raw["answered"]))
    raise QuestionnaireFileError(f"condition on {item} is not one the analysis understands")


def _check(questionnaire: QuestionnaireData) -> None:
    """Refuse definitions the analysis would misread, with the reason."""
    for indicator in questionnaire.indicators:
        where = f"indicator {indicator.id}"
        if indicator.polarity not in ("higher", "lower"):
            raise QuestionnaireFileError(f"{where}: polarity must be higher or lower")
        if indicator.kind not in ("proportion", "match"):
            raise QuestionnaireFileError(f"{where}: unknown kind {indicator.kind!r}")
        for item_id in indicator.item_ids():
            _require_choice(questionnaire, item_id, where, allow_any=True)
        _require_choice(questionnaire, indicator.item, where)
        item = questionnaire.item(indicator.item)
        if indicator.kind == "match":
            if indicator.other_item is None:
                raise QuestionnaireFileError(f"{where}: a match indicator needs other_item")
            _require_choice(questionnaire, indicator.other_item, where)
        else:
            unknown = set(indicator.numerator) - set(item.substantive_codes)
            if not indicator.numerator or unknown:
                raise QuestionnaireFileError(
                    f"{where}: numerator must list substantive codes of {item.id}"
                )
        if indicator.among is not None:
            _check_condition(questionnaire, indicator.among, where)
    indicator_ids = {indicator.id for indicator in questionnaire.indicators}
    for domain in questionnaire.domains:
        if domain.id in indicator_ids:
            raise QuestionnaireFileError(f"domain {domain.id} has the same id as an indicator")
        for item_id in domain.items:
            _require_choice(questionnaire, item_id, f"domain {domain.id}")
            if not questionnaire.items[item_id].is_scorable:
                raise QuestionnaireFileError(f"domain {domain.id}: {item_id} cannot be scored")
    for item_id in questionnaire.case_mix:
        _require_choice(questionnaire, item_id, "case_mix")


def _check_condition(
    questionnaire: QuestionnaireData, condition: ConditionData, where: str
) -> None:
    if condition.op in ("equals", "in") and condition.item is not None:
        _require_choice(questionnaire, condition.item, where)
    for part in condition.parts:
        _check_condition(questionnaire, part, where)


def _require_choice(
    questionnaire: QuestionnaireData, item_id: str, where: str, *, allow_any: bool = False
) -> None:
    item = questionnaire.items.get(item_id)
    if item is None:
        raise QuestionnaireFileError(f"{where}: no item {item_id!r}")
    if not allow_any and item.type not in CHOICE_TYPES:
        raise QuestionnaireFileError(f"{where}: {item_id} must be a single-choice item")
