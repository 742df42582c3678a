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

    class Severity(models.TextChoices):
        S1 = "S1", "S1 critical"
        S2 = "S2", "S2 high"
        S3 = "S3", "S3 medium"
        S4 = "S4", "S4 low"

    class Impact(models.TextChoices):
        """What the reporter says it does to them; staff turn it into a severity."""

        BLOCKED = "blocked", "I cannot work / it is down"
        MAJOR = "major", "Major: a workaround is painful"
        MINOR = "minor", "Minor: there is a workaround"
        COSMETIC = "cosmetic", "Cosmetic"

    class HttpMethod(models.TextChoices):
        GET = "GET"
        POST = "POST"
        PUT = "PUT"
        PATCH = "PATCH"
        DELETE = "DELETE"
        HEAD = "HEAD"
        OPTIONS = "OPTIONS"

    # Statuses in which new votes make no sense any more.
    VOTING_CLOSED_STATUSES: ClassVar = {Status.CLOSED, Status.DECLINED, Status.DUPLICATE}

    number = models.PositiveIntegerField(editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.IDEA)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    description = models.TextField(max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    severity = models.CharField(max_length=2, choices=Severity.choices, blank=True)
    impact = models.CharField("reported impact", max_length=10, choices=Impact.choices, blank=True)
    component = models.ForeignKey(
        "feedback.Component", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    tags = models.ManyToManyField("feedback.Tag", blank=True, related_name="items")
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    # Structured bug report
    steps_to_reproduce = models.TextField(max_length=DESCRIPTION_MAX_LENGTH, blank=True)
    expected_result = models.TextField(max_length=5_000, blank=True)
    actual_result = models.TextField(max_length=5_000, blank=True)
    environment = models.CharField("version / environment", max_length=200, blank=True)
    # Structured integration (API) report
    api_endpoint = models.CharField("API endpoint", max_length=300, blank=True)
    http_method = models.CharField(max_length=7, choices=HttpMethod.choices, blank=True)
    http_status = models.PositiveSmallIntegerField("HTTP status code", null=True, blank=True)
    request_id = models.CharField(max_length=120, blank=True)
    error_code = models.CharField(max_length=120, blank=True)
    api_sample = models.TextField(
        "request / response sample", max_length=DESCRIPTION_MAX_LENGTH, blank=True
    )
    is_public = models.BooleanField(
        default=True, help_text="Private items are seen only by their reporter and staff."
    )
    # Staff moderation. Hidden (spam, abuse) and deleted items vanish from every portal
    # page, list, count, suggestion and feed; the admin still shows them and can undo.
    is_hidden = models.BooleanField(
        "hidden as spam", default=False, help_text="Hidden from the portal, e.g. spam or abuse."
    )
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Anonymous submissions stay off the portal until the address is confirmed.
    awaiting_confirmation = models.BooleanField(default=False, editable=False)
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
    # When the status last changed: orders the roadmap's "recently resolved" column.
    status_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "number"], name="item_number_unique"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "-vote_count", "-id"], name="item_top"),
            models.Index(fields=["tenant", "-created_at", "-id"], name="item_new"),
            models.Index(fields=["tenant", "status"], name="item_status"),
            models.Index(
                fields=["tenant", "api_endpoint", "http_method", "http_status"],
                name="item_api_surface",
            ),
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


class Tag(TenantOwnedModel):
    """A tenant-defined label staff put on items (e.g. "checkout", "ios")."""

    name = models.CharField(max_length=40)
    slug = models.SlugField(max_length=40)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="tag_slug_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Component(TenantOwnedModel):
    """A part of the tenant's product that reporters can pick (e.g. "Mobile app")."""

    name = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering: ClassVar = ["position", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "name"], name="component_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class StatusChange(TenantOwnedModel):
    """One row per status change: who, when, from, to, and what we told the users."""

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="history")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    from_status = models.CharField(max_length=16, choices=FeedbackItem.Status.choices)
    to_status = models.CharField(max_length=16, choices=FeedbackItem.Status.choices)
    message = models.TextField("public message", max_length=5_000, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "item", "created_at"], name="status_change_by_item"),
        ]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"
