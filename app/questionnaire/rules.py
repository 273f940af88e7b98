"""Routing conditions as data: parsed from the file by an operator table, never passed to eval."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .schema import Answers, AnswerValue

ConditionValue = str | int | float


class Condition(ABC):
    """A yes/no rule over the answers given so far."""

    __slots__ = ()

    @abstractmethod
    def evaluate(self, answers: Answers) -> bool:
        """Say whether the rule holds for these answers."""

    @abstractmethod
    def item_ids(self) -> frozenset[str]:
        """Every item the rule reads."""

    def values_for(self, item_id: str) -> frozenset[ConditionValue]:
        """Every value the rule compares ``item_id`` with (for checking option codes)."""
        return frozenset()


def _is_empty(answer: AnswerValue | None) -> bool:
    return answer is None or answer == "" or answer == ()


def _matches(answer: AnswerValue | None, value: ConditionValue) -> bool:
    if _is_empty(answer):
        return False
    if isinstance(answer, tuple):
        # A multiple-choice answer "equals" a code when the carer ticked it.
        return value in answer
    return answer == value


@dataclass(frozen=True, slots=True)
class Equals(Condition):
    """The item's answer is ``value`` (for a multiple-choice item: includes it)."""

    item_id: str
    value: ConditionValue

    def evaluate(self, answers: Answers) -> bool:
        return _matches(answers.get(self.item_id), self.value)

    def item_ids(self) -> frozenset[str]:
        return frozenset({self.item_id})

    def values_for(self, item_id: str) -> frozenset[ConditionValue]:
        return frozenset({self.value}) if item_id == self.item_id else frozenset()


@dataclass(frozen=True, slots=True)
class In(Condition):
    """The item's answer is (or, for a multiple-choice item, includes) any of ``values``."""

    item_id: str
    values: tuple[ConditionValue, ...]

    def evaluate(self, answers: Answers) -> bool:
        answer = answers.get(self.item_id)
        return any(_matches(answer, value) for value in self.values)

    def item_ids(self) -> frozenset[str]:
        return frozenset({self.item_id})

    def values_for(self, item_id: str) -> frozenset[ConditionValue]:
        return frozenset(self.values) if item_id == self.item_id else frozenset()


@dataclass(frozen=True, slots=True)
class Answered(Condition):
    """The item has (``expected=True``) or has not (``False``) a non-empty answer."""

    item_id: str
    expected: bool = True

    def evaluate(self, answers: Answers) -> bool:
        return (not _is_empty(answers.get(self.item_id))) == self.expected

    def item_ids(self) -> frozenset[str]:
        return frozenset({self.item_id})


@dataclass(frozen=True, slots=True)
class Not(Condition):
    """The inner condition does not hold."""

    condition: Condition

    def evaluate(self, answers: Answers) -> bool:
        return not self.condition.evaluate(answers)

    def item_ids(self) -> frozenset[str]:
        return self.condition.item_ids()

    def values_for(self, item_id: str) -> frozenset[ConditionValue]:
        return self.condition.values_for(item_id)


@dataclass(frozen=True, slots=True)
class And(Condition):
    """Every inner condition holds."""

    conditions: tuple[Condition, ...]

    def evaluate(self, answers: Answers) -> bool:
        return all(condition.evaluate(answers) for condition in self.conditions)

    def item_ids(self) -> frozenset[str]:
        return frozenset().union(*(c.item_ids() for c in self.conditions))

    def values_for(self, item_id: str) -> frozenset[ConditionValue]:
        return frozenset().union(*(c.values_for(item_id) for c in self.conditions))


@dataclass(frozen=True, slots=True)
class Or(Condition):
    """At least one inner condition holds."""

    conditions: tuple[Condition, ...]

    def evaluate(self, answers: Answers) -> bool:
        return any(condition.evaluate(answers) for condition in self.conditions)

    def item_ids(self) -> frozenset[str]:
        return frozenset().union(*(c.item_ids() for c in self.conditions))

    def values_for(self, item_id: str) -> frozenset[ConditionValue]:
        return frozenset().union(*(c.values_for(item_id) for c in self.conditions))


