"""One vote per user per item."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from feedback.models.items import FeedbackItem
from tenants.scoping import TenantOwnedModel


class Vote(TenantOwnedModel):
    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="votes")
    # A deleted account's vote still counts (anonymously), so vote_count stays exact.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="votes"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "item", "user"], name="vote_one_per_user"),
        ]
        indexes: ClassVar = [models.Index(fields=["tenant", "user"], name="vote_by_user")]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.item_id}"
