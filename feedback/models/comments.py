"""Comments on feedback items: public replies and internal staff notes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from feedback.models.items import FeedbackItem
from tenants.scoping import TenantOwnedModel

COMMENT_BODY_MAX_LENGTH = 10_000


class Comment(TenantOwnedModel):
    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="comments")
    # Kept when the account goes: the conversation stays readable ("a former user").
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
    )
    body = models.TextField(max_length=COMMENT_BODY_MAX_LENGTH, help_text="Markdown.")
    # Rendered and sanitized once, when the body is saved (portal.markdown.render_markdown).
    body_html = models.TextField(editable=False)
    is_internal = models.BooleanField(
        default=False, help_text="Internal notes are seen by the tenant's staff only."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "item", "created_at", "id"], name="comment_thread"),
        ]

    def __str__(self) -> str:
        return f"{'Internal note' if self.is_internal else 'Comment'} {self.pk} on {self.item_id}"

    @property
    def editable_until(self) -> datetime:
        """Until when the author may still change the body."""
        return self.created_at + timedelta(minutes=settings.FEEDBACK_COMMENT_EDIT_WINDOW_MINUTES)
