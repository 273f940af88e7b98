"""Quotes lose every kind of identifier before anyone reads them."""

from __future__ import annotations

import pytest

from analysis.themes.redaction import is_valid_nhs_number, redact


@pytest.mark.parametrize(
    ("comment", "identifier", "placeholder"),
    [
        ("Dr Okafor sat with us for an hour.", "Okafor", "Dr [name]"),
        ("Nurse Bethan Jones held Mum's hand.", "Bethan Jones", "Nurse [name]"),
        ("Sister Mary Kelly arranged the side room.", "Mary Kelly", "Sister [name]"),
        ("Imam Yusuf was allowed to pray with him.", "Yusuf", "Imam [name]"),
        ("Father O'Brien gave the last rites.", "O'Brien", "Father [name]"),
        ("Ring my daughter on 07700 900123 about it.", "07700 900123", "[phone number]"),
        ("Our landline is (0113) 496 0000.", "496 0000", "[phone number]"),
        ("Call +44 20 7946 0958 for the family.", "7946 0958", "[phone number]"),
        ("His NHS number was 943 476 5919.", "943 476 5919", "[NHS number]"),
        ("Quote 9434765919 to the ward.", "9434765919", "[NHS number]"),
        ("Email me at sara.khan@example.org please.", "sara.khan@example.org", "[email]"),
        ("We live near LS6 2AB in Leeds.", "LS6 2AB", "[postcode]"),
        ("She was at 14 Acacia Avenue for years.", "14 Acacia Avenue", "[address]"),
        ("Flat 3, 24 High Street was too small for a bed.", "High Street", "[address]"),
        ("Dad (DOB 01/02/1945) was not seen.", "01/02/1945", "[date of birth]"),
        ("Mum, born on 3 March 1941, wanted to die at home.", "1941", "[date of birth]"),
    ],
)
def test_each_kind_of_identifier_is_redacted(
    comment: str, identifier: str, placeholder: str
) -> None:
    redacted = redact(comment)
    assert identifier not in redacted
    assert placeholder in redacted


@pytest.mark.parametrize(
    "comment",
    [
        "We rang 111 three times in the night.",
        "I called 999 when his breathing changed.",
        "The Samaritans on 116 123 helped me after the funeral.",
        "The nurse stayed two hours after 10 pm.",
        "Ward 12 was very noisy.",
    ],
)
def test_service_numbers_and_ordinary_numbers_are_kept(comment: str) -> None:
    assert redact(comment) == comment


def test_nhs_number_check_digit_follows_modulus_11() -> None:
    assert is_valid_nhs_number("9434765919")
    assert not is_valid_nhs_number("9434765918")
    assert not is_valid_nhs_number("123456789")


def test_a_ten_digit_number_failing_the_check_is_not_called_an_nhs_number() -> None:
    assert "[NHS number]" not in redact("Reference 943 476 5918 on the letter.")


def test_titles_followed_by_ordinary_words_are_left_alone() -> None:
    comment = "We thanked the nurse. The care was good and the Dr was kind."
    assert redact(comment) == comment
