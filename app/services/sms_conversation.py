"""The text survey's state machine: one question per message, keywords first, engine answers."""

from __future__ import annotations

import logging
from copy import copy
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from app.models import ConversationState
from app.questionnaire import (
    AnswerValue,
    InvalidAnswer,
    Item,
    Questionnaire,
    QuestionnaireLibrary,
    parse_answer,
)
from app.services.codesign_publishing import current_questionnaire_for_area, find_questionnaire
from app.services.contacts import (
    cancel_queued_for_invitation,
    contact_details,
    record_opt_out,
    remove_opt_out,
)
from app.services.encryption import ContactCipher
from app.services.sms_answers import (
    AnswerRows,
    Answers,
    answer_rows,
    answers_from_rows,
    mark_submitted,
    next_sms_item,
    previous_sms_item,
    response_for_conversation,
    save_item_answer,
    withdraw,
)
from app.services.sms_settings import SmsSettings
from app.services.sms_turn_rows import (
    LockedTurn,
    ResponseRow,
    lock_response_with_answers,
    write_conversation,
    write_response,
)
from app.sms.answers import raw_answer
from app.sms.keywords import Keyword, is_twilio_standard_word, match_consent
from app.sms.texts import language_menu, question_prompt, sms_text, sms_wording

log = logging.getLogger(__name__)

# An invalid reply is asked again with a hint at most this many times, then skipped.
MAX_REASKS = 2


@dataclass(frozen=True)
class SmsContext:
    """What every turn needs besides the database: keys, questionnaires, settings."""

    cipher: ContactCipher
    library: QuestionnaireLibrary
    settings: SmsSettings


@dataclass
class Reply:
    """The texts to send back (possibly none) and a label of what happened, for logs."""

    messages: list[str] = field(default_factory=list)
    outcome: str = ""


