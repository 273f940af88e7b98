"""Invented demo areas, groups and responses that walk the real routing and echo national rates."""

from __future__ import annotations

import math
import random
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import NormalDist
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session

from app.models import Answer, Area, CommunityGroup, Response
from app.models.response import ResponseStatus
from app.questionnaire import (
    AnswerValue,
    Item,
    Questionnaire,
    parse_answer,
    serialise_answer,
)
from app.services.errors import ServiceError
from app.services.transactions import begin_write

Weights = Sequence[tuple[str, float]]


@dataclass(frozen=True)
class DemoArea:
    slug: str
    name: str
    share: float  # of all demo responses
    # Shifts on the respondent's latent experience (0 = national); see _EFFECT_KIND.
    effects: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoGroup:
    slug: str
    name: str
    area_slug: str | None  # None: the group works across areas
    share: float  # of the responses in the areas it serves
    effects: Mapping[str, float] = field(default_factory=dict)
    languages: Weights = (("en", 1.0),)
    ethnicity: Weights | None = None
    religion: Weights | None = None


# South Vale is the planted "worse area" (overall ratings and services working together); the
# other two are a little better than national so the whole demo still sits near the ONS rates.
DEMO_AREAS: tuple[DemoArea, ...] = (
    DemoArea(
        "north-riverside",
        "North Riverside ICB",
        0.40,
        {"rating": 0.3, "coordination": 0.2, "general": 0.05},
    ),
    DemoArea(
        "south-vale",
        "South Vale ICB",
        0.30,
        {"rating": -0.45, "coordination": -0.5, "general": -0.15},
    ),
    DemoArea(
        "east-coast", "East Coast ICB", 0.30, {"rating": 0.3, "coordination": 0.2, "general": 0.05}
    ),
)
# The Bangladeshi carers' network is the planted "worse group": faith needs and dignity.
DEMO_GROUPS: tuple[DemoGroup, ...] = (
    DemoGroup(
        "bangla-carers",
        "Bangladeshi carers' network",
        "east-coast",
        0.30,
        {"culture": -1.3, "dignity": -0.9},
        languages=(("bn", 0.55), ("en", 0.40), ("ur", 0.05)),
        ethnicity=(("asian", 0.97), ("mixed", 0.03)),
        religion=(("muslim", 0.95), ("none", 0.03), ("prefer_not", 0.02)),
    ),
    DemoGroup(
        "polish-community",
        "Polish community centre",
        "north-riverside",
        0.12,
        languages=(("pl", 0.60), ("en", 0.40)),
        ethnicity=(("white", 0.98), ("mixed", 0.02)),
        religion=(("christian", 0.88), ("none", 0.10), ("prefer_not", 0.02)),
    ),
    DemoGroup("lgbtq-elders", "LGBTQ+ elders group", None, 0.04),
    DemoGroup(
        "muslim-burial",
        "Muslim burial council",
        None,
        0.05,
        languages=(("en", 0.45), ("ur", 0.40), ("pa", 0.15)),
        ethnicity=(("asian", 0.75), ("black", 0.18), ("other", 0.07)),
        religion=(("muslim", 1.0),),
    ),
)

PLACES_OF_DEATH: Weights = (
    ("hospital", 0.43),
    ("home", 0.29),
    ("care_home", 0.21),
    ("hospice", 0.05),
    ("elsewhere", 0.02),
)
CHANNELS: Weights = (("web", 0.60), ("paper", 0.28), ("sms", 0.12))
OTHER_LANGUAGES: Weights = (
    ("en", 0.95),
    ("pl", 0.02),
    ("ur", 0.012),
    ("pa", 0.01),
    ("bn", 0.008),
)
SKIP_RATE = 0.05
QUARTERS = 8

