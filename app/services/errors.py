"""Named domain errors raised by services and turned into kind messages by views and commands."""

from __future__ import annotations

from collections.abc import Mapping


class ServiceError(Exception):
    """Base of every error a service raises on purpose."""


class InvitationNotFound(ServiceError):
    """Unknown, expired and used-up links look identical, so a guess learns nothing."""


class ResponseNotFound(ServiceError):
    """No response in progress for this carer (no session, or a code that matches nothing)."""


class ResponseAlreadySubmitted(ServiceError):
    """A submitted response can no longer be changed through its link."""


class PageNotOnRoute(ServiceError):
    """The page asked for is not on this carer's route (tampered form or stale tab)."""

    def __init__(self, page_id: str) -> None:
        super().__init__(f"page {page_id!r} is not on this response's route")
        self.page_id = page_id


class PageAnswersInvalid(ServiceError):
    """One or more answers on a page were not accepted; nothing from the page was stored."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        super().__init__("some answers were not accepted: " + ", ".join(errors))
        self.errors = dict(errors)


class AreaNotFound(ServiceError):
    """No open area has that slug."""


class CommunityGroupNotFound(ServiceError):
    """No community group has that slug."""


class InvalidParentArea(ServiceError):
    """A sub-area's parent must be a top-level area (sub-areas go one level deep)."""


class NotASubArea(ServiceError):
    """The area named as a sub-area does not belong to the area of the report."""


class DuplicateSlug(ServiceError):
    """An area or group with that slug already exists."""


class InvalidSlug(ServiceError):
    """Slugs are lower-case letters, digits and hyphens, 2 to 64 characters."""
