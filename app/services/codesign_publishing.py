"""Publishing an area's approved local questions as a frozen version, and reading it back."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.access.permissions import Permission
from app.access.scoping import scope_of
from app.models import (
    Area,
    LocalQuestion,
    LocalQuestionStatus,
    LocalQuestionUse,
    Notification,
    PublishedQuestionnaire,
    User,
)
from app.questionnaire import (
    Problem,
    Questionnaire,
    QuestionnaireLibrary,
    UnknownQuestionnaire,
)
from app.questionnaire.localisation import Translate, localise, visible_texts
from app.questionnaire.modules import compose_questionnaire, module_strings, no_translation
from app.questionnaire.validation import check_questionnaire_data
from app.questionnaire.yaml_file import read_questionnaire_yaml
from app.services.codesign import LocalQuestionNotFound, options_of
from app.services.errors import ServiceError
from app.services.transactions import begin_write
from config import Config

MODULE_TITLE = "Questions from local groups"


class NothingToPublish(ServiceError):
    """The area has no approved local questions."""


class ModuleRefused(ServiceError):
    """The composed questionnaire failed a check; nothing was published."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(problem) for problem in self.problems))


class PublishedVersionDamaged(ServiceError):
    """A stored version no longer matches its checksum: it is never served."""


def core_data(library: QuestionnaireLibrary, core: Questionnaire) -> dict[str, Any]:
    """The core questionnaire's file data, read from the library's folder."""
    data, problems = read_questionnaire_yaml(Path(library.root) / core.id / f"v{core.version}.yaml")
    if data is None:
        raise ModuleRefused(problems)
    return data


def module_item(question: LocalQuestion) -> dict[str, Any]:
    """One approved question as a local item of the module (file format)."""
    engine_type = "single" if question.question_type == "yes_no" else question.question_type
    item: dict[str, Any] = {"id": question.item_id, "type": engine_type, "text": question.text}
    if question.hint:
        item["hint"] = question.hint
    if engine_type in ("single", "multiple"):
        item["options"] = options_of(question)
    if engine_type == "text":
        item["max_length"] = question.max_length or 1000
    if question.sms_text and engine_type != "multiple":
        item["sms"] = question.sms_text
    return item


def approved_questions(session: Session, area_id: int) -> list[LocalQuestion]:
    statement = (
        select(LocalQuestion)
        .where(
            LocalQuestion.area_id == area_id,
            LocalQuestion.status == LocalQuestionStatus.APPROVED,
        )
        .order_by(LocalQuestion.id)
    )
    return list(session.scalars(statement))


def next_module_version(session: Session, area_id: int) -> int:
    latest = session.scalar(
        select(func.max(PublishedQuestionnaire.module_version)).where(
            PublishedQuestionnaire.area_id == area_id
        )
    )
    return int(latest or 0) + 1


def draft_module(
    session: Session, area: Area, extra: Iterable[LocalQuestion] = ()
) -> dict[str, Any]:
    """The module publishing would make now: approved questions, plus any ``extra`` to preview."""
    questions = approved_questions(session, area.id)
    questions += [q for q in extra if q not in questions]
    return {
        "id": area.slug,
        "version": next_module_version(session, area.id),
        "title": MODULE_TITLE,
        "items": [module_item(question) for question in questions],
    }


def compose_for_preview(
    core_file_data: dict[str, Any], module: dict[str, Any], translate: Translate = no_translation
) -> tuple[Questionnaire | None, list[Problem]]:
    """The composed questionnaire to preview, in the ``translate`` language; stores nothing.

    The whole questionnaire is localised as a carer would see it: the core's texts from the
    core's translations, the local questions from the area's own (localisation.namespace).
    """
    composed, _, problems = compose_questionnaire(core_file_data, module, "preview")
    if composed is None:
        return None, problems
    return localise(composed, translate), problems


def _canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def checksum_of(definition_json: str) -> str:
    return hashlib.sha256(definition_json.encode("utf-8")).hexdigest()


