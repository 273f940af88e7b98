"""Import an invitation list (CSV): check rows, merge duplicates, honour opt-outs and exclusions."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n.languages import normalise_code
from app.models import Area, CommunityGroup, Contact, Invitation
from app.models.invitation import INVITATION_CHANNELS
from app.services.contacts import InvalidPhoneNumber, is_opted_out, new_contact, normalise_phone
from app.services.encryption import ContactCipher
from app.services.errors import ServiceError
from app.services.secrets_for_links import hash_link_token, new_link_token
from app.services.transactions import begin_write
from app.sms.keywords import keyword_table

REQUIRED_COLUMNS = ("phone", "area", "community_group", "language")
OPTIONAL_COLUMNS = (
    "name_of_person",
    "relationship",
    "date_of_death",
    "exclude_reason",
    "email",
    "channel",
)
MAX_IMPORT_BYTES = 20 * 1024 * 1024
MAX_REPORTED = 1_000
NAME_MAX = 60
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s.]{2,63}")
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")

# What lists say about the carer, mapped to the core's relationship codes (the carer's
# relationship to the person who died: "wife" means the carer was their wife).
RELATIONSHIP_WORDS: dict[str, str] = {
    **dict.fromkeys(["husband", "wife", "partner", "spouse", "civil partner"], "spouse_partner"),
    **dict.fromkeys(["son", "daughter", "child"], "child"),
    **dict.fromkeys(["son-in-law", "daughter-in-law", "child-in-law"], "child_in_law"),
    **dict.fromkeys(["brother", "sister", "sibling"], "sibling"),
    **dict.fromkeys(["mother", "father", "mum", "dad", "parent"], "parent"),
    **dict.fromkeys(
        ["relative", "grandson", "granddaughter", "niece", "nephew", "cousin", "aunt", "uncle"],
        "other_relative",
    ),
    **dict.fromkeys(["friend", "neighbour", "neighbor"], "friend_neighbour"),
    "other": "other",
}
RELATIONSHIP_CODES = frozenset(RELATIONSHIP_WORDS.values())


@dataclass(frozen=True, slots=True)
class RowNote:
    """One row that was not invited (or was merged), with its line number and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class InvitationFileUnreadable(ServiceError):
    """The file as a whole cannot be read: too big, not UTF-8 text, or a bad header."""


class InvitationRowsInvalid(ServiceError):
    """Some rows are invalid and --skip-invalid was not given, so nothing was imported."""

    def __init__(self, rejected: Sequence[RowNote]) -> None:
        super().__init__(f"{len(rejected)} rows have problems; nothing was imported")
        self.rejected = list(rejected)


@dataclass
class ImportReport:
    rows: int = 0
    invited: int = 0
    held: int = 0  # invited, but no text before the minimum interval after the death
    rejected: list[RowNote] = field(default_factory=list)
    excluded: list[RowNote] = field(default_factory=list)
    opted_out: list[RowNote] = field(default_factory=list)
    merged: list[RowNote] = field(default_factory=list)
    already_invited: list[RowNote] = field(default_factory=list)
    dry_run: bool = False


@dataclass(frozen=True)
class _Row:
    line: int
    phone: str | None
    email: str | None
    area: Area
    group: CommunityGroup | None
    language: str
    person_name: str | None
    relationship: str | None
    not_before: date | None
    channel: str = "sms"


@dataclass(frozen=True)
class ImportOptions:
    questionnaire_id: str
    today: date
    min_days_after_death: int
    valid_days: int
    skip_invalid: bool = False
    dry_run: bool = False


def _read_text(source: Path) -> str:
    if source.stat().st_size > MAX_IMPORT_BYTES:
        raise InvitationFileUnreadable(
            f"the file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; split it"
        )
    try:
        return source.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        raise InvitationFileUnreadable(
            "the file is not UTF-8 text; save it as 'CSV UTF-8' and try again"
        ) from problem


