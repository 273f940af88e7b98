"""The core questionnaire keeps the VOICES contract: ids, codes, routing, indicators, domains.

Reports, exports and comparisons with the ONS national figures rely on these exactly, so each
check compares v1.yaml with ../shared/voices/core-items.md itself rather than a copy of it.
"""

from __future__ import annotations

import re

from tests.questionnaires.voices_contract import CORE_V1_PATH, core_items, option_codes, options_of

NON_SUBSTANTIVE = {"dk", "na", "no_pain"}
SMS_LIMIT = 160
LONG_NAME = "Bartholomew-Fitzgerald"
SENTENCE_END = re.compile(r"(^|[.?!:]\s+)\{person\}")

# GSM 03.38: the basic set costs one character, the extension set two (escape + char).
GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = set("^{}\\[~]|€\f")


def gsm7_length(text: str) -> int:
    bad = [ch for ch in text if ch not in GSM7_BASIC | GSM7_EXTENSION]
    assert not bad, f"not GSM-7 (would send as UCS-2, 70 characters): {bad!r} in {text!r}"
    return sum(2 if ch in GSM7_EXTENSION else 1 for ch in text)


def conjuncts(condition) -> list:
    """Flatten nested `and` conditions into their parts."""
    if isinstance(condition, dict) and "and" in condition:
        return [part for c in condition["and"] for part in conjuncts(c)]
    return [condition]


def referenced_items(condition) -> set[str]:
    if isinstance(condition, list):
        return {i for c in condition for i in referenced_items(c)}
    if not isinstance(condition, dict):
        return set()
    found = {condition["item"]} if "item" in condition else set()
    for key in ("and", "or", "not"):
        if key in condition:
            found |= referenced_items(condition[key])
    return found


def expected_routing(contract) -> dict[str, set[str]]:
    """Item id -> the items that must be answered "yes" for it to be shown.

    A filter's block is the rest of its own group: `home.any_time` governs every later `home.*`
    item, `home.gp.seen` every later `home.gp.*` item. death.told_sensitively follows
    death.told_likely (only someone who was told can say how they were told).
    """
    required: dict[str, set[str]] = {i.id: set() for i in contract.items}
    ids = [i.id for i in contract.items]
    for position, item in enumerate(contract.items):
        if item.filter:
            prefix = item.id.rsplit(".", 1)[0] + "."
            for later in ids[position + 1 :]:
                if later.startswith(prefix):
                    required[later].add(item.id)
    required["death.told_sensitively"].add("death.told_likely")
    return required


# ---------------------------------------------------------------- top level


def test_top_level_identity(core):
    assert core["id"] == "voices-core"
    assert core["version"] == 1
    assert core["languages"] == ["en"]
    assert core["case_mix"] == ["about.age_band", "about.cause_group"]
    assert CORE_V1_PATH.parent.name == core["id"] and CORE_V1_PATH.stem == f"v{core['version']}"


def test_piping_names_every_relationship_from_the_carers_side(core, contract):
    piping = core["piping"]
    assert piping["relationship_item"] == "about.relationship"
    assert piping["default"] == "the person who died"
    assert list(piping["by_relationship"]) == contract.item("about.relationship").codes
    assert piping["by_relationship"]["child"] == "your parent"
    assert piping["by_relationship"]["parent"] == "your son or daughter"


def test_scales_are_the_contract_scales_best_first(core, contract):
    for name, codes in contract.scales.items():
        assert [o["code"] for o in core["scales"][name]["options"]] == codes, name


# ---------------------------------------------------------------- items


def test_items_are_exactly_the_contract_items_in_order(answerable, contract):
    assert [i.id for i in answerable] == [i.id for i in contract.items]


def test_each_item_sits_in_its_contract_section(answerable, contract):
    for item in answerable:
        assert item.section == contract.item(item.id).section, item.id
    assert list(dict.fromkeys(i.section for i in answerable)) == list(
        dict.fromkeys(i.section for i in contract.items)
    )


def test_only_info_items_are_added_and_the_name_is_not_asked(items, contract):
    contract_ids = {i.id for i in contract.items}
    extras = [i for i in items if i.id not in contract_ids]
    assert all(i.data["type"] == "info" for i in extras), [i.id for i in extras]
    assert "about.name" not in {i.id for i in items}