# Evaluative items: (substantive options best first with national weights, non-substantive
# options with their weights). The weights are the ONS VOICES figures where there is one
# (national-reference.csv), otherwise plausible values.
_EVALUATIVE: dict[str, tuple[Weights, Weights]] = {
    "overall.rating": (
        (("outstanding", 10.5), ("excellent", 28.5), ("good", 35), ("fair", 16), ("poor", 10)),
        (),
    ),
    "home.gp.dignity": ((("always", 78), ("most", 15), ("some", 5), ("never", 2)), (("dk", 4),)),
    "home.gp.rating": (
        (("outstanding", 18), ("excellent", 30), ("good", 30), ("fair", 13), ("poor", 9)),
        (),
    ),
    "home.dn.dignity": ((("always", 82), ("most", 13), ("some", 4), ("never", 1)), (("dk", 4),)),
    "home.dn.rating": (
        (("outstanding", 26), ("excellent", 34), ("good", 26), ("fair", 9), ("poor", 5)),
        (),
    ),
    "home.spc.rating": (
        (("outstanding", 40), ("excellent", 35), ("good", 17), ("fair", 5), ("poor", 3)),
        (),
    ),
    "home.carers.dignity": (
        (("always", 70), ("most", 20), ("some", 7), ("never", 3)),
        (("dk", 4),),
    ),
    "home.carers.rating": (
        (("outstanding", 17), ("excellent", 30), ("good", 32), ("fair", 13), ("poor", 8)),
        (),
    ),
    "home.pain": (
        (("complete_all", 18), ("complete_some", 27), ("partial", 41), ("not_relieved", 14)),
        (("no_pain", 12), ("dk", 8)),
    ),
    "home.personal_care": ((("definitely", 50), ("to_some_extent", 33), ("no", 17)), (("dk", 4),)),
    "home.equipment": ((("definitely", 58), ("to_some_extent", 28), ("no", 14)), (("dk", 5),)),
    "home.coordination": ((("definitely", 45), ("to_some_extent", 37), ("no", 18)), (("dk", 6),)),
    "home.carer_support": ((("definitely", 35), ("to_some_extent", 40), ("no", 25)), (("dk", 3),)),
    "home.ooh.got_care": ((("definitely", 48), ("to_some_extent", 32), ("no", 20)), (("dk", 4),)),
    "home.ooh.rating": (
        (("outstanding", 9), ("excellent", 17), ("good", 30), ("fair", 24), ("poor", 20)),
        (),
    ),
    "carehome.dignity": ((("always", 66), ("most", 24), ("some", 8), ("never", 2)), (("dk", 5),)),
    "carehome.pain": (
        (("complete_all", 40), ("complete_some", 25), ("partial", 28), ("not_relieved", 7)),
        (("no_pain", 15), ("dk", 10)),
    ),
    "carehome.rating": (
        (("outstanding", 22), ("excellent", 33), ("good", 27), ("fair", 12), ("poor", 6)),
        (),
    ),
    "hospital.doctors.dignity": (
        (("always", 60), ("most", 27), ("some", 9), ("never", 4)),
        (("dk", 4),),
    ),
    "hospital.nurses.dignity": (
        (("always", 57), ("most", 29), ("some", 10), ("never", 4)),
        (("dk", 3),),
    ),
    "hospital.enough_nurses": (
        (("definitely", 40), ("to_some_extent", 35), ("no", 25)),
        (("dk", 6),),
    ),
    "hospital.pain": (
        (("complete_all", 35), ("complete_some", 26), ("partial", 31), ("not_relieved", 8)),
        (("no_pain", 12), ("dk", 9)),
    ),
    "hospital.coordination": (
        (("definitely", 35), ("to_some_extent", 32), ("no", 33)),
        (("dk", 10),),
    ),
    "hospital.rating": (
        (("outstanding", 12), ("excellent", 25), ("good", 29), ("fair", 19), ("poor", 15)),
        (),
    ),
    "hospice.doctors.dignity": (
        (("always", 89), ("most", 8), ("some", 2), ("never", 1)),
        (("dk", 3),),
    ),
    "hospice.nurses.dignity": (
        (("always", 88), ("most", 9), ("some", 2), ("never", 1)),
        (("dk", 2),),
    ),
    "hospice.pain": (
        (("complete_all", 62), ("complete_some", 19), ("partial", 16), ("not_relieved", 3)),
        (("no_pain", 8), ("dk", 6)),
    ),
    "hospice.rating": (
        (("outstanding", 45), ("excellent", 35), ("good", 14), ("fair", 4), ("poor", 2)),
        (),
    ),
    "last2.doctors.dignity": (
        (("always", 70), ("most", 20), ("some", 7), ("never", 3)),
        (("dk", 5),),
    ),
    "last2.nurses.dignity": (
        (("always", 72), ("most", 20), ("some", 6), ("never", 2)),
        (("dk", 3),),
    ),
    "last2.pain": (
        (("complete_all", 40), ("complete_some", 23), ("partial", 29), ("not_relieved", 8)),
        (("no_pain", 10), ("dk", 9)),
    ),
    "last2.nursing_help": ((("definitely", 58), ("to_some_extent", 28), ("no", 14)), (("dk", 4),)),
    "last2.privacy": ((("yes", 85), ("no", 15)), (("dk", 4),)),
    "last2.nutrition": (
        (
            ("strongly_agree", 35),
            ("agree", 40),
            ("neither", 12),
            ("disagree", 8),
            ("strongly_disagree", 5),
        ),
        (("dk", 8),),
    ),
    "last2.fluids": (
        (
            ("strongly_agree", 38),
            ("agree", 40),
            ("neither", 10),
            ("disagree", 7),
            ("strongly_disagree", 5),
        ),
        (("dk", 7),),
    ),
    "last2.understood_info": (
        (
            ("strongly_agree", 46),
            ("agree", 40),
            ("neither", 6),
            ("disagree", 5),
            ("strongly_disagree", 3),
        ),
        (("dk", 2),),
    ),
    "last2.time_to_ask": (
        (
            ("strongly_agree", 32),
            ("agree", 42),
            ("neither", 10),
            ("disagree", 11),
            ("strongly_disagree", 5),
        ),
        (("dk", 3),),
    ),
    "last2.involved": ((("definitely", 55), ("to_some_extent", 30), ("no", 15)), (("dk", 8),)),
    "last2.family_involved": (
        (("definitely", 60), ("to_some_extent", 27), ("no", 13)),
        (("dk", 2),),
    ),
    # ONS 2012: 17% yes, 64% no, the rest don't know; "no" is the better answer here.
    "last2.unwanted_decisions": ((("no", 79), ("yes", 21)), (("dk", 19),)),
    "death.told_sensitively": (
        (("definitely", 65), ("to_some_extent", 25), ("no", 10)),
        (("dk", 2),),
    ),
    "death.support_at_time": (
        (("definitely", 55), ("to_some_extent", 30), ("no", 15)),
        (("dk", 2),),
    ),
    "death.dealt_sensitively": (
        (("definitely", 70), ("to_some_extent", 22), ("no", 8)),
        (("dk", 2),),
    ),
    "death.culture_faith": ((("definitely", 62), ("to_some_extent", 26), ("no", 12)), (("dk", 3),)),
    "pref.enough_choice": ((("yes", 72), ("no", 28)), (("dk", 8),)),
}