def _records(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    if "\x00" in text:
        raise InvitationFileUnreadable("the file is not a CSV text file")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader, [])]
    except csv.Error as problem:
        raise InvitationFileUnreadable(f"line 1: {problem}") from problem
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown or len(set(header)) != len(header):
        problems = []
        if missing:
            problems.append("missing columns: " + ", ".join(missing))
        if unknown:
            problems.append("unknown columns: " + ", ".join(repr(c) for c in unknown))
        if len(set(header)) != len(header):
            problems.append("a column appears twice")
        raise InvitationFileUnreadable("line 1: " + "; ".join(problems))
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as problem:
            raise InvitationFileUnreadable(f"line {reader.line_num}: {problem}") from problem
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            yield reader.line_num, {"__error__": f"{len(cells)} cells for {len(header)} columns"}
            continue
        cells = cells + [""] * (len(header) - len(cells))
        yield (
            reader.line_num,
            {column: cell.strip() for column, cell in zip(header, cells, strict=True)},
        )


def _parse_death(text: str, today: date) -> date:
    match = _UK_DATE.fullmatch(text)
    try:
        if match:
            day = date(int(match[3]), int(match[2]), int(match[1]))
        else:
            day = date.fromisoformat(text)
    except ValueError as problem:
        raise ValueError("date_of_death must be a date like 2025-03-31 or 31/03/2025") from problem
    if day > today:
        raise ValueError("date_of_death is in the future")
    return day


class _RowChecker:
    """Checks one row at a time, looking areas and groups up once each."""

    def __init__(self, session: Session, options: ImportOptions) -> None:
        self.session = session
        self.options = options
        self.areas = {area.slug: area for area in session.scalars(select(Area))}
        self.groups = {group.slug: group for group in session.scalars(select(CommunityGroup))}
        self.languages = {language.code for language in keyword_table().languages}

    def check(self, line: int, record: dict[str, str]) -> _Row:
        if "__error__" in record:
            raise ValueError(record["__error__"])
        phone = normalise_phone(record["phone"]) if record["phone"] else None
        email = record.get("email") or None
        if email is not None and not _EMAIL.fullmatch(email):
            raise ValueError("the email address is not valid")
        if phone is None and email is None:
            raise ValueError("there is no phone number (or email address)")
        channel = self._channel(record.get("channel") or "", phone, email)
        area = self.areas.get(record["area"])
        if area is None or not area.is_open_on(self.options.today):
            raise ValueError(f"there is no open area with the slug {record['area'][:64]!r}")
        group = None
        if record["community_group"]:
            group = self.groups.get(record["community_group"])
            # A sub-area's invitations may name a group of its parent area.
            if group is None or group.area_id not in (None, area.id, area.parent_id):
                raise ValueError(
                    f"there is no community group {record['community_group'][:64]!r} in this area"
                )
        # Lists say "zh", "zh-CN" or "pa-Guru"; the registry's code ("zh_Hans", "pa") is stored.
        language = normalise_code(record["language"] or "en") or record["language"]
        if language not in self.languages:
            raise ValueError(f"language {language[:16]!r} is not supported")
        name = " ".join((record.get("name_of_person") or "").split()) or None
        if name is not None and len(name) > NAME_MAX:
            raise ValueError(f"name_of_person is longer than {NAME_MAX} characters")
        relationship = self._relationship(record.get("relationship") or "")
        not_before = None
        if record.get("date_of_death"):
            death = _parse_death(record["date_of_death"], self.options.today)
            not_before = death + timedelta(days=self.options.min_days_after_death)
        return _Row(
            line, phone, email, area, group, language, name, relationship, not_before, channel
        )

    @staticmethod
    def _channel(text: str, phone: str | None, email: str | None) -> str:
        """How the carer is invited: as the list says, else a text when there is a phone."""
        channel = text.strip().lower() or ("sms" if phone else "email")
        if channel not in INVITATION_CHANNELS:
            raise ValueError(
                f"channel {text[:16]!r} is not one of {', '.join(INVITATION_CHANNELS)}"
            )
        if channel == "sms" and phone is None:
            raise ValueError("the channel is sms but there is no phone number")
        if channel == "email" and email is None:
            raise ValueError("the channel is email but there is no email address")
        return channel

    @staticmethod
    def _relationship(text: str) -> str | None:
        cleaned = " ".join(text.lower().replace("_", " ").split())
        if not cleaned:
            return None
        if cleaned.replace(" ", "_") in RELATIONSHIP_CODES:
            return cleaned.replace(" ", "_")
        code = RELATIONSHIP_WORDS.get(cleaned.replace(" in law", "-in-law"))
        if code is None:
            raise ValueError(
                f"relationship {text[:30]!r} is not one we know (e.g. wife, son, friend)"
            )
        return code


