"""Local modules: an area's approved local questions composed after the locked core, and checked.

A module is plain data (what the co-design service stores and freezes):

    {"id": "north-riverside", "version": 2, "title": "Questions from local groups",
     "items": [{"id": "local.faith_needs", "type": "single", "text": "...", "options": [...],
                "hint": "...", "sms": "..."}]}

Composing copies the core file's data, appends one section (id ``local``) with one page per
local question, and adds local SMS wording to the end of ``sms_form``. Whatever the module
holds, ``module_problems`` refuses a composed questionnaire whose core part differs from the
core in any way a comparison could notice: items, order, options, routing, indicators,
domains, case mix, piping, scales or the SMS form. Local routing may only read local items.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from .errors import Problem
from .localisation import (
    LOCAL_SECTION_ID,
    Translate,
    item_context,
    item_option_context,
    section_context,
)
from .schema import Questionnaire
from .validation import check_questionnaire_data

LOCAL_PREFIX = "local."
# Item fields a local question may set; anything else (filter flags, scales) stays core-only.
LOCAL_ITEM_FIELDS = frozenset(
    {"id", "type", "text", "hint", "options", "max_length", "min", "max", "integer", "sms"}
    | {"show_if"}
)
MAX_LOCAL_ITEMS = 30

_SLUG_CHARACTERS = re.compile(r"[^a-z0-9]+")


def no_translation(_context: str, source: str) -> str:
    """The Translate used when nothing is translated: the source text itself."""
    return source


def composed_id(core_id: str, module_id: str) -> str:
    """The questionnaire id of an area's composed questionnaire (core id + module id)."""
    return f"{core_id}-{module_id}"


def local_item_id(slug: str) -> str:
    """A local item id from any label: ``local.`` + lower-case letters, digits, underscores."""
    cleaned = _SLUG_CHARACTERS.sub("_", slug.lower()).strip("_")[:60] or "question"
    if cleaned[0].isdigit():
        cleaned = "q_" + cleaned
    return LOCAL_PREFIX + cleaned


def _page_id(item_id: str) -> str:
    return "local-" + item_id.removeprefix(LOCAL_PREFIX).replace("_", "-")


def compose_data(core_data: Mapping[str, Any], module: Mapping[str, Any]) -> dict[str, Any]:
    """The composed questionnaire as file data: the core untouched, the local section after it."""
    data = copy.deepcopy(dict(core_data))
    items = [dict(item) for item in module.get("items", ())]
    data["id"] = composed_id(str(core_data["id"]), str(module["id"]))
    # The core's texts keep their translations under the core's own id (localisation.py).
    data["based_on"] = str(core_data["id"])
    data["version"] = module["version"]
    if items:
        data["sections"] = [
            *data["sections"],
            {
                "id": LOCAL_SECTION_ID,
                "title": module.get("title") or "Local questions",
                "pages": [{"id": _page_id(str(item["id"])), "items": [item]} for item in items],
            },
        ]
        with_sms = [str(item["id"]) for item in items if item.get("sms")]
        if with_sms:
            data["sms_form"] = [*data.get("sms_form", ()), *with_sms]
    return data


def compose_questionnaire(
    core_data: Mapping[str, Any], module: Mapping[str, Any], label: str = "local module"
) -> tuple[Questionnaire | None, dict[str, Any], list[Problem]]:
    """Compose, then run every file check and every module check; the questionnaire or problems."""
    problems = module_item_problems(module, label)
    data = compose_data(core_data, module)
    if problems:
        return None, data, problems
    core, core_problems = check_questionnaire_data(dict(core_data), label)
    if core is None:
        return None, data, core_problems
    composed, problems = check_questionnaire_data(data, label)
    if composed is None:
        return None, data, problems
    problems = module_problems(core, composed, label)
    return (None, data, problems) if problems else (composed, data, [])


def module_item_problems(module: Mapping[str, Any], label: str) -> list[Problem]:
    """Problems visible in the module alone: ids outside ``local.``, core-only fields, size."""
    problems: list[Problem] = []
    items = list(module.get("items", ()))
    if len(items) > MAX_LOCAL_ITEMS:
        problems.append(Problem(label, None, f"a module holds at most {MAX_LOCAL_ITEMS} questions"))
    for item in items:
        item_id = str(item.get("id", ""))
        if not item_id.startswith(LOCAL_PREFIX):
            problems.append(
                Problem(label, item_id or None, f"local item ids must start with '{LOCAL_PREFIX}'")
            )
        for name in sorted(set(item) - LOCAL_ITEM_FIELDS):
            problems.append(Problem(label, item_id or None, f"'{name}' is for core items only"))
    return problems


