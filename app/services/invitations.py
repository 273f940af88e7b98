"""Personal invitation links: create one and hand back the token exactly once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from app.models import Area, CommunityGroup, Invitation
from app.models.clock import utc_now
from app.services.secrets_for_links import hash_link_token, new_link_token
from app.services.transactions import begin_write


@dataclass(frozen=True)
class IssuedInvitation:
    invitation: Invitation
    token: str  # shown once (in the link sent); only its hash is stored


def create_invitation(
    session: Session,
    *,
    area: Area,
    questionnaire_id: str,
    language: str = "en",
    community_group: CommunityGroup | None = None,
    valid_days: int | None = 120,
    channel: str = "sms",
) -> IssuedInvitation:
    token = new_link_token()
    begin_write(session)
    invitation = Invitation(
        token_hash=hash_link_token(token),
        area=area,
        community_group=community_group,
        language=language,
        channel=channel,
        questionnaire_id=questionnaire_id,
        expires_at=utc_now() + timedelta(days=valid_days) if valid_days else None,
    )
    session.add(invitation)
    session.commit()
    return IssuedInvitation(invitation=invitation, token=token)