def import_invitations(
    session: Session,
    cipher: ContactCipher,
    source: Path,
    options: ImportOptions,
    *,
    on_progress: Callable[[int], None] = lambda _rows: None,
) -> ImportReport:
    """Check the whole list, then create invitations and contacts in one transaction.

    Rows with problems are reported by line; unless ``skip_invalid``, one bad row means
    nothing is imported. Excluded, opted-out, duplicate and already-invited rows are reported
    and never invited; they do not stop the import.
    """
    report = ImportReport(dry_run=options.dry_run)
    checker = _RowChecker(session, options)
    accepted: list[_Row] = []
    first_line_of: dict[str, int] = {}
    for line, record in _records(_read_text(source)):
        report.rows += 1
        on_progress(1)
        if record.get("exclude_reason"):
            reason = " ".join(record["exclude_reason"].split())[:40]
            report.excluded.append(RowNote(line, f"excluded ({reason}); not invited"))
            continue
        try:
            row = checker.check(line, record)
        except (ValueError, InvalidPhoneNumber) as problem:
            report.rejected.append(RowNote(line, str(problem)))
            continue
        key = cipher.phone_hash(row.phone) if row.phone else f"email:{(row.email or '').lower()}"
        if key in first_line_of:
            report.merged.append(
                RowNote(line, f"same contact as line {first_line_of[key]}; merged")
            )
            continue
        first_line_of[key] = line
        if row.phone and is_opted_out(session, cipher.phone_hash(row.phone)):
            report.opted_out.append(
                RowNote(line, "this number has opted out of texts; not invited")
            )
            continue
        if row.phone and _already_invited(session, cipher.phone_hash(row.phone), options):
            report.already_invited.append(RowNote(line, "already invited to this survey"))
            continue
        accepted.append(row)
    if report.rejected and not options.skip_invalid:
        raise InvitationRowsInvalid(report.rejected[:MAX_REPORTED])
    report.invited = len(accepted)
    report.held = sum(1 for row in accepted if row.not_before and row.not_before > options.today)
    if not options.dry_run:
        _store(session, cipher, accepted, options)
    return report


def _already_invited(session: Session, phone_hash: str, options: ImportOptions) -> bool:
    now = datetime.combine(options.today, datetime.min.time())
    found = session.scalar(
        select(Invitation.id)
        .join(Contact, Contact.invitation_link == Invitation.link_id)
        .where(
            Contact.phone_hash == phone_hash,
            Invitation.questionnaire_id == options.questionnaire_id,
            Invitation.withdrawn_at.is_(None),
            (Invitation.expires_at.is_(None)) | (Invitation.expires_at > now),
        )
        .limit(1)
    )
    return found is not None


def _store(
    session: Session, cipher: ContactCipher, rows: Sequence[_Row], options: ImportOptions
) -> None:
    begin_write(session)
    for row in rows:
        token = new_link_token()
        # A held invitation's link stays valid for the full period after its first text.
        first_day = max(options.today, row.not_before or options.today)
        invitation = Invitation(
            token_hash=hash_link_token(token),
            area_id=row.area.id,
            community_group_id=row.group.id if row.group else None,
            language=row.language,
            channel=row.channel,
            questionnaire_id=options.questionnaire_id,
            expires_at=datetime.combine(first_day, datetime.min.time())
            + timedelta(days=options.valid_days),
            contact_not_before=row.not_before,
        )
        session.add(invitation)
        session.add(
            new_contact(
                cipher,
                invitation,
                phone=row.phone,
                email=row.email,
                person_name=row.person_name,
                relationship=row.relationship,
                link_token=token,
            )
        )
    session.commit()
