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
    # Set when staff record the vote for a customer (e.g. from a call or an email).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "item", "user"], name="vote_one_per_user"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "user"], name="vote_by_user"),
            models.Index(fields=["tenant", "item", "created_at"], name="vote_by_item_time"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} -> {self.item_id}"
