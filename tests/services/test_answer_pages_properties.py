"""The real questionnaire, page by page, with random and hostile forms: answers or kind errors."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from app.questionnaire import Questionnaire, serialise_answer
from app.questionnaire.answers import deserialise_answer
from app.questionnaire.loader import QuestionnaireLibrary
from app.questionnaire.routing import next_page, prune_answers
from app.services.answer_pages import parse_page
from app.services.errors import PageAnswersInvalid
from config import PROJECT_ROOT

CORE: Questionnaire = QuestionnaireLibrary(Path(PROJECT_ROOT / "questionnaires")).get("voices-core")
HOSTILE = ["", " ", "\x00", "-1", "1e999", "NaN", "99999999999999999999", "<b>", "' OR 1=1 --",
           "../../x", "x" * 6000, "０", "2025-13", "13/2025", "\ud800"]  # fmt: skip


@st.composite
def forms(draw: st.DrawFn) -> list[tuple[str, dict[str, str | list[str]]]]:
    """For each page in order: a form whose values are mostly real option codes, some hostile."""
    pages = []
    for page in CORE.pages:
        form: dict[str, str | list[str]] = {}
        for item in page.items:
            codes = [option.code for option in item.options]
            value = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=30))
            if codes:
                value = st.one_of(st.sampled_from(codes), st.sampled_from(codes), value)
            if draw(st.booleans()):
                form[item.id] = draw(st.one_of(value, st.lists(value, max_size=3)))
        pages.append((page.id, form))
    return pages


@given(pages=forms())
def test_any_form_on_any_page_gives_answers_or_kind_errors_and_stored_text_reads_back(
    pages: list[tuple[str, dict[str, str | list[str]]]],
) -> None:
    answers: dict[str, object] = {}
    current = None
    for page_id, form in pages:
        try:
            parsed = parse_page(CORE, page_id, answers, form)  # type: ignore[arg-type]
        except PageAnswersInvalid as refused:
            assert refused.errors and all(refused.errors.values())
            assert all(message.strip() and "Traceback" not in message
                       for message in refused.errors.values())  # fmt: skip
            continue
        answers.update(parsed)
        answers = prune_answers(CORE, answers)  # type: ignore[arg-type]
        following = next_page(CORE, answers, current)  # type: ignore[arg-type]
        current = following.id if following else None
    for item_id, value in answers.items():
        item = CORE.item(item_id)
        stored = None if value is None else serialise_answer(item, value)  # type: ignore[arg-type]
        assert deserialise_answer(item, stored) == value
