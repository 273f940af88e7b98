"""Named errors raised by the questionnaire engine, and the Problem a file check reports."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a questionnaire file, printed as ``FILE: ITEM_ID: MESSAGE``."""

    file: str
    item_id: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.item_id or '-'}: {self.message}"


class QuestionnaireError(Exception):
    """Base class of every error the engine raises on purpose."""


class QuestionnaireInvalid(QuestionnaireError):
    """A questionnaire file failed its schema or semantic checks."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class UnknownQuestionnaire(QuestionnaireError, LookupError):
    """No questionnaire (or no such version of it) is published under that id."""

    def __init__(self, questionnaire_id: str, version: int | None = None) -> None:
        self.questionnaire_id = questionnaire_id
        self.version = version
        wanted = questionnaire_id if version is None else f"{questionnaire_id} v{version}"
        super().__init__(f"no questionnaire {wanted!r}")


class UnknownItem(QuestionnaireError, LookupError):
    """The questionnaire has no item with that id."""

    def __init__(self, item_id: str) -> None:
        self.item_id = item_id
        super().__init__(f"no item {item_id!r}")


class UnknownPage(QuestionnaireError, LookupError):
    """The questionnaire has no page with that id."""

    def __init__(self, page_id: str) -> None:
        self.page_id = page_id
        super().__init__(f"no page {page_id!r}")


class UnknownIndicator(QuestionnaireError, LookupError):
    """The questionnaire defines no indicator with that id."""

    def __init__(self, indicator_id: str) -> None:
        self.indicator_id = indicator_id
        super().__init__(f"no indicator {indicator_id!r}")


def N_(text: str) -> str:
    """Mark a carer-facing text for the translation catalogue; it is translated where shown."""
    return text


AnswerParam = str | int | float


class InvalidAnswer(QuestionnaireError, ValueError):
    """An answer cannot be accepted; ``message`` is written to be shown to the carer.

    The engine knows no languages: ``template`` (English, with %(name)s placeholders) and
    ``params`` let the channel show the message in the carer's language; ``message`` is English.
    """

    default_message = N_("We could not read this answer. Please try again, or leave it blank.")

    def __init__(self, item_id: str, message: str | None = None, **params: AnswerParam) -> None:
        self.item_id = item_id
        self.template = message or self.default_message
        self.params: dict[str, AnswerParam] = params
        self.message = (
            self.template
            % {
                name: _plain(value) if isinstance(value, int | float) else value
                for name, value in params.items()
            }
            if params
            else self.template
        )
        super().__init__(self.message)


class UnknownOptionCode(InvalidAnswer):
    """The answer is not one of the item's options."""

    default_message = N_("Choose one of the options, or leave this question blank.")


class MultipleNotAllowed(InvalidAnswer):
    """More than one answer was given to a question that takes one."""

    default_message = N_("Choose only one answer, or leave this question blank.")


class TextTooLong(InvalidAnswer):
    """A written answer is longer than the item's max_length."""

    def __init__(self, item_id: str, length: int, max_length: int) -> None:
        self.length = length
        self.max_length = max_length
        super().__init__(
            item_id,
            N_(
                "Your answer is %(length)s characters long. "
                "Please shorten it to %(max_length)s characters or fewer."
            ),
            length=length,
            max_length=max_length,
        )


class NotANumber(InvalidAnswer):
    """A number question was answered with something that is not a number."""

    default_message = N_("Enter a number, like 3, or leave this question blank.")


class NumberOutOfRange(InvalidAnswer):
    """A number answer is outside the item's min and max."""

    def __init__(self, item_id: str, minimum: float | None, maximum: float | None) -> None:
        self.minimum = minimum
        self.maximum = maximum
        if minimum is not None and maximum is not None:
            super().__init__(
                item_id,
                N_("Enter a number from %(minimum)s to %(maximum)s, or leave this question blank."),
                minimum=minimum,
                maximum=maximum,
            )
        elif minimum is not None:
            super().__init__(
                item_id,
                N_("Enter a number of %(minimum)s or more, or leave this question blank."),
                minimum=minimum,
            )
        else:
            super().__init__(
                item_id,
                N_("Enter a number of %(maximum)s or less, or leave this question blank."),
                maximum=maximum if maximum is not None else "",
            )


def _plain(number: float | None) -> str:
    # Carers should read "1000000", never Python's "1e+06".
    if number is None:
        return ""
    if float(number).is_integer():
        return str(int(number))
    return repr(float(number))


class InvalidMonthYear(InvalidAnswer):
    """A month-and-year answer cannot be read or is outside the allowed months."""

    default_message = N_("Enter a month and year, like 03/2024, or leave this question blank.")


class NotAnswerable(InvalidAnswer):
    """Information text was given an answer; it never takes one."""

    default_message = N_("This is information only and does not need an answer.")