# Plain factual questions: option weights, no latent experience.
_FACTUAL: dict[str, Weights] = {
    "about.relationship": (
        ("spouse_partner", 40),
        ("child", 38),
        ("child_in_law", 4),
        ("sibling", 5),
        ("parent", 2),
        ("other_relative", 5),
        ("friend_neighbour", 4),
        ("other", 2),
    ),
    "about.age_band": (("18_64", 12), ("65_74", 15), ("75_84", 30), ("85_plus", 43)),
    "about.sex": (("female", 50), ("male", 49), ("other", 0.3), ("prefer_not", 0.7)),
    "about.cause_group": (
        ("cancer", 30),
        ("heart", 18),
        ("stroke", 6),
        ("respiratory", 12),
        ("dementia_frailty", 20),
        ("neurological", 5),
        ("other", 7),
        ("dk", 2),
    ),
    "about.ethnicity": (
        ("white", 84),
        ("asian", 8),
        ("black", 4),
        ("mixed", 2),
        ("other", 1),
        ("prefer_not", 1),
    ),
    "about.religion": (
        ("christian", 55),
        ("none", 33),
        ("muslim", 5),
        ("hindu", 2),
        ("sikh", 1.5),
        ("jewish", 1),
        ("buddhist", 0.5),
        ("other", 1),
        ("prefer_not", 1),
    ),
    "about.months_since_death": (("0_3", 10), ("4_6", 40), ("7_12", 45), ("13_plus", 5)),
    "home.gp.seen": (("yes", 85), ("no", 13), ("dk", 2)),
    "home.dn.seen": (("yes", 58), ("no", 38), ("dk", 4)),
    "home.spc.seen": (("yes", 33), ("no", 60), ("dk", 7)),
    "home.carers.seen": (("yes", 40), ("no", 58), ("dk", 2)),
    "home.ooh.needed": (("yes", 45), ("no", 50), ("dk", 5)),
    "death.told_likely": (("yes", 70), ("no", 22), ("dk", 8)),
    "death.bereavement_support": (("yes", 45), ("no_wanted", 20), ("no_not_wanted", 35)),
    "pref.expressed": (("yes", 50), ("no", 35), ("dk", 15)),
    "pref.place": (
        ("home", 70),
        ("hospice", 12),
        ("care_home", 8),
        ("hospital", 5),
        ("elsewhere", 2),
        ("dk", 3),
    ),
    "pref.recorded": (("yes", 60), ("no", 25), ("dk", 15)),
    "you.main_carer": (("yes", 55), ("shared", 30), ("no", 15)),
    "you.age_band": (
        ("18_34", 5),
        ("35_54", 30),
        ("55_64", 30),
        ("65_74", 20),
        ("75_plus", 13),
        ("prefer_not", 2),
    ),
    "you.sex": (("female", 64), ("male", 34), ("other", 0.5), ("prefer_not", 1.5)),
}

