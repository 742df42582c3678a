"""Feedback models, one module per topic."""

from feedback.models.affected import AffectedReport
from feedback.models.attachments import ORIGINAL_NAME_MAX_LENGTH, TEXT_EXTENSIONS, Attachment
from feedback.models.comments import COMMENT_BODY_MAX_LENGTH, Comment
from feedback.models.follows import Subscription
from feedback.models.items import (
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Component,
    FeedbackItem,
    StatusChange,
    Tag,
    TicketCounter,
)
from feedback.models.releases import RELEASE_BODY_MAX_LENGTH, ReleaseNote
from feedback.models.surveys import SurveyInvite
from feedback.models.votes import Vote
from feedback.notifications.models import NotificationPreference, OutboundMessage

__all__ = [
    "COMMENT_BODY_MAX_LENGTH",
    "DESCRIPTION_MAX_LENGTH",
    "ORIGINAL_NAME_MAX_LENGTH",
    "RELEASE_BODY_MAX_LENGTH",
    "TEXT_EXTENSIONS",
    "TITLE_MAX_LENGTH",
    "AffectedReport",
    "Attachment",
    "Comment",
    "Component",
    "FeedbackItem",
    "NotificationPreference",
    "OutboundMessage",
    "ReleaseNote",
    "StatusChange",
    "Subscription",
    "SurveyInvite",
    "Tag",
    "TicketCounter",
    "Vote",
]
