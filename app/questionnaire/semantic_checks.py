"""Checks the JSON Schema cannot express: references, routing order, indicators, SMS, piping."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from .errors import Problem
from .piping import PLACEHOLDER
from .rules import And, Condition
from .schema import Bound, Item, Page, Questionnaire, Section

MAX_ITEMS = 500
SMS_TYPES = frozenset({"single", "number", "text"})

_BRACES = re.compile(r"\{[^{}]*\}|[{}]")
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def _page_own_condition(section: Section, page: Page) -> Condition | None:
    """The page's own show_if, without the section's one that building put in front of it."""
    combined = page.show_if
    if section.show_if is None or combined is None:
        return combined
    if combined == section.show_if:
        return None
    if isinstance(combined, And) and len(combined.conditions) == 2:
        if combined.conditions[0] == section.show_if:
            return combined.conditions[1]
    return combined


def _greater(low: Bound | None, high: Bound | None) -> bool:
    if isinstance(low, str) and isinstance(high, str):
        return low > high
    if isinstance(low, int | float) and isinstance(high, int | float):
        return low > high
    return False


class _Checks:
    def __init__(self, q: Questionnaire, file: str) -> None:
        self.q = q
        self.file = file
        self.problems: list[Problem] = []
        self.position: dict[str, int] = {}
        for index, item in enumerate(q.items):
            self.position.setdefault(item.id, index)

    def problem(self, item_id: str | None, message: str) -> None:
        self.problems.append(Problem(self.file, item_id, message))

    def duplicates(self, kind: str, ids: Iterable[str], by_item: bool = False) -> None:
        for found, count in Counter(ids).items():
            if count > 1 and by_item:
                self.problem(found, f"{kind} id is used more than once")
            elif count > 1:
                self.problem(None, f"{kind} id '{found}' is used more than once")

    def unique_ids(self) -> None:
        self.duplicates("section", (section.id for section in self.q.sections))
        self.duplicates("page", (page.id for page in self.q.pages))
        self.duplicates("item", (item.id for item in self.q.items), by_item=True)
        self.duplicates("indicator", (indicator.id for indicator in self.q.indicators))
        self.duplicates("domain", (domain.id for domain in self.q.domains))
        if len(self.q.items) > MAX_ITEMS:
            self.problem(None, f"the file has {len(self.q.items)} items; the limit is {MAX_ITEMS}")

    def scales(self) -> None:
        for scale_id, options in self.q.scales.items():
            for code, count in Counter(option.code for option in options).items():
                if count > 1:
                    self.problem(
                        None, f"scale '{scale_id}' has option code '{code}' more than once"
                    )

    def options(self, item: Item) -> None:
        scale = self.q.scales.get(item.scale_id, ()) if item.scale_id else ()
        seen = {option.code for option in scale}
        for option in item.options[len(scale) :]:
            if option.code in seen:
                self.problem(item.id, f"option code '{option.code}' appears more than once")
            seen.add(option.code)
        if item.type == "single" and len(item.options) < 2:
            self.problem(item.id, "a single item needs at least two options")

    def bounds(self, item: Item) -> None:
        if item.type == "text" and item.max_length is None:
            self.problem(item.id, "a text item needs max_length")
        if item.type != "text" and item.max_length is not None:
            self.problem(item.id, "max_length is only for text items")
        if item.type != "number" and not item.integer:
            self.problem(item.id, "integer is only for number items")
        bounds = {"min": item.minimum, "max": item.maximum}
        if item.type not in ("number", "month_year"):
            if any(bound is not None for bound in bounds.values()):
                self.problem(item.id, "min and max are only for number and month_year items")
            return
        for name, bound in bounds.items():
            if bound is None:
                continue
            if item.type == "number" and isinstance(bound, str):
                self.problem(item.id, f"{name} must be a number")
                return
            if item.type == "month_year" and not (
                isinstance(bound, str) and _MONTH.fullmatch(bound)
            ):
                self.problem(item.id, f"{name} must be a month written YYYY-MM, like 2024-03")
                return
        low, high = item.minimum, item.maximum
        if _greater(low, high):
            self.problem(item.id, f"min ({low}) is greater than max ({high})")

    def guard(
        self, condition: Condition | None, where: str, owner: str | None, limit: int | None
    ) -> None:
        """Check one condition's references; ``limit`` is the first position it may not read."""
        if condition is None:
            return
        for ref in sorted(condition.item_ids()):
            if not self.q.has_item(ref):
                self.problem(owner, f"{where} refers to unknown item '{ref}'")
                continue
            target = self.q.item(ref)
            if not target.is_answerable:
                self.problem(owner, f"{where} refers to '{ref}', which is information only")
            elif limit is not None and self.position[ref] >= limit:
                # Routing only looks back, so one pass in file order settles every question.
                self.problem(
                    owner,
                    f"{where} refers to '{ref}', which comes later; "
                    "a condition may only refer to earlier items",
                )
            for value in sorted(condition.values_for(ref), key=repr):
                if target.is_choice and value not in target.option_codes:
                    self.problem(owner, f"{where}: '{value}' is not an option of '{ref}'")
                elif target.type == "number" and isinstance(value, str):
                    self.problem(owner, f"{where}: '{ref}' is a number, so compare it with one")

    def routing(self) -> None:
        for section in self.q.sections:
            first = section.pages[0].items[0].id
            self.guard(
                section.show_if, f"section '{section.id}' show_if", None, self.position[first]
            )
            for page in section.pages:
                limit = self.position[page.items[0].id]
                own = _page_own_condition(section, page)
                self.guard(own, f"page '{page.id}' show_if", None, limit)
                for item in page.items:
                    self.guard(item.show_if, "show_if", item.id, self.position[item.id])

    def referenced_ids(self) -> frozenset[str]:
        conditions = [section.show_if for section in self.q.sections]
        conditions += [page.show_if for page in self.q.pages]
        conditions += [item.show_if for item in self.q.items]
        return frozenset().union(*(c.item_ids() for c in conditions if c is not None))

    def filters(self) -> None:
        referenced = self.referenced_ids()
        for item in self.q.items:
            if not item.filter:
                continue
            if item.type != "single" or "yes" not in item.option_codes:
                self.problem(item.id, "a filter item must be a single item with a 'yes' option")
            elif item.id not in referenced:
                self.problem(item.id, "a filter item must guard something, but no show_if uses it")

    def existing_single(self, item_id: str, where: str, rule: str) -> Item | None:
        if not self.q.has_item(item_id):
            self.problem(None, f"{where}: item '{item_id}' does not exist")
            return None
        item = self.q.item(item_id)
        if item.type != "single":
            self.problem(item_id, f"{where}: {rule}")
            return None
        return item

    def indicators(self) -> None:
        for indicator in self.q.indicators:
            where = f"indicator '{indicator.id}'"
            item = self.existing_single(indicator.item_id, where, "item must be a single item")
            self.guard(indicator.among, f"{where} among", None, None)
            if item is None:
                continue
            if indicator.kind == "match":
                if indicator.numerator:
                    self.problem(item.id, f"{where}: a match indicator has no numerator")
                if indicator.other_item_id is None:
                    self.problem(item.id, f"{where}: a match indicator needs other_item")
                else:
                    self.existing_single(
                        indicator.other_item_id, where, "other_item must be a single item"
                    )
                continue
            if indicator.other_item_id is not None:
                self.problem(item.id, f"{where}: other_item is only for match indicators")
            if not indicator.numerator:
                self.problem(item.id, f"{where} needs a numerator")
            for code in indicator.numerator:
                if code not in item.option_codes:
                    self.problem(item.id, f"{where}: numerator code '{code}' is not an option")
                elif not item.option(code).substantive:
                    self.problem(
                        item.id,
                        f"{where}: numerator code '{code}' is not substantive, "
                        "so it is never in the denominator",
                    )

    def domains(self) -> None:
        for domain in self.q.domains:
            for item_id in domain.item_ids:
                where = f"domain '{domain.id}'"
                item = self.existing_single(item_id, where, "only single items can be scored")
                if item is not None and not item.is_scorable:
                    self.problem(item_id, f"{where}: scoring needs two or more substantive options")

    def case_mix(self) -> None:
        for item_id in self.q.case_mix:
            self.existing_single(item_id, "case_mix", "case-mix items must be single items")

    def sms_form(self) -> None:
        for item_id in self.q.sms_form:
            if not self.q.has_item(item_id):
                self.problem(None, f"sms_form: item '{item_id}' does not exist")
                continue
            item = self.q.item(item_id)
            if item.type not in SMS_TYPES:
                self.problem(item_id, "sms_form items must be single, number or text items")
            if item.sms_text is None:
                self.problem(item_id, "an item in sms_form needs sms wording")
        for item in self.q.items:
            if item.sms_text is not None and item.id not in self.q.sms_form:
                self.problem(item.id, "has sms wording but is not in sms_form")

    def texts(self) -> Iterable[tuple[str | None, str, str | None]]:
        """Every piece of carer-facing text as (item id, field name, text)."""
        yield None, "title", self.q.title
        for scale_id, options in self.q.scales.items():
            for option in options:
                yield None, f"scale '{scale_id}' option '{option.code}' label", option.label
        for section in self.q.sections:
            yield None, f"section '{section.id}' title", section.title
            yield None, f"section '{section.id}' intro", section.intro
        for item in self.q.items:
            yield item.id, "text", item.text
            yield item.id, "hint", item.hint
            yield item.id, "sms", item.sms_text
            scale = self.q.scales.get(item.scale_id, ()) if item.scale_id else ()
            for option in item.options[len(scale) :]:
                yield item.id, f"option '{option.code}' label", option.label

    def placeholders(self) -> None:
        uses_person = False
        for item_id, name, text in self.texts():
            for token in _BRACES.findall(text or ""):
                if token == PLACEHOLDER:
                    uses_person = True
                else:
                    self.problem(
                        item_id, f"{name} contains '{token}'; {PLACEHOLDER} is the only placeholder"
                    )
        if uses_person and self.q.piping is None:
            self.problem(None, f"the text uses {PLACEHOLDER} but the file has no piping section")

    def piping(self) -> None:
        piping = self.q.piping
        if piping is None:
            return
        phrases = [piping.default, *piping.by_relationship.values()]
        if any(_BRACES.search(phrase) for phrase in phrases):
            self.problem(None, "piping phrases cannot contain { or }")
        if piping.relationship_item is None:
            if piping.by_relationship:
                self.problem(None, "piping.by_relationship needs piping.relationship_item")
            return
        item = self.existing_single(
            piping.relationship_item, "piping", "relationship_item must be a single item"
        )
        if item is None:
            return
        for code in piping.by_relationship:
            if code not in item.option_codes:
                self.problem(item.id, f"piping.by_relationship: '{code}' is not an option")


def semantic_problems(q: Questionnaire, file: str) -> list[Problem]:
    """Every cross-reference and consistency problem in a built questionnaire, in file order."""
    checks = _Checks(q, file)
    checks.unique_ids()
    checks.scales()
    for item in q.items:
        checks.options(item)
        checks.bounds(item)
    checks.routing()
    checks.filters()
    checks.indicators()
    checks.domains()
    checks.case_mix()
    checks.sms_form()
    checks.placeholders()
    checks.piping()
    return checks.problems
