"""Which language to show a carer: this request's choice, the response's, the browser's, English.

The order lives in app/i18n/selection.py; views record the response's language on ``g`` when
they load it (see app/survey/context.py), and this answers for the page.
"""

from __future__ import annotations

from app.i18n.languages import SOURCE_LANGUAGE
from app.i18n.web import current_language

DEFAULT_LANGUAGE = SOURCE_LANGUAGE

__all__ = ["DEFAULT_LANGUAGE", "current_language"]
