"""The load run's ledger: every save and text acknowledged, checked against the database."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import create_engine, text

from bench.load_mix import LedgerDiff, compare_ledger


@dataclass
class Ledger:
    """Everything the server acknowledged, as the clients saw it."""

    web: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (response, item)
    sms_answers: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (phone, item)
    sms_sids: dict[str, str] = field(default_factory=dict)  # MessageSid -> phone
    saves_acknowledged: int = 0
    sms_answers_acknowledged: int = 0
    uncertain: set[tuple[str, str]] = field(default_factory=set)  # a request failed: unknown
    lock: threading.Lock = field(default_factory=threading.Lock)


def stored_answers(
    url: str, slug: str
) -> tuple[dict[tuple[str, str], str | None], dict[tuple[int, str], str | None], dict[str, int]]:
    """Web answers by (response, item); SMS answers by (conversation, item); SID -> conversation."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            web_rows = connection.execute(
                text(
                    "SELECT r.response_id, a.item_id, a.value FROM answers a "
                    "JOIN responses r ON r.id = a.response_id JOIN areas ar ON ar.id = r.area_id "
                    "WHERE ar.slug = :slug AND r.channel = 'web'"
                ),
                {"slug": slug},
            ).all()
            sms_rows = connection.execute(
                text(
                    "SELECT c.id, a.item_id, a.value FROM answers a "
                    "JOIN sms_conversations c ON c.response_id = a.response_id "
                    "JOIN invitations i ON i.id = c.invitation_id "
                    "JOIN areas ar ON ar.id = i.area_id "
                    "WHERE ar.slug = :slug"
                ),
                {"slug": slug},
            ).all()
            sid_rows = connection.execute(
                text(
                    "SELECT s.message_sid, c.id FROM sms_inbound s "
                    "JOIN sms_conversations c ON c.id = s.conversation_id "
                    "JOIN invitations i ON i.id = c.invitation_id "
                    "JOIN areas ar ON ar.id = i.area_id "
                    "WHERE ar.slug = :slug"
                ),
                {"slug": slug},
            ).all()
    finally:
        engine.dispose()
    web = {(str(r[0]), str(r[1])): r[2] for r in web_rows}
    sms = {(int(r[0]), str(r[1])): r[2] for r in sms_rows}
    sids = {str(r[0]): int(r[1]) for r in sid_rows}
    return web, sms, sids


def check_ledger(url: str, slug: str, ledger: Ledger) -> dict[str, Any]:
    web_stored, sms_stored, sids_stored = stored_answers(url, slug)
    web_expected = {k: v for k, v in ledger.web.items() if k not in ledger.uncertain}
    web_stored_cmp = {k: v for k, v in web_stored.items() if k not in ledger.uncertain}
    web_diff = compare_ledger(web_expected, web_stored_cmp)
    # Every acknowledged MessageSid is stored, and stored for the conversation of its sender.
    conversation_of: dict[str, int] = {}
    for sid, number in ledger.sms_sids.items():
        if sid in sids_stored:
            conversation_of.setdefault(number, sids_stored[sid])
    sid_expected = {
        sid: str(conversation_of.get(number)) for sid, number in ledger.sms_sids.items()
    }
    sid_stored = {sid: str(conv) for sid, conv in sids_stored.items()}
    sid_diff = compare_ledger(sid_expected, sid_stored)
    phone_of = {conv: number for number, conv in conversation_of.items()}
    sms_stored_by_phone = {
        (phone_of.get(conv, f"conversation {conv}"), item): value
        for (conv, item), value in sms_stored.items()
    }
    sms_expected = {k: v for k, v in ledger.sms_answers.items() if k not in ledger.uncertain}
    sms_stored_cmp = {k: v for k, v in sms_stored_by_phone.items() if k not in ledger.uncertain}
    sms_diff = compare_ledger(sms_expected, sms_stored_cmp)

    def described(diff: LedgerDiff[Any]) -> dict[str, Any]:
        return {
            "compared": diff.compared,
            "missing": len(diff.missing),
            "wrong": len(diff.wrong),
            "extra": len(diff.extra),
            "examples": [str(k) for k in (diff.missing + diff.wrong + diff.extra)[:5]],
            "exact": diff.exact,
        }

    return {
        "web_saves_acknowledged": ledger.saves_acknowledged,
        "sms_answers_acknowledged": ledger.sms_answers_acknowledged,
        "sms_texts_acknowledged": len(ledger.sms_sids),
        "uncertain_keys": len(ledger.uncertain),
        "web_answers": described(web_diff),
        "sms_inbound_rows": described(sid_diff),
        "sms_answers": described(sms_diff),
        "exact": web_diff.exact and sid_diff.exact and sms_diff.exact,
    }


def print_ledger(check: dict[str, Any]) -> None:
    print(
        f"\nledger: {check['web_saves_acknowledged']} web saves and "
        f"{check['sms_answers_acknowledged']} SMS answers acknowledged "
        f"({check['sms_texts_acknowledged']} texts)"
    )
    for name in ("web_answers", "sms_inbound_rows", "sms_answers"):
        d = check[name]
        print(
            f"  {name:<17} compared {d['compared']:6d}  missing {d['missing']}  wrong {d['wrong']}"
            f"  extra {d['extra']}  {'exact' if d['exact'] else 'DIFFERENT ' + str(d['examples'])}"
        )
