"""Deterministic synthetic responses in the export format, routed as the survey routes them.

`python -m bench.synthetic_responses N OUT.csv [--seed S] [--areas A]` writes a CSV;
`synthetic_responses(n)` returns the DataFrame (categorical answer columns) in a few seconds
for a million responses. Each respondent has a latent "experience" and each area an effect, so
answers correlate within a person and areas really differ, as in real surveys.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from analysis.questionnaire_data import FIXED_COLUMNS, QuestionnaireData, load_questionnaire

QUESTIONNAIRE = Path(__file__).resolve().parents[1] / "questionnaires" / "voices-core" / "v1.yaml"
SKIP_RATE = 0.03  # any answered question is left blank this often (bereaved people skip)
START = np.datetime64("2024-01-01T00:00:00")
SPAN_SECONDS = 3 * 365 * 24 * 3600

# Probabilities of the options, in option order, for case-mix and descriptive items.
PROFILE: dict[str, list[float]] = {
    "about.relationship": [0.35, 0.40, 0.05, 0.05, 0.02, 0.06, 0.04, 0.03],
    "about.age_band": [0.15, 0.20, 0.33, 0.32],
    "about.sex": [0.50, 0.48, 0.005, 0.015],
    "about.cause_group": [0.29, 0.20, 0.07, 0.12, 0.18, 0.06, 0.06, 0.02],
    "about.place_of_death": [0.29, 0.21, 0.43, 0.05, 0.015, 0.005],
    "about.ethnicity": [0.86, 0.02, 0.06, 0.03, 0.01, 0.02],
    "about.religion": [0.25, 0.62, 0.05, 0.02, 0.01, 0.01, 0.005, 0.01, 0.025],
    "about.months_since_death": [0.10, 0.45, 0.40, 0.05],
    "you.main_carer": [0.50, 0.30, 0.20],
    "you.age_band": [0.05, 0.35, 0.30, 0.18, 0.10, 0.02],
    "you.sex": [0.65, 0.33, 0.005, 0.015],
    "you.ethnicity": [0.86, 0.02, 0.06, 0.03, 0.01, 0.02],
    "you.religion": [0.35, 0.52, 0.05, 0.02, 0.01, 0.01, 0.005, 0.01, 0.025],
    "you.lgbtq": [0.04, 0.92, 0.04],
}
# Filter items: the share answering "yes" (then "no", then "dk" splits the rest 9:1).
FILTER_YES = {
    "home.any_time": 0.70,
    "home.gp.seen": 0.85,
    "home.dn.seen": 0.60,
    "home.spc.seen": 0.35,
    "home.carers.seen": 0.40,
    "home.ooh.needed": 0.45,
    "carehome.any_time": 0.25,
    "hospital.any_time": 0.60,
    "hospice.any_time": 0.15,
    "pref.expressed": 0.35,
    "death.told_likely": 0.70,
}
# Evaluative items: probabilities of the substantive options best first, at roughly the ONS
# 2011-2015 national rates, and the share of non-substantive answers (dk, na, no_pain).
EVALUATIVE: dict[str, tuple[list[float], float]] = {
    "rating5": ([0.12, 0.30, 0.33, 0.15, 0.10], 0.0),
    "frequency4": ([0.62, 0.25, 0.09, 0.04], 0.04),
    "pain": ([0.40, 0.20, 0.30, 0.10], 0.25),
    "yes3": ([0.55, 0.32, 0.13], 0.06),
    "agree5": ([0.30, 0.48, 0.10, 0.08, 0.04], 0.06),
    "yesno": ([0.80, 0.20], 0.06),
}
OWN_RATES: dict[str, tuple[list[float], float]] = {
    "hospital.nurses.dignity": ([0.54, 0.30, 0.11, 0.05], 0.04),
    "hospital.doctors.dignity": ([0.57, 0.29, 0.10, 0.04], 0.05),
    "hospice.doctors.dignity": ([0.87, 0.10, 0.02, 0.01], 0.03),
    "hospice.nurses.dignity": ([0.86, 0.11, 0.02, 0.01], 0.02),
    "home.pain": ([0.18, 0.20, 0.45, 0.17], 0.25),
    "hospice.pain": ([0.62, 0.18, 0.17, 0.03], 0.20),
    "hospital.coordination": ([0.36, 0.31, 0.33], 0.08),
    "last2.time_to_ask": ([0.30, 0.46, 0.08, 0.10, 0.06], 0.05),
    "last2.unwanted_decisions": ([0.21, 0.79], 0.19),
    "last2.privacy": ([0.85, 0.15], 0.05),
}
SCALE_BY_BEST = {
    "outstanding": "rating5",
    "always": "frequency4",
    "complete_all": "pain",
    "definitely": "yes3",
    "strongly_agree": "agree5",
    "yes": "yesno",
}
COMMENTS = [
    "The nurses were kind and explained everything.",
    "Nobody told us what was happening, we had to keep asking.",
    "The hospice staff made her last days peaceful, thank you.",
    "Too many different carers came to the house, never the same one twice.",
]
LANGUAGES = (["en", "cy", "pl", "ur", "pa", "bn"], [0.90, 0.02, 0.02, 0.03, 0.02, 0.01])
CHANNELS = (["web", "paper", "sms"], [0.60, 0.25, 0.15])


def synthetic_responses(
    n: int, *, seed: int = 2015, areas: int = 200, questionnaire: QuestionnaireData | None = None
) -> pd.DataFrame:
    """``n`` responses as the export would hold them (answer columns categorical)."""
    q = questionnaire or load_questionnaire(QUESTIONNAIRE)
    rng = np.random.default_rng(seed)
    latent = rng.standard_normal(n)
    area = rng.integers(0, areas, n)
    # Areas differ by up to about ±0.5 SD of experience: enough to give real better/worse.
    area_effect = np.random.default_rng(seed + 1).normal(0.0, 0.25, areas)[area]
    experience = 0.75 * latent + area_effect
    channel = _choice(rng, CHANNELS[1], n)
    sms_only = channel == CHANNELS[0].index("sms")
    sms_items = set(q.sms_form)
    columns: dict[str, pd.Series | npt.NDArray[np.object_] | pd.Categorical] = {}
    columns["response_id"] = pd.Series(np.arange(n)).astype(str).str.zfill(8).radd("syn-")
    columns["questionnaire_id"] = _constant(q.id, n)
    columns["questionnaire_version"] = _constant(str(q.version), n)
    columns["area"] = pd.Categorical.from_codes(area, [f"area-{i:03d}" for i in range(areas)])
    groups = [f"group-{i:02d}" for i in range(12)]
    group = np.where(rng.random(n) < 0.25, rng.integers(0, len(groups), n), -1)
    columns["community_group"] = pd.Categorical.from_codes(group, groups)
    language = _choice(rng, LANGUAGES[1], n)
    columns["language"] = pd.Categorical.from_codes(language, LANGUAGES[0])
    columns["channel"] = pd.Categorical.from_codes(channel, CHANNELS[0])
    submitted = rng.random(n) < 0.96
    columns["status"] = pd.Categorical.from_codes(
        submitted.astype(int), ["in_progress", "submitted"]
    )
    seconds = rng.integers(0, SPAN_SECONDS, n).astype("timedelta64[s]")
    stamps = pd.Series(np.datetime_as_string(START + seconds, unit="s")) + "Z"
    columns["submitted_at"] = stamps.where(submitted, "")
    codes: dict[str, npt.NDArray[np.int64]] = {}
    for item_id, item in q.items.items():
        if item.type == "text":
            picked = np.where(rng.random(n) < 0.3, rng.integers(0, len(COMMENTS), n), -1)
            columns[item_id] = pd.Categorical.from_codes(picked, COMMENTS)
            continue
        if item_id == "you.language":
            values = np.array([item.codes.index(code) for code in LANGUAGES[0]])[language]
        elif item_id in FILTER_YES:
            yes = FILTER_YES[item_id]
            values = _choice(rng, [yes, (1 - yes) * 0.9, (1 - yes) * 0.1], n)
        elif item_id in PROFILE:
            values = _choice(rng, PROFILE[item_id], n)
        elif item_id == "pref.place":
            values = _choice(rng, [0.75, 0.07, 0.05, 0.10, 0.02, 0.01], n)
        elif item_id == "last2.place":
            values = codes["about.place_of_death"].copy()
        elif item_id == "death.bereavement_support":
            values = _choice(rng, [0.45, 0.20, 0.35], n)
        else:
            values = _evaluative(rng, item.codes, item.substantive_codes, item_id, experience)
        shown = _routed(item_id, codes, n) & (rng.random(n) >= SKIP_RATE)
        if item_id not in sms_items:
            shown &= ~sms_only
        codes[item_id] = np.where(shown, values, -1)
        columns[item_id] = pd.Categorical.from_codes(codes[item_id], list(item.codes))
    _prefer_home_deaths(rng, codes, columns, q)
    frame = pd.DataFrame(columns)
    return frame.loc[:, [*FIXED_COLUMNS, *q.items]]


def _choice(rng: np.random.Generator, weights: list[float], n: int) -> npt.NDArray[np.int64]:
    cumulative = np.cumsum(np.asarray(weights, dtype=np.float64))
    return np.searchsorted(cumulative / cumulative[-1], rng.random(n), side="right").astype(
        np.int64
    )


def _constant(value: str, n: int) -> pd.Categorical:
    return pd.Categorical.from_codes(np.zeros(n, dtype=np.int64), [value])


def _evaluative(
    rng: np.random.Generator,
    codes: tuple[str, ...],
    substantive: tuple[str, ...],
    item_id: str,
    experience: npt.NDArray[np.float64],
) -> npt.NDArray[np.int64]:
    """Ordered categories cut from latent experience + noise at the target marginal rates."""
    scale = SCALE_BY_BEST.get(substantive[0], "yes3")
    rates, non_substantive = OWN_RATES.get(item_id, EVALUATIVE[scale])
    # Best first: a higher latent score falls into an earlier (better) option.
    z = -(experience + 0.66 * rng.standard_normal(len(experience)))
    cuts = np.quantile(z, np.cumsum(rates)[:-1])
    rank = np.searchsorted(cuts, z)
    index_of = np.array([codes.index(code) for code in substantive])
    values = index_of[rank]
    others = [i for i, code in enumerate(codes) if code not in substantive]
    if others:
        drawn = rng.random(len(values)) < non_substantive
        other = np.asarray(others)[rng.integers(0, len(others), len(values))]
        values = np.where(drawn, other, values)
    return values.astype(np.int64)


def _routed(item_id: str, codes: dict[str, npt.NDArray[np.int64]], n: int) -> npt.NDArray[np.bool_]:
    """Shown only when every filter above it was answered yes (code 0), as the survey routes."""
    parts = item_id.split(".")
    shown = np.ones(n, dtype=bool)
    filters = {
        "home": "home.any_time",
        "carehome": "carehome.any_time",
        "hospital": "hospital.any_time",
        "hospice": "hospice.any_time",
        "pref": "pref.expressed",
    }
    section_filter = filters.get(parts[0])
    if section_filter and item_id != section_filter:
        shown &= codes[section_filter] == 0
    if parts[0] == "home" and len(parts) == 3 and parts[2] != "seen" and parts[2] != "needed":
        own = f"home.{parts[1]}.seen" if parts[1] != "ooh" else "home.ooh.needed"
        shown &= codes[own] == 0
    if item_id == "death.told_sensitively":
        shown &= codes["death.told_likely"] == 0
    return shown


def _prefer_home_deaths(
    rng: np.random.Generator,
    codes: dict[str, npt.NDArray[np.int64]],
    columns: dict[str, pd.Series | npt.NDArray[np.object_] | pd.Categorical],
    q: QuestionnaireData,
) -> None:
    """About half of those with a preference die where they wished (ONS: roughly 1 in 2)."""
    place = codes["pref.place"]
    matched = (place >= 0) & (rng.random(len(place)) < 0.45)
    death = np.where(matched, place, codes["about.place_of_death"])
    codes["about.place_of_death"] = death
    columns["about.place_of_death"] = pd.Categorical.from_codes(
        death, list(q.item("about.place_of_death").codes)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.synthetic_responses")
    parser.add_argument("n", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--areas", type=int, default=200)
    args = parser.parse_args(argv)
    frame = synthetic_responses(args.n, seed=args.seed, areas=args.areas)
    frame.to_csv(args.out, index=False, lineterminator="\r\n")
    print(f"wrote {len(frame):,} responses to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
