"""Where preview finds translations: the same catalogues (and translators' overlay) carers get."""

from __future__ import annotations

from app.i18n.catalogues import translations_for
from app.questionnaire.localisation import Translate


def translator_for(language: str) -> Translate:
    """A Translate over (msgctxt, source) pairs for ``language``: core and local texts alike.

    Local questions are translated by translators in the app (their msgctxt names the area's
    composed questionnaire); the core's texts come from the catalogue files; anything not yet
    translated (or not servable under the deployment's setting) shows the English source.
    """
    translations = translations_for(language)

    def translate(context: str, source: str) -> str:
        return str(translations.pgettext(context, source))

    return translate
