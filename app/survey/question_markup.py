"""A page's questions rendered once per distinct content and language, then reused.

The questions' markup (the NHS.UK radios, checkboxes and inputs with their legends, hints and
options) is the larger part of a question page's render, and it depends only on the question
views themselves (texts with the person's name already piped in, options, the carer's stored
choices), which one is the page heading, and the page's translations. So it is rendered once
per (translations object, page language, those values) and reused from one bounded LRU, as
app/page_chrome.py does for the header and footer: a key holds every value the markup shows,
so two carers with different names or answers can only share markup that is identical for
both. Pages with errors are rendered afresh (rare, and their markup holds posted values).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from threading import Lock
from typing import Any
from weakref import ref

from flask import Flask, g, has_request_context
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from app.i18n.catalogues import FALLBACK_FLAG
from app.i18n.web import TEMPLATE_TRANSLATIONS_KEY
from app.page_chrome import Fragment, render_fragment
from app.survey.rendering import QuestionView

TEMPLATE = "survey/_question_fields.html"
# In all, across languages and catalogues: each entry is one page's questions (4-7 KB of
# markup, twice that in a non-Latin script), shared by every carer who sees the page with the
# same answers on it, and per carer once their name is in the text. ~3-8 MB at most a worker.
MAX_QUESTION_FRAGMENTS = 512

_Key = tuple[int, str, str | None, tuple[QuestionView, ...]]


class QuestionMarkup:
    """`question_markup(questions, heading_item_id)` in a template: rendered once, reused."""

    def __init__(self, environment: Environment) -> None:
        self._environment = environment
        self._lock = Lock()
        # One bound for every catalogue. The catalogue is held weakly (by id, checked against
        # the live object), so an outdated one can go, and a new one (a translator's save)
        # can never be served old text: its id only matches while it is the same object.
        self._fragments: OrderedDict[_Key, tuple[ref[Any], Fragment]] = OrderedDict()

    def template_global(self) -> Any:
        @pass_context
        def question_markup(
            context: Context, questions: Sequence[QuestionView], heading_item_id: str | None
        ) -> Markup:
            return self.render(context, tuple(questions), heading_item_id)

        return question_markup

    def render(
        self, context: Context, questions: tuple[QuestionView, ...], heading_item_id: str | None
    ) -> Markup:
        values = {"questions": questions, "heading_item_id": heading_item_id}
        translations = context.get(TEMPLATE_TRANSLATIONS_KEY)
        if translations is None or self._environment.auto_reload or any(q.error for q in questions):
            return render_fragment(self._environment, context, TEMPLATE, values).html
        code = str(getattr(context.get("page_language"), "code", ""))
        key: _Key = (id(translations), code, heading_item_id, questions)
        fragment = None
        with self._lock:
            kept = self._fragments.get(key)
            if kept is not None and kept[0]() is translations:
                self._fragments.move_to_end(key)
                fragment = kept[1]
        if fragment is None:
            fragment = render_fragment(self._environment, context, TEMPLATE, values)
            with self._lock:
                self._fragments[key] = (ref(translations), fragment)
                self._fragments.move_to_end(key)
                while len(self._fragments) > MAX_QUESTION_FRAGMENTS:
                    self._fragments.popitem(last=False)
        elif fragment.fell_back_to_english and has_request_context():
            # As the chrome does: a page built from kept markup still notes its English.
            setattr(g, FALLBACK_FLAG, True)
        return fragment.html


def register_question_markup(app: Flask) -> None:
    """`question_markup(...)` for the question page's template (survey/question.html)."""
    app.jinja_env.globals["question_markup"] = QuestionMarkup(app.jinja_env).template_global()
