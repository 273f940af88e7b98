"""Invented bereavement comments in several languages, and a builder for survey exports."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pandas as pd

ENGLISH = [
    "The nurses were so kind to Mum and to all of us at the end.",
    "Nobody told us he was dying, so we never got to say goodbye.",
    "We rang 111 at night and waited four hours; no one came.",
    "The hospital bed and the hoist came quickly, so Dad could die at home as he wished.",
    "The death certificate took two weeks and the funeral had to wait.",
    "The syringe driver kept her comfortable and free of pain.",
    "After he died nobody from the hospice phoned to see how I was coping.",
    "Staff explained everything and kept the family informed every day.",
]
WELSH = [
    "Doedd neb wedi dweud wrthym ei fod yn marw, ac roedd hi'n rhy hwyr i ffarwelio.",
    "Roedd y nyrsys yn garedig iawn ond doedd dim cyfieithydd Cymraeg ar gael.",
]
POLISH = [
    "Nikt nam nie powiedział, że tata umiera. Tłumacz nie przyszedł, a ksiądz nie mógł przyjść.",
    "Pielęgniarki były bardzo miłe, ale w nocy nikt nie przyjechał.",
]
URDU = [
    "کسی نے ہمیں نہیں بتایا کہ وہ مر رہے ہیں۔ امام صاحب کو بلانے کی اجازت نہیں ملی۔",
    "رات کو کوئی نہیں آیا اور ابو کو بہت درد تھا۔",
]
PANJABI = [
    "ਕਿਸੇ ਨੇ ਸਾਨੂੰ ਨਹੀਂ ਦੱਸਿਆ ਕਿ ਉਹ ਮਰ ਰਹੇ ਸਨ। ਗ੍ਰੰਥੀ ਜੀ ਨੂੰ ਅਰਦਾਸ ਲਈ ਨਹੀਂ ਬੁਲਾਇਆ ਗਿਆ।",
    "ਰਾਤ ਨੂੰ ਕੋਈ ਨਹੀਂ ਆਇਆ ਅਤੇ ਮਾਂ ਨੂੰ ਬਹੁਤ ਦਰਦ ਸੀ।",
]
# Bengali has no patterns in the packaged frame: these comments wait for a translator.
BENGALI = [
    "কেউ আমাদের বলেনি যে বাবা মারা যাচ্ছেন। আমরা বিদায় জানাতে পারিনি।",
    "রাতে কেউ আসেনি এবং মা অনেক কষ্ট পেয়েছিলেন।",
]


ExportBuilder = Callable[[list[tuple[str, str, str]]], pd.DataFrame]


def build_export(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """A survey export from (community_group, language, comment) triples."""
    counter = itertools.count(1)
    records = []
    for group, language, comment in rows:
        number = next(counter)
        records.append(
            {
                "response_id": f"R{number:05d}",
                "questionnaire_id": "voices-core",
                "questionnaire_version": "1",
                "area": "Bradford" if number % 2 else "Leeds",
                "community_group": group,
                "language": language,
                "channel": "web",
                "status": "submitted",
                "submitted_at": "2026-11-01T10:00:00",
                "overall.good": comment,
                "overall.improve": "",
                "overall.other": "",
                "about.ethnicity": "Asian" if language in {"ur", "pa", "bn"} else "White",
            }
        )
    return pd.DataFrame(records)


def repeat(comments: list[str], times: int) -> list[str]:
    return list(itertools.islice(itertools.cycle(comments), times))
