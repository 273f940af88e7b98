"""Turn engine pages into plain view data for the templates (no logic in Jinja)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from app.questionnaire import (
    AnswerValue,
    Item,
    Page,
    Questionnaire,
    path,
    person_phrase,
    render_text,
    visible_items,
)


def not_answered() -> str:
    # Also quoted on the check page ("Questions you left blank say ..."): the same msgid.
    return str(gettext("Not answered"))


@dataclass(frozen=True)
class OptionView:
    code: str
    label: str
    checked: bool
    substantive: bool


@dataclass(frozen=True)
class QuestionView:
    item_id: str
    type: str
    text: str
    hint: str | None
    options: tuple[OptionView, ...] = ()
    value: str = ""
    month: str = ""
    year: str = ""
    error: str | None = None
    max_length: int | None = None

    def choice_items(self, divider: str = "or") -> list[dict[str, object]]:
        """Radio or checkbox items, best first, with "Don't know"-style options after an "or"."""
        items: list[dict[str, object]] = []
        divided = False
        for index, option in enumerate(self.options):
            if not option.substantive and not divided and index > 0:
                items.append({"divider": divider})
                divided = True
            items.append({"value": option.code, "text": option.label, "checked": option.checked})
        return items


@dataclass(frozen=True)
class PageView:
    page_id: str
    section_title: str
    section_intro: str | None
    questions: tuple[QuestionView, ...]
    position: int
    total: int
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def single_question(self) -> QuestionView | None:
        answerable = [q for q in self.questions if q.type != "info"]
        return answerable[0] if len(answerable) == 1 else None


@dataclass(frozen=True)
class CheckRow:
    question: str
    answer: str
    page_id: str
    item_id: str


@dataclass(frozen=True)
class CheckSection:
    title: str
    rows: tuple[CheckRow, ...]


def raw_form_for_page(page: Page, form: MultiDict[str, str]) -> dict[str, str | list[str]]:
    """The posted values for this page's items only, in the shapes the engine parses."""
    raw: dict[str, str | list[str]] = {}
    for item in page.items:
        if item.type == "multiple":
            raw[item.id] = form.getlist(item.id)
        elif item.type == "month_year":
            month = form.get(f"{item.id}-month", "").strip()
            year = form.get(f"{item.id}-year", "").strip()
            raw[item.id] = f"{month}/{year}" if (month or year) else ""
        elif item.is_answerable:
            raw[item.id] = form.get(item.id, "")
    return raw


def build_page_view(
    questionnaire: Questionnaire,
    route: Sequence[Page],
    position: int,
    stored: Mapping[str, AnswerValue | None],
    shown: Mapping[str, object],
    errors: Mapping[str, str],
    person_name: str | None,
) -> PageView:
    """The page at `position` (0-based) of the carer's route, ready for the template."""
    page = route[position]
    phrase = person_phrase(questionnaire, stored, person_name)
    section = next(s for s in questionnaire.sections if s.id == page.section_id)
    is_first_page_of_section = section.pages[0].id == page.id
    questions = tuple(
        _question_view(item, shown.get(item.id), errors.get(item.id), phrase)
        for item in visible_items(questionnaire, page, stored)
    )
    return PageView(
        page_id=page.id,
        section_title=section.title,
        section_intro=render_text(section.intro, phrase)
        if section.intro and is_first_page_of_section
        else None,
        questions=questions,
        position=position + 1,
        total=len(route),
        errors=dict(errors),
    )


def _question_view(item: Item, value: object, error: str | None, phrase: str) -> QuestionView:
    chosen = _chosen_codes(value)
    options = tuple(
        OptionView(o.code, o.label, o.code in chosen, o.substantive) for o in item.options
    )
    month = year = ""
    text_value = "" if value is None or isinstance(value, (tuple, list)) else str(value)
    if item.type == "month_year" and text_value:
        if "-" in text_value and len(text_value) == 7:
            year, month = text_value.split("-")
        elif "/" in text_value:
            month, _, year = text_value.partition("/")
    return QuestionView(
        item_id=item.id,
        type=item.type,
        text=render_text(item.text, phrase),
        hint=render_text(item.hint, phrase) if item.hint else None,
        options=options,
        value=text_value,
        month=month,
        year=year,
        error=error,
        max_length=item.max_length,
    )


def _chosen_codes(value: object) -> set[str]:
    if value is None:
        return set()
    if isinstance(value, (tuple, list)):
        return {str(v) for v in value}
    return {str(value)}


def build_check_rows(
    questionnaire: Questionnaire,
    answers: Mapping[str, AnswerValue | None],
    person_name: str | None,
) -> tuple[CheckSection, ...]:
    """Every answerable question on the carer's route with their answer, grouped by section."""
    phrase = person_phrase(questionnaire, answers, person_name)
    by_section: dict[str, list[CheckRow]] = {}
    for page in path(questionnaire, answers):
        for item in visible_items(questionnaire, page, answers):
            if not item.is_answerable:
                continue
            by_section.setdefault(page.section_id, []).append(
                CheckRow(
                    question=render_text(item.text, phrase),
                    answer=display_answer(item, answers.get(item.id)),
                    page_id=page.id,
                    item_id=item.id,
                )
            )
    return tuple(
        CheckSection(title=section.title, rows=tuple(by_section[section.id]))
        for section in questionnaire.sections
        if section.id in by_section
    )


def display_answer(item: Item, value: AnswerValue | None) -> str:
    if value is None or value == "" or value == ():
        return not_answered()
    if item.type in ("single", "multiple"):
        codes = value if isinstance(value, tuple) else (str(value),)
        labels = {o.code: o.label for o in item.options}
        return ", ".join(labels.get(code, code) for code in codes)
    return str(value)
