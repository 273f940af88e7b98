"""How an invented carer answers: a latent experience, area and group effects, the real routing."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from app.questionnaire import AnswerValue, Item, Questionnaire, parse_answer
from app.services.demo_answer_weights import (
    EFFECT_KIND,
    EVALUATIVE,
    FACTUAL,
    NORMAL,
    TOTAL_SPREAD,
)
from app.services.demo_comments import GOOD_COMMENTS, IMPROVE_COMMENTS, OTHER_COMMENTS
from app.services.demo_population import SKIP_RATE, DemoArea, DemoGroup, Weights


@dataclass(frozen=True)
class Respondent:
    """One invented carer: where they are, how they answer, and how their experience went."""

    area: DemoArea
    group: DemoGroup | None
    language: str
    channel: str
    place_of_death: str
    experience: float


def choose(rng: random.Random, weights: Weights) -> str:
    codes = [code for code, _ in weights]
    return rng.choices(codes, [weight for _, weight in weights])[0]


def _shift(respondent: Respondent, kind: str) -> float:
    """How far the respondent's area and group move answers of this kind (0 = national)."""
    area = respondent.area.effects
    total = area.get("general", 0.0) + (area.get(kind, 0.0) if kind != "general" else 0.0)
    if respondent.group is not None:
        total += respondent.group.effects.get(kind, 0.0)
    return total


def _effect_kind(item_id: str) -> str:
    if item_id in EFFECT_KIND:
        return EFFECT_KIND[item_id]
    if item_id.endswith(".dignity"):
        return "dignity"
    if item_id.endswith(".rating"):
        return "rating"
    return "general"


def _evaluative_answer(
    rng: random.Random, respondent: Respondent, item_id: str, spec: tuple[Weights, Weights]
) -> str:
    substantive, other = spec
    total = sum(weight for _, weight in substantive)
    other_total = sum(weight for _, weight in other)
    if other and rng.random() < other_total / (total + other_total):
        return choose(rng, other)
    # An ordinal probit: the respondent's experience plus item noise, cut at the national
    # cumulative proportions, so a shift of 0 reproduces the national weights on average.
    shift = _shift(respondent, _effect_kind(item_id))
    latent = respondent.experience + shift + rng.gauss(0.0, 1.0)
    worse_than = 1.0 - NORMAL.cdf(latent / TOTAL_SPREAD)
    cumulative = 0.0
    for code, weight in substantive:
        cumulative += weight / total
        if worse_than < cumulative:
            return code
    return substantive[-1][0]


def _filter_answer(respondent: Respondent, item_id: str, rng: random.Random) -> str | None:
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
    respondent: Respondent,
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
        return choose(rng, group.ethnicity)
    if item_id in ("about.religion", "you.religion") and group and group.religion:
        return choose(rng, group.religion)
    if item_id == "you.ethnicity" and isinstance(answers.get("about.ethnicity"), str):
        return answers["about.ethnicity"] if rng.random() < 0.92 else "prefer_not"
    if item_id == "you.religion" and isinstance(answers.get("about.religion"), str):
        return answers["about.religion"] if rng.random() < 0.85 else "none"
    if item_id == "you.religion":
        return choose(rng, FACTUAL["about.religion"])
    if item_id == "you.language":
        return respondent.language if respondent.language in item.option_codes else "en"
    if item_id == "you.lgbtq":
        if group is not None and group.slug == "lgbtq-elders":
            return choose(rng, (("yes", 85), ("prefer_not", 15)))
        return choose(rng, (("yes", 3), ("no", 90), ("prefer_not", 7)))
    if item_id == "last2.place":
        return respondent.place_of_death if rng.random() < 0.9 else "hospital"
    if item_id == "death.culture_faith" and rng.random() < (
        0.6 if answers.get("about.religion") == "none" else 0.12
    ):
        return "na"
    if item_id == "pref.right_place":
        # Dying where they wished is the strongest reason to say it was the right place.
        wished = answers.get("pref.place") == respondent.place_of_death
        return choose(rng, (("yes", 95 if wished else 65), ("no", 5 if wished else 35), ("dk", 5)))
    if item.type == "text":
        return _free_text(rng, respondent, item_id)
    if item_id in EVALUATIVE:
        return _evaluative_answer(rng, respondent, item_id, EVALUATIVE[item_id])
    if item_id in FACTUAL:
        return choose(rng, FACTUAL[item_id])
    return _fallback_answer(rng, item)


def _free_text(rng: random.Random, respondent: Respondent, item_id: str) -> str | None:
    """A comment from the built-in bank, or None (most carers leave most boxes empty)."""
    if item_id == "overall.good" and rng.random() < 0.55:
        return _comment(rng, GOOD_COMMENTS, respondent.language)
    # People who had a worse time more often say what should change.
    if item_id == "overall.improve" and rng.random() < (0.7 if respondent.experience < 0 else 0.35):
        return _comment(rng, IMPROVE_COMMENTS, respondent.language)
    if item_id == "overall.other" and rng.random() < 0.12:
        return _comment(rng, OTHER_COMMENTS, respondent.language)
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


def walk_questionnaire(
    rng: random.Random, questionnaire: Questionnaire, respondent: Respondent
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
