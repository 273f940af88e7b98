"""Database models, one module per aggregate; importing this registers every table."""

from app.models.action import ActionStatus, ThemeAction, ThemeActionRevision
from app.models.area import Area, CommunityGroup
from app.models.audit import AuditEvent
from app.models.contact import Contact
from app.models.invitation import Invitation
from app.models.response import Answer, Response, ResponsePerson, ResponseStatus
from app.models.sms import (
    ConversationState,
    OutboxStatus,
    SmsConversation,
    SmsInbound,
    SmsOptOut,
    SmsOutbox,
    SmsPacing,
)
from app.models.survey_round import SurveyRound
from app.models.user import PasswordReset, RoleAssignment, StaffInvitation, StaffSession, User
from app.models.withdrawal import Withdrawal, WithdrawalCode

__all__ = [
    "ActionStatus",
    "Answer",
    "Area",
    "AuditEvent",
    "CommunityGroup",
    "Contact",
    "ConversationState",
    "Invitation",
    "OutboxStatus",
    "PasswordReset",
    "Response",
    "ResponsePerson",
    "ResponseStatus",
    "RoleAssignment",
    "SmsConversation",
    "SmsInbound",
    "SmsOptOut",
    "SmsOutbox",
    "SmsPacing",
    "StaffInvitation",
    "StaffSession",
    "SurveyRound",
    "ThemeAction",
    "ThemeActionRevision",
    "User",
    "Withdrawal",
    "WithdrawalCode",
]