def publish_area_module(
    session: Session,
    actor: User,
    area: Area,
    core_file_data: dict[str, Any],
) -> PublishedQuestionnaire:
    """Freeze core + the area's approved questions as the area's next questionnaire version."""
    if not actor.can(Permission.REVIEW_LOCAL_QUESTIONS, scope_of(area)):
        raise LocalQuestionNotFound()
    questions = approved_questions(session, area.id)
    if not questions:
        raise NothingToPublish()
    version = next_module_version(session, area.id)
    module = {
        "id": area.slug,
        "version": version,
        "title": MODULE_TITLE,
        "items": [module_item(question) for question in questions],
    }
    composed, data, problems = compose_questionnaire(
        core_file_data, module, f"{area.slug} v{version}"
    )
    if composed is None:
        raise ModuleRefused(problems)
    definition = _canonical(data)
    begin_write(session)
    published = PublishedQuestionnaire(
        area_id=area.id,
        questionnaire_id=composed.id,
        version=composed.version,
        core_id=str(core_file_data["id"]),
        core_version=int(core_file_data["version"]),
        module_version=version,
        definition_json=definition,
        checksum=checksum_of(definition),
        published_by_id=actor.id,
    )
    session.add(published)
    session.flush()
    for question in questions:
        session.add(LocalQuestionUse(published_id=published.id, question_id=question.id))
        if question.proposed_by_id is not None:
            session.add(
                Notification(user_id=question.proposed_by_id, question=question, kind="published")
            )
    session.commit()
    return published


def published_versions(session: Session, area_id: int) -> list[PublishedQuestionnaire]:
    statement = (
        select(PublishedQuestionnaire)
        .where(PublishedQuestionnaire.area_id == area_id)
        .order_by(PublishedQuestionnaire.version.desc())
    )
    return list(session.scalars(statement))


# Keyed by checksum too: a database rebuilt from scratch may reuse an id and version.
_loaded: dict[tuple[str, int, str], Questionnaire] = {}
_lock = threading.Lock()


def questionnaire_of(row: PublishedQuestionnaire) -> Questionnaire:
    """The frozen questionnaire of a published row, checked against its checksum (cached)."""
    key = (row.questionnaire_id, row.version, row.checksum)
    with _lock:
        cached = _loaded.get(key)
    if cached is not None:
        return cached
    if checksum_of(row.definition_json) != row.checksum:
        raise PublishedVersionDamaged(f"{row.questionnaire_id} v{row.version}")
    questionnaire, problems = check_questionnaire_data(
        json.loads(row.definition_json), f"{row.questionnaire_id} v{row.version}"
    )
    if questionnaire is None:
        raise PublishedVersionDamaged("; ".join(str(problem) for problem in problems))
    with _lock:
        # Published versions never change, so what is loaded once stays true for the process.
        _loaded[key] = questionnaire
    return questionnaire


def find_questionnaire(
    session: Session, library: QuestionnaireLibrary, questionnaire_id: str, version: int
) -> Questionnaire:
    """A questionnaire by id and version: a file in the library, else a published area version."""
    try:
        return library.get(questionnaire_id, version)
    except UnknownQuestionnaire:
        pass
    row = session.scalar(
        select(PublishedQuestionnaire).where(
            PublishedQuestionnaire.questionnaire_id == questionnaire_id,
            PublishedQuestionnaire.version == version,
        )
    )
    if row is None:
        raise UnknownQuestionnaire(questionnaire_id, version)
    return questionnaire_of(row)


def current_questionnaire_for_area(
    session: Session, area_id: int, default: Questionnaire
) -> Questionnaire:
    """What a new response in the area answers: its latest published version, else the core."""
    row = session.scalar(
        select(PublishedQuestionnaire)
        .where(
            PublishedQuestionnaire.area_id == area_id,
            PublishedQuestionnaire.core_id == default.id,
        )
        .order_by(PublishedQuestionnaire.version.desc())
        .limit(1)
    )
    return default if row is None else questionnaire_of(row)