# Which kind of area or group effect moves each evaluative item.
_EFFECT_KIND: dict[str, str] = {
    "death.culture_faith": "culture",
    "home.coordination": "coordination",
    "hospital.coordination": "coordination",
    "home.ooh.got_care": "coordination",
    "home.equipment": "coordination",
}

# The latent experience shared by one respondent's answers (it makes answers hang together,
# as real ones do); item noise has variance 1, so thresholds use the combined spread.
_RESPONDENT_SPREAD = 0.7
_TOTAL_SPREAD = math.sqrt(1 + _RESPONDENT_SPREAD**2)
_NORMAL = NormalDist()

# Invented comments (never taken from real survey data), in the respondents' languages.
_GOOD_COMMENTS: dict[str, tuple[str, ...]] = {
    "en": (
        "The nurses were so kind to Mum and to us.",
        "The hospice staff made time to sit with him and explain what was happening.",
        "The district nurses came every day, even at the weekend.",
        "Everyone treated Dad with dignity, right to the end.",
        "The GP phoned us at home, which meant a lot.",
        "They let us stay with her overnight and brought us tea.",
        "The care home staff knew her well and talked to her about her garden.",
        "- the night nurse\n- the chaplain\n- the doctor who sat down and listened",
        'One nurse said "take all the time you need", and meant it.',
        "Her pain was well controlled in the last few days.",
        "We were told honestly that he was dying, and gently.",
        "The hospice at home team were wonderful, calm and practical.",
    ),
    "pl": (
        "Pielęgniarki były bardzo życzliwe dla mamy i dla nas.",
        "Lekarz poświęcił nam czas i wszystko spokojnie wyjaśnił.",
        "Personel hospicjum był wspaniały.",
    ),
    "bn": (
        "নার্সরা আমার মায়ের সাথে খুব ভালো ব্যবহার করেছেন।",
        "ডাক্তার আমাদের সব কিছু ধৈর্য ধরে বুঝিয়ে বলেছেন।",
    ),
    "ur": (
        "نرسوں نے میری والدہ کا بہت خیال رکھا۔",
        "ڈاکٹر نے ہمیں سب کچھ تفصیل سے سمجھایا۔",
    ),
    "pa": ("ਨਰਸਾਂ ਨੇ ਮੇਰੇ ਪਿਤਾ ਜੀ ਦਾ ਬਹੁਤ ਧਿਆਨ ਰੱਖਿਆ।",),
}
_IMPROVE_COMMENTS: dict[str, tuple[str, ...]] = {
    "en": (
        "We waited hours for the out-of-hours doctor to come.",
        "Nobody told us he was dying until the very last day.",
        "The equipment for home arrived after she had died.",
        "The hospital and the GP did not talk to each other; we repeated everything.",
        "There were not enough nurses on the ward at night.",
        "-  more help at night\n-  one person to call",
        "Her pain was not controlled, and we had to keep asking.",
        "Staff did not know about his faith or what mattered to us after the death.",
        "We had to ask for a private room, and there was none.",
        "= the discharge took three days, and nobody explained why",
        "+ a follow-up call from someone after the death would have helped",
        "Too many different carers came to the house, never the same one twice.",
        "The forms, the phone calls, the waiting. It was exhausting, on top of everything.",
    ),
    "pl": (
        "Nikt nam nie powiedział, że tata umiera.",
        "Za długo czekaliśmy na lekarza w nocy.",
        "Brakowało tłumacza, mama nie rozumiała lekarzy.",
    ),
    "bn": (
        "রাতে কোনো নার্স ছিল না, আমরা অনেকক্ষণ অপেক্ষা করেছি।",
        "আমাদের ধর্মীয় রীতিনীতি সম্পর্কে কেউ জিজ্ঞেস করেনি।",
    ),
    "ur": (
        "ہمیں کسی نے نہیں بتایا کہ ان کا وقت قریب ہے۔",
        "ہسپتال میں نماز کے لیے کوئی جگہ نہیں تھی۔",
    ),
    "pa": ("ਰਾਤ ਨੂੰ ਡਾਕਟਰ ਲਈ ਬਹੁਤ ਇੰਤਜ਼ਾਰ ਕਰਨਾ ਪਿਆ।",),
}
_OTHER_COMMENTS: dict[str, tuple[str, ...]] = {
    "en": (
        "Thank you for asking. It helped to write this down.",
        "I hope this helps someone else's family.",
        "@ward 7: thank you, you know who you are.",
    ),
    "pl": ("Dziękuję za możliwość podzielenia się tym.",),
}


