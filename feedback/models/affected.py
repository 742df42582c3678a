"""'Me too' on an integration problem: who else is affected, with which app."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from feedback.models.items import FeedbackItem
from tenants.scoping import TenantOwnedModel

APP_NAME_MAX_LENGTH = 120
APP_VERSION_MAX_LENGTH = 40


class AffectedReport(TenantOwnedModel):
    """One developer saying "this affects me too", at most once per item."""

    item = models.ForeignKey(
        FeedbackItem, on_delete=models.CASCADE, related_name="affected_reports"
    )
    # A deleted account's report still counts, as its vote does.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    request_id = models.CharField(max_length=120, blank=True)
    app_name = models.CharField(
        max_length=APP_NAME_MAX_LENGTH, blank=True, help_text="e.g. “Acme iOS”"
    )
    app_version = models.CharField(max_length=APP_VERSION_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tenant", "item", "reporter"], name="affected_one_per_reporter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reporter_id} affected by {self.item_id}"
