"""A tiny template and .po catalogues in a temporary folder, one string per state."""

from __future__ import annotations

from pathlib import Path

QUESTION_CONTEXT = "voices-core:1:care_rating:text"
SMS_CONTEXT = "sms:welcome"

TEMPLATE = r"""msgid ""
msgstr ""
"Project-Id-Version: Carer Voices\n"
"POT-Creation-Date: 2026-11-01 09:00+0000\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=utf-8\n"
"Content-Transfer-Encoding: 8bit\n"

#: app/templates/survey/question.html:3
msgid "Continue"
msgstr ""

#, python-format
msgid "Hello %(name)s"
msgstr ""

#. The question carers answer about care in the last days
msgctxt "voices-core:1:care_rating:text"
msgid "How well was {person} looked after in the last two days?"
msgstr ""

msgctxt "sms:welcome"
msgid "Reply STOP to stop these texts."
msgstr ""

#, python-format
msgid "%(num)d day"
msgid_plural "%(num)d days"
msgstr[0] ""
msgstr[1] ""
"""

POLISH = r"""msgid ""
msgstr ""
"Project-Id-Version: Carer Voices\n"
"PO-Revision-Date: 2026-11-02 10:00+0000\n"
"Language: pl\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=utf-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && "
"(n%100<10 || n%100>=20) ? 1 : 2);\n"

# approved-by: ola@example.org 2026-11-02
msgid "Continue"
msgstr "Dalej"

#, python-format
msgid "Hello %(name)s"
msgstr "Witaj %(name)s"

#, fuzzy
#| msgid ""
#| "How well was {person} cared for "
#| "in the last two days?"
msgctxt "voices-core:1:care_rating:text"
msgid "How well was {person} looked after in the last two days?"
msgstr "Jak dobrze opiekowano się {person} w ostatnich dwóch dniach?"

msgctxt "sms:welcome"
msgid "Reply STOP to stop these texts."
msgstr ""

#, python-format
msgid "%(num)d day"
msgid_plural "%(num)d days"
msgstr[0] "%(num)d dzień"
msgstr[1] "%(num)d dni"
msgstr[2] "%(num)d dni"
"""


def write_catalogues(root: Path, *, template: str = TEMPLATE, polish: str | None = POLISH) -> Path:
    """messages.pot and pl/LC_MESSAGES/messages.po under ``root``; returns ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "messages.pot").write_text(template, encoding="utf-8")
    if polish is not None:
        folder = root / "pl" / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "messages.po").write_text(polish, encoding="utf-8")
    return root


def po_file(language: str, body: str) -> bytes:
    """A small uploaded catalogue for ``language`` with the given entries."""
    header = (
        'msgid ""\nmsgstr ""\n'
        f'"Language: {language}\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n\n'
    )
    return (header + body).encode("utf-8")