@dataclass(frozen=True)
class DemoResponse:
    """One invented response: where it came from and its answers (None = seen, skipped)."""

    response_id: str
    area_slug: str
    group_slug: str | None
    language: str
    channel: str
    submitted_at: datetime
    answers: dict[str, AnswerValue | None]


@dataclass(frozen=True)
class _Respondent:
    area: DemoArea
    group: DemoGroup | None
    language: str
    channel: str
    place_of_death: str
    experience: float


def _choose(rng: random.Random, weights: Weights) -> str:
    codes = [code for code, _ in weights]
    return rng.choices(codes, [weight for _, weight in weights])[0]


def _shift(respondent: _Respondent, kind: str) -> float:
    """How far the respondent's area and group move answers of this kind (0 = national)."""
    area = respondent.area.effects
    total = area.get("general", 0.0) + (area.get(kind, 0.0) if kind != "general" else 0.0)
    if respondent.group is not None:
        total += respondent.group.effects.get(kind, 0.0)
    return total


def _effect_kind(item_id: str) -> str:
    if item_id in _EFFECT_KIND:
        return _EFFECT_KIND[item_id]
    if item_id.endswith(".dignity"):
        return "dignity"
    if item_id.endswith(".rating"):
        return "rating"
    return "general"


def _evaluative_answer(
    rng: random.Random, respondent: _Respondent, item_id: str, spec: tuple[Weights, Weights]
) -> str:
    substantive, other = spec
    total = sum(weight for _, weight in substantive)
    other_total = sum(weight for _, weight in other)
    if other and rng.random() < other_total / (total + other_total):
        return _choose(rng, other)
    # An ordinal probit: the respondent's experience plus item noise, cut at the national
    # cumulative proportions, so a shift of 0 reproduces the national weights on average.
    shift = _shift(respondent, _effect_kind(item_id))
    latent = respondent.experience + shift + rng.gauss(0.0, 1.0)
    worse_than = 1.0 - _NORMAL.cdf(latent / _TOTAL_SPREAD)
    cumulative = 0.0
    for code, weight in substantive:
        cumulative += weight / total
        if worse_than < cumulative:
            return code
    return substantive[-1][0]


