"""NHS.UK components rendered once per distinct set of parameters and reused.

The nhsuk-frontend-jinja macros are thorough but slow (a page of radios costs ~20 ms to
render). Their output depends only on their parameters, so each distinct call is rendered once
and kept in a bounded cache; a question page then costs about as much as its own markup.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from threading import Lock
from typing import Any

from jinja2 import Environment, Template
from markupsafe import Markup

# Component name -> the macro the nhsuk-frontend-jinja package exports for it.
MACROS = {
    "back-link": "backLink",
    "button": "button",
    "checkboxes": "checkboxes",
    "date-input": "dateInput",
    "error-summary": "errorSummary",
    "footer": "footer",
    "header": "header",
    "input": "input",
    "inset-text": "insetText",
    "panel": "panel",
    "radios": "radios",
    "skip-link": "skipLink",
    "summary-list": "summaryList",
    "textarea": "textarea",
}


class ComponentRenderer:
    """Render `component(name, params)` through the real macro, memoised by parameters."""

    def __init__(self, environment: Environment, max_entries: int = 4096) -> None:
        self._environment = environment
        self._templates: dict[str, Template] = {}
        self._cache: OrderedDict[str, Markup] = OrderedDict()
        self._max_entries = max_entries
        self._lock = Lock()

    def __call__(self, name: str, params: dict[str, Any]) -> Markup:
        from app.i18n.component_text import with_translated_defaults

        params = with_translated_defaults(name, params)
        key = name + "\x00" + json.dumps(params, sort_keys=True, default=str)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                return cached
        rendered = Markup(self._template(name).render(params=params))
        with self._lock:
            self._cache[key] = rendered
            if len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)
        return rendered

    def _template(self, name: str) -> Template:
        template = self._templates.get(name)
        if template is None:
            macro = MACROS[name]
            template = self._environment.from_string(
                f'{{% from "nhsuk/components/{name}/macro.jinja" import {macro} %}}'
                f"{{{{ {macro}(params) }}}}"
            )
            self._templates[name] = template
        return template
