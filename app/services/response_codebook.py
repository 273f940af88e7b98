"""The codebook of the SPSS/Stata files: variable names, numeric codes, labels and missing codes.

SPSS and Stata store choices as numbers, so every option code gets a number: its position in
the questionnaire's option list, counting from 1. Option codes never change and a published
version's options never move, so the numbers are stable; the data dictionary lists them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from app.questionnaire import (
    And,
    Answered,
    Condition,
    Equals,
    In,
    Item,
    Not,
    Or,
    Questionnaire,
    render_text,
)
from app.services.errors import ServiceError
from app.services.response_csv_format import FIXED_COLUMNS

# Why a numeric cell is empty. Negative, so they never meet an option number (1, 2, ...).
SKIPPED = -1  # the carer saw the question and chose not to answer
NOT_ASKED = -2  # routing went past it (e.g. no hospital questions when there was no stay)
NOT_RECORDED = -3  # on the route but never shown: a paper return, or a response not finished
MISSING_REASONS: dict[int, str] = {
    SKIPPED: "Skipped (seen, not answered)",
    NOT_ASKED: "Not asked (routed past)",
    NOT_RECORDED: "Not recorded (no answer on record)",
}
# Stata has no user-missing numbers, only the extended missing values .a to .z.
STATA_MISSING: dict[int, str] = {SKIPPED: "a", NOT_ASKED: "b", NOT_RECORDED: "c"}
STATA_DONT_KNOW = "d"
DONT_KNOW_CODE = "dk"
NOT_SELECTED, SELECTED = 0, 1

STATA_NAME_LIMIT = 32  # Stata's limit; SPSS allows 64 but the same names serve both
STATA_LABEL_LIMIT = 80
SPSS_LABEL_LIMIT = 256

StatsFormat = Literal["sav", "dta"]
STATS_FORMATS: tuple[StatsFormat, ...] = ("sav", "dta")

Kind = Literal["fixed_text", "fixed_number", "fixed_datetime", "choice", "flag", "number", "text"]
KIND_DESCRIPTIONS: dict[Kind, str] = {
    "fixed_text": "text",
    "fixed_number": "number",
    "fixed_datetime": "date and time (UTC)",
    "choice": "single choice (numeric code)",
    "flag": "multiple choice: 1 if ticked, 0 if not",
    "number": "number",
    "text": "text",
}


class ExportCodeUnknown(ServiceError):
    """A stored answer uses an option code the exported questionnaire version does not have."""

    def __init__(self, item_id: str, code: str) -> None:
        super().__init__(
            f"an answer to {item_id} is {code!r}, which this questionnaire version does not "
            "list; export the CSV, or the version that has it"
        )
        self.item_id = item_id
        self.code = code


@dataclass(frozen=True)
class Variable:
    """One column of the SPSS/Stata file and where its values come from."""

    name: str
    csv_column: str
    label: str
    kind: Kind
    item: Item | None = None
    # Numeric code -> label, for choice and flag variables.
    value_labels: dict[int, str] = field(default_factory=dict)
    # Numeric code -> option code as the CSV writes it (choices only).
    codes: dict[int, str] = field(default_factory=dict)
    # For a flag: the option code it stands for.
    option_code: str | None = None
    dont_know: int | None = None
    asked_of: str = "everyone"

    @property
    def is_numeric_coded(self) -> bool:
        """Whether missing reasons are written as negative codes (SPSS) / .a-.c (Stata)."""
        if self.kind in ("choice", "flag"):
            return True
        # A number item whose answers can be negative would collide with the codes.
        return (
            self.kind == "number"
            and self.item is not None
            and isinstance(self.item.minimum, int | float)
            and self.item.minimum >= 0
        )

    def spss_missing(self) -> list[int | dict[str, int]]:
        """SPSS user-missing declaration: the reason range, plus don't know when there is one."""
        if not self.is_numeric_coded:
            return []
        declared: list[int | dict[str, int]] = [{"lo": NOT_RECORDED, "hi": SKIPPED}]
        if self.dont_know is not None:
            declared.append(self.dont_know)
        return declared

    def stata_missing(self) -> list[str]:
        if not self.is_numeric_coded:
            return []
        letters = list(STATA_MISSING.values())
        return [*letters, STATA_DONT_KNOW] if self.dont_know is not None else letters


@dataclass(frozen=True)
class Codebook:
    """Every variable of one questionnaire version, in file order after the fixed columns."""

    questionnaire_id: str
    version: int
    variables: tuple[Variable, ...]

    @property
    def names(self) -> list[str]:
        return [variable.name for variable in self.variables]


