"""Random texts in random order: every one is answered cleanly, and what is stored stays valid."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.extensions import db
from app.models import Answer, Response
from app.questionnaire.answers import deserialise_answer
from app.sms.keywords import is_twilio_standard_word
from app.survey.context import questionnaire_library
from tests.conftest import scaled_examples
from tests.fake_twilio.support import TextingCarer, twiml_messages

# Words the conversation reacts to, in several spellings, plus plausible and hostile answers.
WORDS = [
    "YES", "yes please", "No", "STOP", "stop please", "START", "HELP", "LANG", "lang 2",
    "SKIP", "back", "1", "2", "3", "9", "0", "-1", "1.5", "excellent", "never", "Hospital",
    "Tak", "STOPALL", "", "   ", "\\x00", "'; DROP TABLE answers; --", "<script>x</script>",
    "😀", "x" * 1600, "١", "１",
]  # fmt: skip
TEXTS = st.one_of(st.sampled_from(WORDS), st.text(max_size=300))
_phones = itertools.count(1)


@settings(
    max_examples=scaled_examples(20),  # each example imports and texts a new carer
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
@given(texts=st.lists(TEXTS, min_size=1, max_size=12))
def test_any_texts_in_any_order_are_answered_and_stored_data_stays_valid(
    app: Flask,
    invite: Callable[..., None],
    carer: Callable[[str], TextingCarer],
    texts: list[str],
) -> None:
    phone = f"+4479009{next(_phones):05d}"
    invite(phone, send=True)
    person = carer(phone)
    for position, text in enumerate(texts):
        reply = person.post(text)
        messages = twiml_messages(reply)  # 200, well-formed TwiML, never a traceback
        if not messages:
            # Silence only where Twilio itself answers (its STOP/START words), or for someone
            # who has opted out and must not be texted again.
            assert is_twilio_standard_word(text) or opted_out(texts[:position]), text
    with app.app_context():
        library = questionnaire_library()
        answers = db.session.execute(select(Response, Answer).join(Answer)).all()
        for response, answer in answers:
            questionnaire = library.get(response.questionnaire_id, response.questionnaire_version)
            assert questionnaire.has_item(answer.item_id)
            deserialise_answer(questionnaire.item(answer.item_id), answer.value)  # raises if bad


def opted_out(earlier: list[str]) -> bool:
    return any("stop" in t.lower() or is_twilio_standard_word(t) for t in earlier)