def _filter_answer(respondent: _Respondent, item_id: str, rng: random.Random) -> str | None:
    """Yes/no filters that follow where the person was cared for and died."""
    place = respondent.place_of_death
    chances = {
        "home.any_time": 0.98 if place == "home" else 0.55,
        "carehome.any_time": 0.99 if place == "care_home" else 0.06,
        "hospital.any_time": 0.99 if place == "hospital" else 0.45,
        "hospice.any_time": 0.99 if place == "hospice" else 0.05,
    }
    if item_id not in chances:
        return None
    if rng.random() < 0.015:
        return "dk"
    return "yes" if rng.random() < chances[item_id] else "no"


def _comment(rng: random.Random, bank: Mapping[str, tuple[str, ...]], language: str) -> str:
    # Most people write in the language they answered in; some switch to English.
    choices = bank.get(language) if rng.random() < 0.8 else None
    return rng.choice(choices or bank["en"])


def _answer(
    rng: random.Random,
    respondent: _Respondent,
    item: Item,
    answers: Mapping[str, AnswerValue | None],
) -> AnswerValue | None:
    item_id = item.id
    group = respondent.group
    if item_id in ("about.place_of_death",):
        return respondent.place_of_death
    if (filtered := _filter_answer(respondent, item_id, rng)) is not None:
        return filtered
    if item_id in ("about.ethnicity", "you.ethnicity") and group and group.ethnicity:
        return _choose(rng, group.ethnicity)
    if item_id in ("about.religion", "you.religion") and group and group.religion:
        return _choose(rng, group.religion)
    if item_id == "you.ethnicity" and isinstance(answers.get("about.ethnicity"), str):
        return answers["about.ethnicity"] if rng.random() < 0.92 else "prefer_not"
    if item_id == "you.religion" and isinstance(answers.get("about.religion"), str):
        return answers["about.religion"] if rng.random() < 0.85 else "none"
    if item_id == "you.religion":
        return _choose(rng, _FACTUAL["about.religion"])
    if item_id == "you.language":
        return respondent.language if respondent.language in item.option_codes else "en"
    if item_id == "you.lgbtq":
        if group is not None and group.slug == "lgbtq-elders":
            return _choose(rng, (("yes", 85), ("prefer_not", 15)))
        return _choose(rng, (("yes", 3), ("no", 90), ("prefer_not", 7)))
    if item_id == "last2.place":
        return respondent.place_of_death if rng.random() < 0.9 else "hospital"
    if item_id == "death.culture_faith" and rng.random() < (
        0.6 if answers.get("about.religion") == "none" else 0.12
    ):
        return "na"
    if item_id == "pref.right_place":
        # Dying where they wished is the strongest reason to say it was the right place.
        wished = answers.get("pref.place") == respondent.place_of_death
        return _choose(rng, (("yes", 95 if wished else 65), ("no", 5 if wished else 35), ("dk", 5)))
    if item.type == "text":
        return _free_text(rng, respondent, item_id)
    if item_id in _EVALUATIVE:
        return _evaluative_answer(rng, respondent, item_id, _EVALUATIVE[item_id])
    if item_id in _FACTUAL:
        return _choose(rng, _FACTUAL[item_id])
    return _fallback_answer(rng, item)


def _free_text(rng: random.Random, respondent: _Respondent, item_id: str) -> str | None:
    """A comment from the built-in bank, or None (most carers leave most boxes empty)."""
    if item_id == "overall.good" and rng.random() < 0.55:
        return _comment(rng, _GOOD_COMMENTS, respondent.language)
    # People who had a worse time more often say what should change.
    if item_id == "overall.improve" and rng.random() < (0.7 if respondent.experience < 0 else 0.35):
        return _comment(rng, _IMPROVE_COMMENTS, respondent.language)
    if item_id == "overall.other" and rng.random() < 0.12:
        return _comment(rng, _OTHER_COMMENTS, respondent.language)
    return None


def _fallback_answer(rng: random.Random, item: Item) -> AnswerValue | None:
    """Items added to the questionnaire later, with no tuned weights: a plausible answer."""
    if item.type == "single" and item.options:
        return rng.choice(item.substantive_codes or item.option_codes)
    if item.type == "multiple" and item.options:
        codes = item.substantive_codes or item.option_codes
        return tuple(
            sorted(rng.sample(codes, k=rng.randint(1, min(2, len(codes)))), key=codes.index)
        )
    if item.type == "number":
        low = item.minimum if isinstance(item.minimum, int | float) else 0
        high = item.maximum if isinstance(item.maximum, int | float) else low + 10
        return rng.randint(int(low), int(high))
    return None