def versions_built_on(
    session: Session, core_id: str, area_ids: Sequence[int] | None = None
) -> list[Questionnaire]:
    """Published versions on this core (of these areas, or of all), oldest first.

    For exports with local columns: an area's export holds its places' versions too.
    """
    statement = select(PublishedQuestionnaire).where(PublishedQuestionnaire.core_id == core_id)
    if area_ids is not None:
        statement = statement.where(PublishedQuestionnaire.area_id.in_(area_ids))
    rows = session.scalars(statement.order_by(PublishedQuestionnaire.id))
    return [questionnaire_of(row) for row in rows]


class LibraryWithPublished(QuestionnaireLibrary):
    """The questionnaire files plus every published area version, for readers such as import."""

    def __init__(self, library: QuestionnaireLibrary, session: Session) -> None:
        super().__init__(library.root)
        self._files_library = library
        self._session = session

    def _published(self, questionnaire_id: str) -> dict[int, PublishedQuestionnaire]:
        rows = self._session.scalars(
            select(PublishedQuestionnaire).where(
                PublishedQuestionnaire.questionnaire_id == questionnaire_id
            )
        )
        return {row.version: row for row in rows}

    def ids(self) -> tuple[str, ...]:
        published = self._session.scalars(
            select(PublishedQuestionnaire.questionnaire_id).distinct()
        )
        return tuple(dict.fromkeys([*self._files_library.ids(), *sorted(published)]))

    def versions(self, questionnaire_id: str) -> tuple[int, ...]:
        own = self._files_library.versions(questionnaire_id)
        return own or tuple(sorted(self._published(questionnaire_id)))

    def get(self, questionnaire_id: str, version: int | None = None) -> Questionnaire:
        if self._files_library.versions(questionnaire_id):
            return self._files_library.get(questionnaire_id, version)
        published = self._published(questionnaire_id)
        if version is None and published:
            version = max(published)
        if version is None or version not in published:
            raise UnknownQuestionnaire(questionnaire_id, version)
        return questionnaire_of(published[version])


def published_definitions(session: Session) -> list[tuple[str, int, str]]:
    """(questionnaire id, version, frozen definition JSON) of every published version, checked."""
    rows = session.scalars(select(PublishedQuestionnaire).order_by(PublishedQuestionnaire.id))
    found = []
    for row in rows:
        if checksum_of(row.definition_json) != row.checksum:
            raise PublishedVersionDamaged(f"{row.questionnaire_id} v{row.version}")
        found.append((row.questionnaire_id, row.version, row.definition_json))
    return found


def local_strings_to_translate(session: Session) -> list[tuple[str, str]]:
    """Every local question's texts, as (msgctxt, source), for the translators.

    Each area's latest published version (what carers are asked now) and its approved
    questions not yet published, so translators can finish before the commissioner
    publishes. The contexts carry no version: a translation made now serves the next
    version as soon as it is published.
    """
    latest: dict[int, PublishedQuestionnaire] = {}
    for row in session.scalars(
        select(PublishedQuestionnaire).order_by(PublishedQuestionnaire.module_version)
    ):
        latest[row.area_id] = row
    strings: dict[tuple[str, str], None] = {}
    for row in latest.values():
        composed = questionnaire_of(row)
        if composed.based_on is None:
            continue
        for pair in visible_local_texts(composed):
            strings[pair] = None
    approved_areas = session.scalars(
        select(Area)
        .where(
            Area.id.in_(
                select(LocalQuestion.area_id).where(
                    LocalQuestion.status == LocalQuestionStatus.APPROVED
                )
            )
        )
        .order_by(Area.id)
    )
    for area in approved_areas:
        published = latest.get(area.id)
        core_id = published.core_id if published is not None else Config.DEFAULT_QUESTIONNAIRE
        for pair in module_strings(draft_module(session, area), core_id):
            strings[pair] = None
    return list(strings)


def visible_local_texts(composed: Questionnaire) -> list[tuple[str, str]]:
    """The (msgctxt, source) pairs of a composed questionnaire's own (local) texts."""
    own = f"{composed.id}:"
    return [(context, text) for context, text in visible_texts(composed) if context.startswith(own)]
