"""Database models, one module per aggregate; importing this registers every table."""

from app.models.area import Area, CommunityGroup
from app.models.invitation import Invitation
from app.models.response import Answer, Response, ResponsePerson, ResponseStatus

__all__ = [
    "Answer",
    "Area",
    "CommunityGroup",
    "Invitation",
    "Response",
    "ResponsePerson",
    "ResponseStatus",
]