def all_of(*conditions: Condition | None) -> Condition | None:
    """Combine conditions with AND, dropping absent ones (None when nothing is left)."""
    present = tuple(condition for condition in conditions if condition is not None)
    if not present:
        return None
    if len(present) == 1:
        return present[0]
    return And(present)


def _comparable(value: object, where: str) -> ConditionValue:
    # bool is an int in Python; an unquoted YAML yes/no arrives as one and must not pass.
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(
            f"{where}: compare with text or a number, not {value!r} "
            "(quote yes, no, on and off so they stay text)"
        )
    return value


def _item_id(data: Mapping[str, Any], operator: str, where: str) -> str:
    item_id = data.get("item")
    if not isinstance(item_id, str) or not item_id:
        raise ValueError(f"{where}: '{operator}' needs 'item' naming the item to test")
    return item_id


def _parse_equals(data: Mapping[str, Any], where: str) -> Condition:
    return Equals(_item_id(data, "equals", where), _comparable(data["equals"], where))


def _parse_in(data: Mapping[str, Any], where: str) -> Condition:
    values = data["in"]
    if not isinstance(values, list) or not values:
        raise ValueError(f"{where}: 'in' needs a non-empty list of values")
    item_id = _item_id(data, "in", where)
    return In(item_id, tuple(_comparable(value, where) for value in values))


def _parse_answered(data: Mapping[str, Any], where: str) -> Condition:
    expected = data["answered"]
    if not isinstance(expected, bool):
        raise ValueError(f"{where}: 'answered' must be true or false")
    return Answered(_item_id(data, "answered", where), expected)


def _parse_not(data: Mapping[str, Any], where: str) -> Condition:
    return Not(parse_condition(data["not"], f"{where}.not"))


def _parse_group(operator: str) -> Callable[[Mapping[str, Any], str], Condition]:
    def parse(data: Mapping[str, Any], where: str) -> Condition:
        parts = data[operator]
        if not isinstance(parts, list) or not parts:
            raise ValueError(f"{where}: '{operator}' needs a non-empty list of conditions")
        inner = tuple(
            parse_condition(part, f"{where}.{operator}[{index}]")
            for index, part in enumerate(parts)
        )
        return And(inner) if operator == "and" else Or(inner)

    return parse


# Operators that test one item take the item under "item"; the others nest conditions.
_ITEM_OPERATORS: dict[str, Callable[[Mapping[str, Any], str], Condition]] = {
    "equals": _parse_equals,
    "in": _parse_in,
    "answered": _parse_answered,
}
_NESTING_OPERATORS: dict[str, Callable[[Mapping[str, Any], str], Condition]] = {
    "not": _parse_not,
    "and": _parse_group("and"),
    "or": _parse_group("or"),
}
OPERATORS = frozenset(_ITEM_OPERATORS) | frozenset(_NESTING_OPERATORS)


def parse_condition(data: object, where: str) -> Condition:
    """Build a condition from its file form; raise ValueError saying what is wrong and where."""
    if not isinstance(data, Mapping):
        raise ValueError(f"{where}: a condition must be a mapping such as {{item: x, equals: y}}")
    keys = set(data)
    operators = keys & OPERATORS
    unknown = keys - OPERATORS - {"item"}
    if unknown:
        names = ", ".join(sorted(map(str, unknown)))
        raise ValueError(f"{where}: unknown condition key(s): {names}")
    if len(operators) != 1:
        raise ValueError(
            f"{where}: a condition needs exactly one of {', '.join(sorted(OPERATORS))}"
        )
    (operator,) = operators
    if operator in _NESTING_OPERATORS:
        if "item" in keys:
            raise ValueError(f"{where}: '{operator}' does not take 'item'")
        return _NESTING_OPERATORS[operator](data, where)
    return _ITEM_OPERATORS[operator](data, where)
