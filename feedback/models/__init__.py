"""Feedback models, one module per topic."""

from feedback.models.attachments import ORIGINAL_NAME_MAX_LENGTH, TEXT_EXTENSIONS, Attachment
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
    "DESCRIPTION_MAX_LENGTH",
    "ORIGINAL_NAME_MAX_LENGTH",
    "TEXT_EXTENSIONS",
    "TITLE_MAX_LENGTH",
    "Attachment",
    "Component",
    "FeedbackItem",
    "StatusChange",
    "Tag",
    "TicketCounter",
    "Vote",
]
