"""Database models, one module per aggregate; importing this registers every table."""

from app.models.action import ActionStatus, ThemeAction, ThemeActionRevision
from app.models.area import Area, CommunityGroup
from app.models.audit import AuditEvent
from app.models.codesign import (
    LocalQuestion,
    LocalQuestionEvent,
    LocalQuestionStatus,
    LocalQuestionUse,
    Notification,
    PublishedQuestionnaire,
    PublishedVersionIsImmutable,
)
from app.models.contact import Contact
from app.models.invitation import Invitation
from app.models.report_build import ReportBuild, ReportBuildStatus
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
from app.models.translation import TranslationEntry, TranslationStoreVersion
from app.models.user import PasswordReset, RoleAssignment, StaffInvitation, StaffSession, User
from app.models.withdrawal import Withdrawal, WithdrawalCode

__all__ = [
    "ReportBuild",
    "ReportBuildStatus",
    "ActionStatus",
    "Answer",
    "Area",
    "AuditEvent",
    "CommunityGroup",
    "Contact",
    "ConversationState",
    "Invitation",
    "LocalQuestion",
    "LocalQuestionEvent",
    "LocalQuestionStatus",
    "LocalQuestionUse",
    "Notification",
    "OutboxStatus",
    "PasswordReset",
    "PublishedQuestionnaire",
    "PublishedVersionIsImmutable",
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
    "TranslationEntry",
    "TranslationStoreVersion",
    "User",
    "Withdrawal",
    "WithdrawalCode",
]
