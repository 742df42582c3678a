"""Who follows an item: reporters and voters automatically, anyone by choice."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from feedback.models.items import FeedbackItem
from tenants.scoping import TenantOwnedModel


class Subscription(TenantOwnedModel):
    """One row per (item, user). Unfollowing keeps the row inactive, so a later vote
    does not silently subscribe the user again."""

    class Reason(models.TextChoices):
        REPORTER = "reporter", "Reported it"
        VOTER = "voter", "Voted for it"
        FOLLOWER = "follower", "Followed it"

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    reason = models.CharField(max_length=10, choices=Reason.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tenant", "item", "user"], name="subscription_one_per_user"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "user", "is_active"], name="subscription_by_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.item_id}"