def _walk_questionnaire(
    rng: random.Random, questionnaire: Questionnaire, respondent: _Respondent
) -> dict[str, AnswerValue | None]:
    """Answer page by page as a carer would: only the questions routing shows, some skipped.

    The page and item conditions are the questionnaire's own routing rules. A condition may
    only read items earlier in the file (validation enforces it), so testing each one against
    the answers given so far, in file order, follows exactly the engine's path, in one pass
    rather than re-walking the whole file for every page.
    """
    answers: dict[str, AnswerValue | None] = {}
    sms_only = respondent.channel == "sms" and bool(questionnaire.sms_form)
    for page in questionnaire.pages:
        if page.show_if is not None and not page.show_if.evaluate(answers):
            continue
        for item in page.items:
            if not item.is_answerable or (item.show_if and not item.show_if.evaluate(answers)):
                continue
            if sms_only and item.id not in questionnaire.sms_form:
                continue  # the SMS conversation asks only the short form
            if rng.random() < SKIP_RATE and item.type != "text":
                answers[item.id] = None  # seen and skipped: the carer's right on every question
                continue
            value = _answer(rng, respondent, item, answers)
            # The engine's own parser, so demo text is stored exactly as a carer's would be.
            answers[item.id] = parse_answer(item, value) if isinstance(value, str) else value
    return answers