def test_ids_are_unique(items, core):
    item_ids = [i.id for i in items]
    page_ids = [p["id"] for s in core["sections"] for p in s["pages"]]
    assert len(item_ids) == len(set(item_ids))
    assert len(page_ids) == len(set(page_ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", p) for p in page_ids), page_ids


def test_option_codes_match_the_contract(core, answerable, contract):
    for item in answerable:
        expected = contract.item(item.id)
        if expected.kind == "text":
            assert item.data["type"] == "text", item.id
            assert item.data["max_length"] == 5000, item.id
            continue
        assert item.data["type"] == "single", item.id
        if expected.kind == "choice":
            assert option_codes(core, item.data) == expected.codes, item.id


def test_every_code_is_a_string(core, answerable):
    """Unquoted yes/no or 18_64 would load as a bool or an int (YAML 1.1)."""
    for item in answerable:
        for option in options_of(core, item.data):
            assert isinstance(option["code"], str), (item.id, option["code"])


def test_language_is_a_bcp47_tag_from_the_supported_list(core, contract):
    item = next(i for i in core_items(core) if i.id == "you.language")
    codes = option_codes(core, item.data)
    assert codes[0] == "en" and codes[-1] == "other"
    assert len(codes) == len(set(codes))
    for code in codes[:-1]:
        assert re.fullmatch(r"[a-z]{2,3}(-[A-Z][a-z]{3})?(-[A-Z]{2})?", code), code
    supported = {"cy", "pl", "ro", "pa", "ur", "pt", "es", "ar", "bn", "gu", "it", "zh-Hans", "so"}
    assert supported <= set(codes)


def test_dont_know_not_applicable_and_no_pain_are_not_substantive(core, answerable):
    for item in answerable:
        for option in options_of(core, item.data):
            substantive = option.get("substantive", True)
            assert substantive is (option["code"] not in NON_SUBSTANTIVE), (item.id, option)
            assert option.get("label"), (item.id, option["code"])


def test_filter_items_are_the_contract_f_items(answerable, contract):
    assert [i.id for i in answerable if i.data.get("filter")] == [
        i.id for i in contract.items if i.filter
    ]


# ---------------------------------------------------------------- routing (static)


def test_each_item_is_routed_by_exactly_its_filters(answerable, contract):
    """Every item in a filter's block needs that filter == "yes", and nothing else routes it."""
    expected = expected_routing(contract)
    for item in answerable:
        conditions = [c for cond in item.conditions for c in conjuncts(cond)]
        assert all(set(c) == {"item", "equals"} and c["equals"] == "yes" for c in conditions), (
            item.id,
            conditions,
        )
        assert {c["item"] for c in conditions} == expected[item.id], item.id


def test_conditions_refer_only_to_earlier_items(items, core):
    seen: set[str] = set()
    for section in core["sections"]:
        assert referenced_items(section.get("show_if")) <= seen, section["id"]
        for page in section["pages"]:
            assert referenced_items(page.get("show_if")) <= seen, page["id"]
            for item in page["items"]:
                assert referenced_items(item.get("show_if")) <= seen, item["id"]
                seen.add(item["id"])


# ---------------------------------------------------------------- indicators and domains


def test_indicators_are_the_contract_indicators(core, contract):
    ours = {i["id"]: i for i in core["indicators"]}
    assert list(ours) == [i.id for i in contract.indicators]
    for expected in contract.indicators:
        indicator = ours[expected.id]
        assert indicator["item"] == expected.item, expected.id
        assert indicator["polarity"] == expected.polarity, expected.id
        assert indicator.get("kind", "proportion") == expected.kind, expected.id
        if expected.kind == "match":
            assert indicator["other_item"] == expected.other_item
            assert indicator["among"] == expected.among
        else:
            assert indicator["numerator"] == expected.numerator, expected.id


def test_indicator_numerators_are_substantive_options_of_their_item(core, items):
    by_id = {i.id: i.data for i in items}
    for indicator in core["indicators"]:
        options = {o["code"]: o for o in options_of(core, by_id[indicator["item"]])}
        for code in indicator.get("numerator", []):
            assert options[code].get("substantive", True), (indicator["id"], code)


def test_domains_are_the_seven_contract_domains(core, contract):
    assert [d["id"] for d in core["domains"]] == list(contract.domains)
    for domain in core["domains"]:
        assert domain["name"], domain["id"]
        assert len(domain["items"]) == len(set(domain["items"]))
        assert set(domain["items"]) == set(contract.domains[domain["id"]]), domain["id"]


# ---------------------------------------------------------------- SMS form


def piping_phrases(core) -> list[str]:
    piping = core["piping"]
    return [*piping["by_relationship"].values(), piping["default"], LONG_NAME]


def test_sms_form_is_about_ten_items_each_with_an_sms_wording(core, answerable):
    form = core["sms_form"]
    assert 8 <= len(form) <= 12
    assert len(set(form)) == len(form)
    with_sms = [i.id for i in answerable if "sms" in i.data]
    assert sorted(with_sms) == sorted(form)


def test_sms_form_asks_each_routing_question_before_the_items_it_routes(core, answerable):
    """By SMS there is no page context: an item's routing questions must be asked first."""
    form = core["sms_form"]
    by_id = {i.id: i for i in answerable}
    for position, item_id in enumerate(form):
        needed = referenced_items(by_id[item_id].conditions)
        assert needed <= set(form[:position]), (item_id, needed)


def test_sms_form_asks_the_overall_rating_first_and_covers_every_promised_topic(core):
    """Issue 4: the headline rating first, then the promised topics, about ten texts in all.

    A carer who answers one text has given the headline rating; the rest cover dignity, pain,
    coordination, support at the death, involvement, the right place and their own words.
    """
    form = core["sms_form"]
    assert form[0] == "overall.rating"
    assert form[-1] == "overall.improve"
    promised = {
        "last2.nurses.dignity",
        "last2.pain",
        "home.coordination",
        "death.support_at_time",
        "last2.family_involved",
        "pref.right_place",
    }
    assert promised <= set(form)
    assert 9 <= len(form) <= 12


def test_every_sms_prompt_fits_one_gsm7_segment_for_every_name(core, answerable):
    for item in answerable:
        if "sms" not in item.data:
            continue
        for phrase in piping_phrases(core):
            rendered = item.data["sms"].replace("{person}", phrase)
            assert gsm7_length(rendered) <= SMS_LIMIT, (item.id, phrase, len(rendered))


def test_every_sms_answer_key_numbers_every_option(core, answerable):
    for item in answerable:
        if "sms" not in item.data or item.data["type"] != "single":
            continue
        count = len(options_of(core, item.data))
        numbers = [int(n) for n in re.findall(r"(?:^|\s)(\d+) [A-Z]", item.data["sms"])]
        assert numbers == list(range(1, count + 1)), (item.id, numbers)


# ---------------------------------------------------------------- wording


def texts(items):
    for item in items:
        for key in ("text", "hint", "sms"):
            if key in item.data:
                yield item.id, key, item.data[key]


def test_wording_reads_well_with_a_name_or_a_relationship(items):
    """{person} may be "Amira", "your partner" or "the person who died"."""
    for item_id, key, text in texts(items):
        assert "{person}'s" not in text, (item_id, key, "possessive breaks 'the person who died'")
        assert not SENTENCE_END.search(text), (item_id, key, "'your partner' starting a sentence")
        assert "{person} died" not in text, (item_id, key, "'the person who died died'")
        assert set(re.findall(r"\{(\w*)\}", text)) <= {"person"}, (item_id, key)


def test_wording_never_uses_he_she_the_deceased_or_the_patient(items, core):
    forbidden = re.compile(r"\b(he|she|him|her|his|hers|deceased|patient)\b|he/she", re.I)
    section_text = [s.get("title", "") + " " + s.get("intro", "") for s in core["sections"]]
    for item_id, key, text in texts(items):
        assert not forbidden.search(text), (item_id, key, text)
    for text in section_text:
        assert not forbidden.search(text), text
        assert "{person}" not in text  # section titles and intros are not piped


def test_questions_are_short(answerable):
    for item in answerable:
        text = item.data["text"]
        assert len(text) <= 130, (item.id, len(text))
        assert text.count("?") <= 1, item.id