def build_codebook(questionnaire: Questionnaire) -> Codebook:
    """The variables for ``questionnaire``: fixed columns, then items (flags for multiples)."""
    taken: set[str] = set()
    variables = [_fixed_variable(column, taken) for column in FIXED_COLUMNS]
    conditions = _conditions_by_item(questionnaire)
    default_person = questionnaire.piping.default if questionnaire.piping else "the person"
    for item in questionnaire.answerable_items:
        label = " ".join(render_text(item.text, default_person).split())
        asked_of = describe_condition(conditions.get(item.id))
        if item.type == "multiple":
            base = variable_name(item.id, taken, reserve=3)
            for position, option in enumerate(item.options, start=1):
                variables.append(
                    Variable(
                        name=variable_name(f"{base}_{position}", taken),
                        csv_column=item.id,
                        label=f"{label} [{option.label}]",
                        kind="flag",
                        item=item,
                        value_labels={NOT_SELECTED: "Not ticked", SELECTED: "Ticked"},
                        option_code=option.code,
                        asked_of=asked_of,
                    )
                )
            continue
        if item.type == "single":
            codes = {position: option.code for position, option in enumerate(item.options, 1)}
            labels = {position: option.label for position, option in enumerate(item.options, 1)}
            dont_know = next((n for n, code in codes.items() if code == DONT_KNOW_CODE), None)
            variables.append(
                Variable(
                    name=variable_name(item.id, taken),
                    csv_column=item.id,
                    label=label,
                    kind="choice",
                    item=item,
                    value_labels=labels,
                    codes=codes,
                    dont_know=dont_know,
                    asked_of=asked_of,
                )
            )
            continue
        kind: Kind = "number" if item.type == "number" else "text"  # month_year stays YYYY-MM
        variables.append(
            Variable(
                name=variable_name(item.id, taken),
                csv_column=item.id,
                label=label,
                kind=kind,
                item=item,
                asked_of=asked_of,
            )
        )
    return Codebook(questionnaire.id, questionnaire.version, tuple(variables))


def variable_name(wanted: str, taken: set[str], *, reserve: int = 0) -> str:
    """A name both Stata and SPSS accept, unique among ``taken`` (which it joins).

    Letters, digits and underscores, starting with a letter, at most 32 characters (less
    ``reserve``, room for a suffix the caller will add). "hospital.rating" -> "hospital_rating".
    """
    name = re.sub(r"[^A-Za-z0-9_]", "_", wanted)
    if not name[:1].isalpha():
        name = "v_" + name
    name = name[: STATA_NAME_LIMIT - reserve]
    candidate, counter = name, 2
    while candidate.lower() in taken:
        suffix = f"_{counter}"
        candidate = name[: STATA_NAME_LIMIT - reserve - len(suffix)] + suffix
        counter += 1
    taken.add(candidate.lower())
    return candidate


def shorten(label: str, limit: int) -> str:
    """A label cut to ``limit`` characters at a word, marked with an ellipsis when cut."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 3].rsplit(" ", 1)[0]
    return cut + "..."


def describe_condition(condition: Condition | None) -> str:
    """Who is asked, in words an analyst can check against the file: "hospital.any_time = yes"."""
    if condition is None:
        return "everyone"
    return "asked when " + _describe(condition)


def _describe(condition: Condition) -> str:
    if isinstance(condition, Equals):
        return f"{condition.item_id} = {condition.value}"
    if isinstance(condition, In):
        return f"{condition.item_id} is one of {', '.join(map(str, condition.values))}"
    if isinstance(condition, Answered):
        return f"{condition.item_id} {'is answered' if condition.expected else 'is not answered'}"
    if isinstance(condition, Not):
        return f"not ({_describe(condition.condition)})"
    if isinstance(condition, And | Or):
        joiner = " and " if isinstance(condition, And) else " or "
        return joiner.join(_bracketed(inner) for inner in condition.conditions)
    return "a routing rule"


def _bracketed(condition: Condition) -> str:
    text = _describe(condition)
    return f"({text})" if isinstance(condition, And | Or) else text


def _conditions_by_item(questionnaire: Questionnaire) -> dict[str, Condition]:
    """Each item's whole condition: its page's (which includes its section's) and its own."""
    found: dict[str, Condition] = {}
    for page in questionnaire.pages:
        for item in page.items:
            parts = [c for c in (page.show_if, item.show_if) if c is not None]
            if len(parts) == 1:
                found[item.id] = parts[0]
            elif parts:
                found[item.id] = And(tuple(parts))
    return found


def routing_item_ids(questionnaire: Questionnaire) -> frozenset[str]:
    """The items whose answers decide the route: a response's route depends on these alone."""
    conditions: Iterable[Condition | None] = [
        *(page.show_if for page in questionnaire.pages),
        *(item.show_if for item in questionnaire.items),
    ]
    return frozenset().union(*(c.item_ids() for c in conditions if c is not None))


_FIXED_LABELS = {
    "response_id": "Response id (random)",
    "questionnaire_id": "Questionnaire",
    "questionnaire_version": "Questionnaire version",
    "area": "Area (slug)",
    "community_group": "Community group (slug)",
    "language": "Language answered in",
    "channel": "Channel (web, sms, paper, import, phone)",
    "status": "Status (submitted, in_progress)",
    "submitted_at": "When the response was sent (UTC)",
}


def _fixed_variable(column: str, taken: set[str]) -> Variable:
    kind: Kind = "fixed_text"
    if column == "questionnaire_version":
        kind = "fixed_number"
    elif column == "submitted_at":
        kind = "fixed_datetime"
    return Variable(variable_name(column, taken), column, _FIXED_LABELS[column], kind)
