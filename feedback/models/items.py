"""Feedback items and their per-tenant ticket numbers."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from tenants.scoping import TenantOwnedModel

TITLE_MAX_LENGTH = 160
DESCRIPTION_MAX_LENGTH = 20_000


class FeedbackItem(TenantOwnedModel):
    class Kind(models.TextChoices):
        BUG = "bug", "Bug"
        IDEA = "idea", "Idea"
        QUESTION = "question", "Question"
        USABILITY = "usability", "Usability"
        PERFORMANCE = "performance", "Performance"
        DOCUMENTATION = "documentation", "Documentation"
        INTEGRATION = "integration", "Integration / API"
        SECURITY = "security", "Security"

    class Status(models.TextChoices):
        NEW = "new", "New"
        TRIAGED = "triaged", "Triaged"
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"
        DECLINED = "declined", "Declined"
        DUPLICATE = "duplicate", "Duplicate"

    # Statuses in which new votes make no sense any more.
    VOTING_CLOSED_STATUSES: ClassVar = {Status.CLOSED, Status.DECLINED, Status.DUPLICATE}

    number = models.PositiveIntegerField(editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.IDEA)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    is_public = models.BooleanField(
        default=True, help_text="Private items are seen only by their reporter and staff."
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reported_items",
    )
    # Denormalized for sorting; only ever changed with F() next to a Vote insert/delete.
    vote_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "number"], name="item_number_unique"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "-vote_count", "-id"], name="item_top"),
            models.Index(fields=["tenant", "-created_at", "-id"], name="item_new"),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"

    @property
    def key(self) -> str:
        """The ticket key users quote, e.g. ACME-42."""
        return f"{self.tenant.ticket_prefix}-{self.number}"

    @property
    def is_voting_open(self) -> bool:
        return self.status not in self.VOTING_CLOSED_STATUSES


class TicketCounter(TenantOwnedModel):
    """The last ticket number handed out per tenant; a row lock serializes submissions.

    Kept off the Tenant row so that saving a tenant (e.g. in the admin) can never
    write back a stale counter.
    """

    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant"], name="ticket_counter_one_per_tenant"),
        ]

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.last_number}"