class ConversationTurn:
    """One inbound message applied to one locked conversation, inside the caller's transaction.

    The rows are plain values (sms_turn_rows): the turn changes them and ``save`` writes back
    what changed, before the caller commits.
    """

    def __init__(
        self, session: Session, ctx: SmsContext, locked: LockedTurn, now: datetime
    ) -> None:
        self.session = session
        self.ctx = ctx
        self.conversation = locked.conversation
        self.invitation = locked.invitation
        self.contact = locked.contact
        self.now = now
        self._conversation_as_read = copy(self.conversation)
        self.response: ResponseRow | None = None
        self._response_as_read: ResponseRow | None = None
        # The stored answers, read with the response where the database allows (SQLite).
        self._rows: AnswerRows | None = None
        self._answers: Answers | None = None
        if self.conversation.response_id is not None:
            # Locked like a web page save, so an answer by text and one on the web queue up.
            response, self._rows = lock_response_with_answers(
                session.connection(), self.conversation.response_id
            )
            self._use_response(response)
        self.questionnaire = self._questionnaire()

    # ------------------------------------------------------------------ helpers

    def _use_response(self, response: ResponseRow | None) -> None:
        self.response = response
        self._response_as_read = copy(response)

    def save(self) -> None:
        """Write back what this turn changed on the conversation and the response."""
        connection = self.session.connection()
        write_conversation(connection, self._conversation_as_read, self.conversation)
        if self.response is not None:
            write_response(connection, self._response_as_read, self.response)

    def _questionnaire(self) -> Questionnaire:
        if self.response is not None:
            # A file version or an area's published core + local module version.
            return find_questionnaire(
                self.session,
                self.ctx.library,
                self.response.questionnaire_id,
                self.response.questionnaire_version,
            )
        core = self.ctx.library.get(self.invitation.questionnaire_id)
        return current_questionnaire_for_area(self.session, self.invitation.area_id, core)

    def text(self, name: str, **fields: object) -> str:
        return sms_text(name, self.conversation.language, **self.ctx.settings.fields(), **fields)

    def answers(self) -> Answers:
        if self._answers is None:
            if self.response is None:
                self._rows, self._answers = {}, {}
            else:
                if self._rows is None:
                    self._rows = answer_rows(self.session, self.response)
                self._answers = answers_from_rows(self._rows, self.questionnaire)
        return self._answers

    def prompt(self, item: Item) -> str:
        piping = dict(self.answers())
        relationship = self.contact.relationship_code
        relationship_item = (
            self.questionnaire.piping and self.questionnaire.piping.relationship_item
        )
        if relationship_item and relationship_item not in piping and relationship:
            piping[relationship_item] = relationship
        # Only the name is decrypted: a prompt needs nothing else of the contact's details.
        person_name = self.ctx.cipher.decrypt_optional(self.contact.person_name_encrypted)
        return question_prompt(
            self.questionnaire, item, self.conversation.language, piping, person_name
        )

    def touch(self, state: ConversationState | None = None) -> None:
        if state is not None:
            self.conversation.state = state
        self.conversation.updated_at = self.now

    # ------------------------------------------------------------------ the turn

    def handle(self, text: str, keyword: Keyword | None, opted_out: bool) -> Reply:
        phone_hash = self.contact.phone_hash or ""
        if keyword is Keyword.STOP:
            record_opt_out(self.session, phone_hash, "keyword", self.now)
            self.touch()
            # Twilio confirms its own single-word STOP: a second confirmation would be noise.
            if self.ctx.settings.twilio_advanced_opt_out and is_twilio_standard_word(text):
                return Reply([], "stop")
            return Reply([self.text("stop")], "stop")
        if opted_out:
            if keyword is Keyword.START:
                remove_opt_out(self.session, phone_hash)
                self.touch()
                return Reply([self.text("start")], "start")
            # Never message an opted-out person until they send START (SMS.md).
            return Reply([], "ignored_opted_out")
        if keyword is Keyword.HELP:
            return Reply([self.text("help")], "help")
        state = ConversationState(self.conversation.state)
        if state is ConversationState.WITHDRAWN or self.invitation.withdrawn_at is not None:
            return Reply([self.text("deleted")], "withdrawn")
        if self.response is not None and self.response.is_submitted:
            state = ConversationState.COMPLETED
            self.touch(state)
        if keyword is Keyword.DELETE:
            withdraw(self.session, self.invitation, self.conversation, self.now)
            # Deleted with everything else: there is nothing left of it to write back.
            self._use_response(None)
            self.touch(ConversationState.WITHDRAWN)
            return Reply([self.text("deleted")], "delete")
        if state is ConversationState.COMPLETED:
            return Reply([self.text("already_done")], "after_completion")
        expires = self.invitation.expires_at
        if expires is not None and expires <= self.now:
            return Reply([self.text("closed")], "closed")
        if keyword is Keyword.LINK:
            return self._link()
        if keyword is Keyword.LATER:
            if state is ConversationState.NEW:
                self._pause()
            return Reply([self.text("later")], "later")
        if keyword is Keyword.LANG:
            return self._language_menu()
        if state is ConversationState.LANGUAGE:
            return self._choose_language(text)
        if state in (ConversationState.NEW, ConversationState.DECLINED):
            return self._consent(text, keyword)
        return self._asking(text, keyword)

    # ------------------------------------------------------------------ keywords

    def _link(self) -> Reply:
        token = contact_details(self.ctx.cipher, self.contact).link_token
        if not token:
            return Reply([self.text("no_link")], "link")
        return Reply([self.text("link", link=self.ctx.settings.link(token))], "link")

    def _pause(self) -> None:
        self.touch(ConversationState.DECLINED)
        cancel_queued_for_invitation(self.session, self.invitation.id, "declined")

    def _offered_languages(self) -> tuple[str, ...]:
        return self.ctx.settings.languages or self.questionnaire.languages

    def _language_menu(self) -> Reply:
        menu, _codes = language_menu(self._offered_languages())
        self.touch(ConversationState.LANGUAGE)
        return Reply([self.text("language_menu", menu=menu)], "language_menu")

    def _choose_language(self, text: str) -> Reply:
        _menu, codes = language_menu(self._offered_languages())
        from app.sms.answers import ascii_digits

        choice = ascii_digits(text).strip().rstrip(".")
        if choice.isdigit() and 1 <= int(choice) <= len(codes):
            language = codes[int(choice) - 1]
            self.conversation.language = language
            if self.response is not None:
                # Answers record the language they were given in (ARCHITECTURE.md).
                self.response.language = language
            outcome = "language"
        else:
            outcome = "language_unchanged"
        if self.conversation.current_item_id is None:
            self.touch(ConversationState.NEW)
            return Reply([self.text("intro", count=len(self.questionnaire.sms_form))], outcome)
        self.touch(ConversationState.ASKING)
        item = self.questionnaire.item(self.conversation.current_item_id)
        return Reply([self.prompt(item)], outcome)

    # ------------------------------------------------------------------ consent

    def _consent(self, text: str, keyword: Keyword | None) -> Reply:
        agreed = True if keyword is Keyword.START else match_consent(text)
        if agreed is False:
            self._pause()
            return Reply([self.text("declined")], "declined")
        if agreed is None:
            return Reply([self.text("intro", count=len(self.questionnaire.sms_form))], "intro")
        response = response_for_conversation(
            self.session,
            self.invitation,
            self.questionnaire,
            self.conversation.language,
            self.now,
        )
        self._use_response(response)
        self.conversation.response_id = response.id
        if response.consent_given_at is None:
            response.consent_given_at = self.now
        self._rows, self._answers = None, None
        return self._ask_next([], "consent")

    # ------------------------------------------------------------------ questions

    def _ask_next(self, before: list[str], outcome: str) -> Reply:
        item = next_sms_item(self.questionnaire, self.answers())
        self.conversation.invalid_replies = 0
        if item is None:
            assert self.response is not None
            mark_submitted(self.response, self.now)
            self.conversation.current_item_id = None
            self.touch(ConversationState.COMPLETED)
            cancel_queued_for_invitation(self.session, self.invitation.id, "completed")
            return Reply([*before, self.text("completed")], outcome + ",completed")
        self.conversation.current_item_id = item.id
        self.touch(ConversationState.ASKING)
        return Reply([*before, self.prompt(item)], outcome)

    def _record(self, item: Item, value: AnswerValue | None) -> None:
        assert self.response is not None
        self.answers()
        assert self._rows is not None
        self._answers = save_item_answer(
            self.session, self.response, self.questionnaire, item.id, value, self.now, self._rows
        )

    def _asking(self, text: str, keyword: Keyword | None) -> Reply:
        current = self.conversation.current_item_id
        if self.response is None or current is None or not self.questionnaire.has_item(current):
            return self._ask_next([], "resume")
        item = self.questionnaire.item(current)
        if keyword is Keyword.START:
            return Reply([self.prompt(item)], "repeat")
        if keyword is Keyword.SKIP:
            self._record(item, None)
            return self._ask_next([], "skip")
        if keyword is Keyword.BACK:
            previous = previous_sms_item(self.questionnaire, self.answers(), current)
            self.conversation.invalid_replies = 0
            if previous is None:
                return Reply([self.text("first_question"), self.prompt(item)], "back_at_start")
            self.conversation.current_item_id = previous.id
            self.touch()
            return Reply([self.prompt(previous)], "back")
        try:
            wording = sms_wording(item, self.conversation.language, self.questionnaire)
            value = parse_answer(item, raw_answer(item, text, wording), allow_option_numbers=True)
            if value is None:
                raise InvalidAnswer(item.id)
        except InvalidAnswer:
            return self._invalid(item)
        self._record(item, value)
        return self._ask_next([], "answer")

    def _invalid(self, item: Item) -> Reply:
        self.conversation.invalid_replies += 1
        self.touch()
        if self.conversation.invalid_replies > MAX_REASKS:
            self._record(item, None)
            return self._ask_next([self.text("skipped")], "invalid_skipped")
        if item.is_choice:
            hint = self.text("hint_choice", count=len(item.options))
        elif item.type == "text":
            hint = self.text("hint_text")
        else:
            hint = self.text("hint_other")
        return Reply([hint, self.prompt(item)], "invalid")