def _window(today: date) -> tuple[datetime, int]:
    """The start of the quarter QUARTERS-1 quarters back, and the seconds from it until today."""
    quarter_start_month = 3 * ((today.month - 1) // 3) + 1
    months_back = 3 * (QUARTERS - 1)
    year, month = divmod((today.year * 12 + quarter_start_month - 1) - months_back, 12)
    start = datetime(year, month + 1, 1)
    end = datetime(today.year, today.month, today.day)
    return start, max(int((end - start).total_seconds()), 1)


def generate_demo_responses(
    rng: random.Random, questionnaire: Questionnaire, count: int, today: date
) -> Iterator[DemoResponse]:
    """``count`` invented submitted responses; the same seed and day give the same responses."""
    window_start, window_seconds = _window(today)
    for _ in range(count):
        area = rng.choices(DEMO_AREAS, [area.share for area in DEMO_AREAS])[0]
        group = _pick_group(rng, area)
        languages = group.languages if group and len(group.languages) > 1 else OTHER_LANGUAGES
        respondent = _Respondent(
            area=area,
            group=group,
            language=_choose(rng, languages),
            channel=_choose(rng, CHANNELS),
            place_of_death=_choose(rng, PLACES_OF_DEATH),
            experience=rng.gauss(0.0, _RESPONDENT_SPREAD),
        )
        answers = _walk_questionnaire(rng, questionnaire, respondent)
        yield DemoResponse(
            response_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            area_slug=area.slug,
            group_slug=group.slug if group else None,
            language=respondent.language,
            channel=respondent.channel,
            submitted_at=window_start + timedelta(seconds=rng.randrange(window_seconds)),
            answers=answers,
        )


def _pick_group(rng: random.Random, area: DemoArea) -> DemoGroup | None:
    roll = rng.random()
    for group in DEMO_GROUPS:
        if group.area_slug not in (None, area.slug):
            continue
        if roll < group.share:
            return group
        roll -= group.share
    return None


class DemoAlreadySeeded(ServiceError):
    """The demo areas already hold responses; seeding again would duplicate them."""

    def __init__(self, responses: int) -> None:
        super().__init__(f"the demo areas already hold {responses} responses")
        self.responses = responses


@dataclass(frozen=True)
class DemoSummary:
    areas_created: int
    groups_created: int
    responses: int
    answers: int


def seed_demo(
    session: Session,
    questionnaire: Questionnaire,
    *,
    responses: int = 2_000,
    seed: int = 42,
    today: date | None = None,
    batch_size: int = 1_000,
    on_responses: Callable[[int], None] | None = None,
) -> DemoSummary:
    """Create the demo areas, groups and responses in one transaction, or nothing at all.

    One transaction makes a re-run safe: either the demo is all there (and a second run says
    so) or none of it is.
    """
    begin_write(session)
    try:
        existing = session.scalar(
            select(func.count(Response.id))
            .join(Area, Area.id == Response.area_id)
            .where(Area.slug.in_([area.slug for area in DEMO_AREAS]))
        )
        if existing:
            raise DemoAlreadySeeded(int(existing))
        area_ids, areas_created = _ensure_areas(session)
        group_ids, groups_created = _ensure_groups(session, area_ids)
        rng = random.Random(seed)
        answers_written = 0
        batch: list[DemoResponse] = []
        for response in generate_demo_responses(
            rng, questionnaire, responses, today or date.today()
        ):
            batch.append(response)
            if len(batch) >= batch_size:
                answers_written += _insert(session, questionnaire, batch, area_ids, group_ids)
                if on_responses is not None:
                    on_responses(len(batch))
                batch = []
        if batch:
            answers_written += _insert(session, questionnaire, batch, area_ids, group_ids)
            if on_responses is not None:
                on_responses(len(batch))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return DemoSummary(areas_created, groups_created, responses, answers_written)


def _ensure_areas(session: Session) -> tuple[dict[str, int], int]:
    rows = session.execute(
        select(Area.slug, Area.id).where(Area.slug.in_([area.slug for area in DEMO_AREAS]))
    )
    ids = {slug: area_id for slug, area_id in rows}
    created = 0
    for area in DEMO_AREAS:
        if area.slug not in ids:
            row = Area(slug=area.slug, name=area.name)
            session.add(row)
            session.flush()
            ids[area.slug] = row.id
            created += 1
    return ids, created


def _ensure_groups(session: Session, area_ids: Mapping[str, int]) -> tuple[dict[str, int], int]:
    slugs = [group.slug for group in DEMO_GROUPS]
    rows = session.execute(
        select(CommunityGroup.slug, CommunityGroup.id).where(CommunityGroup.slug.in_(slugs))
    )
    ids = {slug: group_id for slug, group_id in rows}
    created = 0
    for group in DEMO_GROUPS:
        if group.slug not in ids:
            area_id = area_ids[group.area_slug] if group.area_slug else None
            row = CommunityGroup(slug=group.slug, name=group.name, area_id=area_id)
            session.add(row)
            session.flush()
            ids[group.slug] = row.id
            created += 1
    return ids, created


def _insert(
    session: Session,
    questionnaire: Questionnaire,
    batch: Sequence[DemoResponse],
    area_ids: Mapping[str, int],
    group_ids: Mapping[str, int],
) -> int:
    responses = cast(Table, Response.__table__)
    rows: list[dict[str, Any]] = []
    for response in batch:
        started = response.submitted_at - timedelta(minutes=20)
        rows.append(
            {
                "response_id": response.response_id,
                "questionnaire_id": questionnaire.id,
                "questionnaire_version": questionnaire.version,
                "channel": response.channel,
                "language": response.language,
                "status": ResponseStatus.SUBMITTED.value,
                "area_id": area_ids[response.area_slug],
                "community_group_id": group_ids[response.group_slug]
                if response.group_slug
                else None,
                "invitation_id": None,
                "current_page_id": None,
                "consent_given_at": started if response.channel != "paper" else None,
                "resume_code_hash": None,
                "started_at": started,
                "updated_at": response.submitted_at,
                "submitted_at": response.submitted_at,
            }
        )
    created = session.execute(
        insert(responses).returning(
            responses.c.id, responses.c.response_id, sort_by_parameter_order=True
        ),
        rows,
    )
    key_of = {response_id: key for key, response_id in created}
    answers = [
        {
            "response_id": key_of[response.response_id],
            "item_id": item_id,
            # A skipped question is stored as NULL, exactly as the web survey stores it.
            "value": None
            if value is None
            else serialise_answer(questionnaire.item(item_id), value),
            "updated_at": response.submitted_at,
        }
        for response in batch
        for item_id, value in response.answers.items()
    ]
    if answers:
        session.execute(insert(cast(Table, Answer.__table__)), answers)
    return len(answers)
