"""A small invented labelled set (themes and sentiment) in the train.csv column layout."""

from __future__ import annotations

import itertools

import pandas as pd

STAFF_GOOD = [
    "The nurses were kind and caring to my dad.",
    "Lovely staff, so friendly and helpful at the end.",
    "The doctor was patient and respectful with us.",
    "Caring nurses who treated mum with dignity.",
]
STAFF_BAD = [
    "The nurses were not kind and ignored him.",
    "Rude staff who never answered the buzzer.",
    "The doctor was dismissive and unhelpful.",
]
WAITING_BAD = [
    "We waited hours for anyone to come at night.",
    "The ambulance took four hours to arrive.",
    "Nobody came when we rang, we waited all night.",
]
MIXED = [
    "The nurses were kind but we waited hours for the doctor.",
    "Good care in the day, but nights were a long wait.",
    "My husband died on the ward; some staff were kind, others not.",
]


def labelled_table(repeats: int = 6) -> pd.DataFrame:
    rows = []
    groups = [
        (STAFF_GOOD, 1, 0, "positive", "what_good"),
        (STAFF_BAD, 1, 0, "negative", "could_improve"),
        (WAITING_BAD, 0, 1, "negative", "could_improve"),
        (MIXED, 1, 1, "neutral_or_mixed", "nonspecific"),
    ]
    counter = itertools.count(1)
    for _ in range(repeats):
        for texts, staff, access, sentiment, question in groups:
            for text in texts:
                rows.append(
                    {
                        "comment_id": f"C{next(counter)}",
                        "question_type": question,
                        "text": text,
                        "sentiment_3": sentiment,
                        "cat:Staff": staff,
                        "cat:Access to medical care & support": access,
                    }
                )
    return pd.DataFrame(rows)