def module_problems(core: Questionnaire, composed: Questionnaire, label: str) -> list[Problem]:
    """Everything that would make the composed questionnaire change the core; empty when fine."""
    problems: list[Problem] = []

    def problem(item_id: str | None, message: str) -> None:
        problems.append(Problem(label, item_id, message))

    core_count = len(core.sections)
    if composed.sections[:core_count] != core.sections:
        # Dataclass equality covers every item's text, options, routing, page and order.
        for index, section in enumerate(core.sections):
            other = composed.sections[index] if index < len(composed.sections) else None
            if other != section:
                problem(None, f"core section '{section.id}' was changed, moved or removed")
        if not problems:
            problem(None, "the core sections were changed")
    local_sections = composed.sections[core_count:]
    if len(local_sections) > 1 or any(s.id != LOCAL_SECTION_ID for s in local_sections):
        problem(None, f"local questions go in one section, '{LOCAL_SECTION_ID}', after the core")
    core_ids = {item.id for item in core.items}
    local_items = [
        item for section in local_sections for page in section.pages for item in page.items
    ]
    local_ids = {item.id for item in local_items}
    for item in local_items:
        if item.id in core_ids:
            problem(item.id, "a local question cannot replace a core item")
        elif not item.id.startswith(LOCAL_PREFIX):
            problem(item.id, f"local item ids must start with '{LOCAL_PREFIX}'")
        for condition in (item.show_if, composed.page(item.page_id).show_if):
            for ref in sorted(condition.item_ids() if condition is not None else ()):
                if ref not in local_ids:
                    problem(item.id, f"local routing may only read local questions, not '{ref}'")
    for name in ("indicators", "domains", "case_mix", "piping", "scales", "title", "languages"):
        if getattr(composed, name) != getattr(core, name):
            problem(None, f"the core's {name.replace('_', ' ')} cannot be changed by a module")
    if composed.sms_form[: len(core.sms_form)] != core.sms_form:
        problem(None, "the core's SMS questions cannot be changed or re-ordered by a module")
    for item_id in composed.sms_form[len(core.sms_form) :]:
        if item_id not in local_ids:
            problem(item_id, "only local questions can be added to the SMS form")
    return problems


def module_strings(module: Mapping[str, Any], core_id: str) -> list[tuple[str, str]]:
    """Every carer-facing string of a module as (msgctxt, source text), for translation.

    The contexts are the ones localisation.py looks up for the area's composed questionnaire
    (``<core id>-<area>:<item id>:<field>``, options ``...:option:<code>``, the section title
    ``...:section:local:title``). They leave the module version out, as the core's leave out
    the file version: a question kept in the next version keeps its translation, and a
    reworded one shows translators its old wording.
    """
    return [(context, source) for context, source, _ in _string_slots(module, core_id)]


def translate_module(
    module: Mapping[str, Any], translate: Translate, core_id: str
) -> dict[str, Any]:
    """A copy of the module with every string passed through ``translate``."""
    translated = copy.deepcopy(dict(module))
    for context, source, put in _string_slots(translated, core_id):
        put(translate(context, source))
    return translated


def _string_slots(
    module: dict[str, Any] | Mapping[str, Any], core_id: str
) -> Iterator[tuple[str, str, Callable[[str], None]]]:
    own = composed_id(core_id, str(module["id"]))
    if module.get("title"):
        yield (
            section_context(own, LOCAL_SECTION_ID, "title"),
            str(module["title"]),
            _setter(module, "title"),
        )
    for item in module.get("items", ()):
        item_id = str(item["id"])
        for name in ("text", "hint", "sms"):
            if item.get(name):
                yield item_context(own, item_id, name), str(item[name]), _setter(item, name)
        for option in item.get("options", ()):
            yield (
                item_option_context(own, item_id, str(option["code"])),
                str(option["label"]),
                _setter(option, "label"),
            )


def _setter(target: Any, key: str) -> Callable[[str], None]:
    def put(value: str) -> None:
        target[key] = value

    return put


def core_item_ids(composed: Questionnaire) -> tuple[str, ...]:
    """The ids of the items outside the local section, in order."""
    return tuple(item.id for item in composed.items if item.section_id != LOCAL_SECTION_ID)


def local_items_of(composed: Questionnaire) -> Sequence[str]:
    """The ids of the local section's items, in order."""
    return tuple(item.id for item in composed.items if item.section_id == LOCAL_SECTION_ID)
