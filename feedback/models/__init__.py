"""Feedback models, one module per topic."""

from feedback.models.affected import AffectedReport
from feedback.models.comments import COMMENT_BODY_MAX_LENGTH, Comment
from feedback.models.items import (
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Component,
    FeedbackItem,
    StatusChange,
    Tag,
    TicketCounter,
)
from feedback.models.votes import Vote

__all__ = [
    "COMMENT_BODY_MAX_LENGTH",
    "DESCRIPTION_MAX_LENGTH",
    "TITLE_MAX_LENGTH",
    "AffectedReport",
    "Comment",
    "Component",
    "FeedbackItem",
    "StatusChange",
    "Tag",
    "TicketCounter",
    "Vote",
]
