"""Routing: which pages and questions a carer sees, given the answers so far."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from threading import Lock

from .schema import Answers, AnswerValue, Item, Page, Questionnaire


@dataclass(frozen=True, slots=True)
class Completeness:
    """Counts over the answerable questions on the carer's path."""

    answered: int
    skipped: int
    unseen: int

    @property
    def total(self) -> int:
        return self.answered + self.skipped + self.unseen


@dataclass(frozen=True, slots=True)
class _Walk:
    """The answers that still count, and the items shown, after one pass over the file."""

    answers: dict[str, AnswerValue | None]
    shown: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Shown:
    """The items shown for some answers: in file order, as a set, and the pages they are on."""

    in_order: tuple[str, ...]
    ids: frozenset[str]
    pages: tuple[Page, ...]
    page_ids: frozenset[str]


# The last few routes, by questionnaire and answers: a page view asks for the route and then
# for the page's items, and a save asks four times, mostly with the same answers. Only which
# items are shown is remembered (it depends on the answers through comparisons alone); the
# answers kept are always the caller's own values.
_RECENT_ROUTES = 32
_recent: OrderedDict[tuple[int, frozenset[tuple[str, object]]], tuple[Questionnaire, _Shown]]
_recent = OrderedDict()
_recent_lock = Lock()


def _walk(q: Questionnaire, answers: Answers) -> _Walk:
    shown = _shown(q, answers)
    kept = {item_id: answers[item_id] for item_id in shown.in_order if item_id in answers}
    return _Walk(kept, shown.ids)


def _shown(q: Questionnaire, answers: Answers) -> _Shown:
    try:
        key = (id(q), frozenset(answers.items()))
    except TypeError:  # an unhashable answer value (not one the engine makes): just walk
        return _shown_by_walking(q, answers)
    with _recent_lock:
        hit = _recent.get(key)
        # The questionnaire is kept with the result, so a recycled id can never match.
        if hit is not None and hit[0] is q:
            _recent.move_to_end(key)
            return hit[1]
    shown = _shown_by_walking(q, answers)
    with _recent_lock:
        _recent[key] = (q, shown)
        while len(_recent) > _RECENT_ROUTES:
            _recent.popitem(last=False)
    return shown


def _shown_by_walking(q: Questionnaire, answers: Answers) -> _Shown:
    # A condition may only read items earlier in the file (validation enforces it), so a
    # single forward pass settles everything: by the time an item is reached, every answer
    # its conditions read has already been kept or dropped.
    kept: dict[str, AnswerValue | None] = {}
    shown: list[str] = []
    pages: list[Page] = []
    for page in q.pages:
        if page.show_if is not None and not page.show_if.evaluate(kept):
            continue
        before = len(shown)
        for item in page.items:
            if item.show_if is None or item.show_if.evaluate(kept):
                shown.append(item.id)
                if item.id in answers:
                    kept[item.id] = answers[item.id]
        # A page is on the path when at least one of its items is shown.
        if len(shown) > before:
            pages.append(page)
    return _Shown(tuple(shown), frozenset(shown), tuple(pages), frozenset(p.id for p in pages))


def prune_answers(q: Questionnaire, answers: Answers) -> dict[str, AnswerValue | None]:
    """Drop answers routing no longer asks for (e.g. after the carer changed a filter answer)."""
    return _walk(q, answers).answers


def off_path_items(q: Questionnaire, answers: Answers) -> frozenset[str]:
    """Ids in ``answers`` that should not be there: off the path, or not in this questionnaire."""
    return frozenset(answers) - frozenset(_walk(q, answers).answers)


def item_is_shown(q: Questionnaire, item: Item, answers: Answers) -> bool:
    """Whether the item's page condition and its own condition both hold."""
    return item.id in _walk(q, answers).shown


def visible_items(q: Questionnaire, page: Page, answers: Answers) -> tuple[Item, ...]:
    """The items on ``page`` the carer is asked, in order (none when the page is skipped)."""
    shown = _walk(q, answers).shown
    return tuple(item for item in page.items if item.id in shown)


def page_is_shown(q: Questionnaire, page: Page, answers: Answers) -> bool:
    """Whether the page's condition holds and at least one of its items is shown."""
    return bool(visible_items(q, page, answers))


def path(q: Questionnaire, answers: Answers) -> tuple[Page, ...]:
    """The pages this carer goes through, in order (worked out with the items shown)."""
    return _shown(q, answers).pages


def _position(q: Questionnaire, page_id: str) -> int:
    q.page(page_id)  # raises UnknownPage for an id this questionnaire does not have
    return next(index for index, page in enumerate(q.pages) if page.id == page_id)


def next_page(q: Questionnaire, answers: Answers, current_page_id: str | None) -> Page | None:
    """The path page after ``current_page_id`` (the first when None); None when finished."""
    start = 0 if current_page_id is None else _position(q, current_page_id) + 1
    on_path = _shown(q, answers).page_ids
    return next((page for page in q.pages[start:] if page.id in on_path), None)


def previous_page(q: Questionnaire, answers: Answers, current_page_id: str | None) -> Page | None:
    """The path page before ``current_page_id``; None at the start (or when it is None)."""
    if current_page_id is None:
        return None
    end = _position(q, current_page_id)
    on_path = _shown(q, answers).page_ids
    return next((page for page in reversed(q.pages[:end]) if page.id in on_path), None)


def first_unseen_page(q: Questionnaire, answers: Answers) -> Page | None:
    """The first path page with a question never seen; None when every one has been seen."""
    shown = _walk(q, answers).shown
    for page in q.pages:
        for item in page.items:
            if item.id in shown and item.is_answerable and item.id not in answers:
                return page
    return None


def progress(q: Questionnaire, answers: Answers, page_id: str) -> tuple[int, int]:
    """(position of ``page_id`` on the path counting from 1, pages on the path)."""
    here = _position(q, page_id)
    shown = _shown(q, answers)
    before = sum(1 for page in q.pages[:here] if page.id in shown.page_ids)
    total = len(shown.pages)
    # A page off the path (a stale link) reads as the next step, never beyond the end.
    return min(before + 1, max(total, 1)), total


def completeness(q: Questionnaire, answers: Answers) -> Completeness:
    """How many path questions were answered, skipped (seen, left blank) or never seen."""
    walk = _walk(q, answers)
    answered = skipped = unseen = 0
    for item in q.answerable_items:
        if item.id not in walk.shown:
            continue
        if item.id not in walk.answers:
            unseen += 1
        elif walk.answers[item.id] in (None, "", ()):
            skipped += 1
        else:
            answered += 1
    return Completeness(answered, skipped, unseen)
