"""The carer's response: start, save a page of answers atomically, resume, and submit."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.i18n.answer_messages import local_number
from app.models import Area, CommunityGroup, Invitation, Response, ResponsePerson
from app.models.clock import utc_now
from app.models.response import ResponseStatus
from app.questionnaire import Questionnaire
from app.services.encryption import ContactCipher
from app.services.errors import (
    InvitationNotFound,
    PageAnswersInvalid,
    ResponseAlreadySubmitted,
    ResponseNotFound,
)
from app.services.secrets_for_links import (
    hash_link_token,
    hash_resume_code,
    new_resume_code,
)
from app.services.transactions import begin_write

RawForm = Mapping[str, str | Sequence[str]]
PERSON_NAME_MAX = 60


def start_response(
    session: Session,
    questionnaire: Questionnaire,
    *,
    area: Area,
    channel: str,
    language: str = "en",
    community_group: CommunityGroup | None = None,
    invitation: Invitation | None = None,
) -> Response:
    begin_write(session)
    response = Response(
        response_id=str(uuid.uuid4()),
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        channel=channel,
        language=language,
        status=ResponseStatus.IN_PROGRESS,
        area=area,
        community_group=community_group,
        invitation=invitation,
    )
    session.add(response)
    session.commit()
    return response


def invitation_for_token(
    session: Session, token: str, *, now: datetime | None = None
) -> Invitation:
    """The invitation a personal link opens; unknown and expired links raise the same error."""
    invitation = session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_link_token(token))
    )
    moment = now or utc_now()
    if invitation is None or (invitation.expires_at is not None and invitation.expires_at < moment):
        raise InvitationNotFound()
    return invitation


def response_for_invitation(
    session: Session, invitation: Invitation, questionnaire: Questionnaire
) -> Response:
    """The invitation's response, started on first use; a used-up link opens nothing."""
    begin_write(session)
    existing = session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    if existing is not None:
        session.rollback()
        if existing.is_submitted:
            raise InvitationNotFound()
        return existing
    return start_response(
        session,
        questionnaire,
        area=invitation.area,
        channel="web",
        language=invitation.language,
        community_group=invitation.community_group,
        invitation=invitation,
    )


def response_by_public_id(session: Session, response_id: str | None) -> Response:
    if not response_id:
        raise ResponseNotFound()
    response = session.scalar(select(Response).where(Response.response_id == response_id))
    if response is None:
        raise ResponseNotFound()
    return response


def open_response(session: Session, response_id: str | None) -> Response:
    """A response the carer may still change."""
    response = response_by_public_id(session, response_id)
    if response.is_submitted:
        raise ResponseAlreadySubmitted()
    return response


def set_language(session: Session, response_id: str, language: str) -> Response:
    """Show the rest of the survey in another language; answers are option codes, so all stay."""
    response = open_response(session, response_id)
    if response.language == language:
        return response
    begin_write(session)
    locked = _lock_open_response(session, response)
    locked.language = language
    locked.updated_at = utc_now()
    session.commit()
    return locked


def person_name(session: Session, response: Response, cipher: ContactCipher) -> str | None:
    person = session.get(ResponsePerson, response.id)
    return cipher.decrypt(person.person_name_encrypted) if person else None


def record_consent(session: Session, response: Response) -> None:
    begin_write(session)
    locked = _lock_open_response(session, response)
    if locked.consent_given_at is None:
        locked.consent_given_at = utc_now()
        locked.updated_at = utc_now()
    session.commit()


def set_person_name(
    session: Session, response: Response, name: str | None, cipher: ContactCipher
) -> None:
    """Keep the name encrypted (apart from the answers), or forget it when the carer clears it."""
    cleaned = " ".join((name or "").split())
    if len(cleaned) > PERSON_NAME_MAX:
        raise PageAnswersInvalid(
            {
                "person_name": gettext(
                    "The name is %(length)s characters long. Please use %(limit)s characters "
                    "or fewer, or leave it blank.",
                    length=local_number(len(cleaned)),
                    limit=local_number(PERSON_NAME_MAX),
                )
            }
        )
    begin_write(session)
    locked = _lock_open_response(session, response)
    person = session.get(ResponsePerson, locked.id)
    if cleaned and person is None:
        session.add(
            ResponsePerson(response_id=locked.id, person_name_encrypted=cipher.encrypt(cleaned))
        )
    elif cleaned and person is not None:
        person.person_name_encrypted = cipher.encrypt(cleaned)
    elif person is not None:
        session.delete(person)
    locked.updated_at = utc_now()
    session.commit()


def issue_resume_code(session: Session, response: Response, key: str) -> str:
    """A fresh resume code (the old one stops working); only its keyed hash is stored."""
    begin_write(session)
    locked = _lock_open_response(session, response)
    code = new_resume_code()
    locked.resume_code_hash = hash_resume_code(code, key)
    session.commit()
    return code


def response_for_resume_code(session: Session, code: str, key: str) -> Response:
    response = session.scalar(
        select(Response).where(Response.resume_code_hash == hash_resume_code(code, key))
    )
    if response is None or response.is_submitted:
        raise ResponseNotFound()
    return response


def submit_response(session: Session, response: Response, questionnaire: Questionnaire) -> Response:
    """Mark the response submitted exactly once; a second submit changes nothing."""
    begin_write(session)
    result = session.execute(
        update(Response)
        .where(Response.id == response.id, Response.status == ResponseStatus.IN_PROGRESS)
        .values(
            status=ResponseStatus.SUBMITTED,
            submitted_at=utc_now(),
            updated_at=utc_now(),
            current_page_id=None,
            resume_code_hash=None,
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.refresh(response)
    if getattr(result, "rowcount", 1) == 0 and not response.is_submitted:
        raise ResponseNotFound()
    return response


def _lock_open_response(session: Session, response: Response) -> Response:
    """Re-read the response under a row lock so two tabs cannot interleave their saves."""
    locked = session.scalar(select(Response).where(Response.id == response.id).with_for_update())
    if locked is None:
        session.rollback()
        raise ResponseNotFound()
    if locked.is_submitted:
        session.rollback()
        raise ResponseAlreadySubmitted()
    return locked
