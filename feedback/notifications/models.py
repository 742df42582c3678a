"""The email outbox and each user's notification preference."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from tenants.scoping import TenantOwnedModel


class OutboundMessage(TenantOwnedModel):
    """One email to one person about one event; the dedup key makes a second row impossible."""

    class Event(models.TextChoices):
        ACKNOWLEDGMENT = "acknowledgment", "Acknowledgment"
        STATUS_CHANGED = "status_changed", "Status changed"
        STAFF_REPLY = "staff_reply", "Staff reply"
        MERGED = "merged", "Merged"
        RELEASE_PUBLISHED = "release_published", "Release note published"
        CONFIRM_SUBMISSION = "confirm_submission", "Confirm an anonymous submission"
        TEST = "test", "Test email"
        CSAT_SURVEY = "csat_survey", "CSAT survey"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"

    event_type = models.CharField(max_length=20, choices=Event.choices)
    # The id of the row that caused it (item, status change, comment); rendered at send time.
    event_id = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    dedup_key = models.CharField(max_length=200, editable=False)
    # SET_NULL: the delivery log outlives a deleted item (and an item delete in the
    # admin would otherwise need permission to delete log rows).
    item = models.ForeignKey(
        "feedback.FeedbackItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    to_email = models.EmailField("recipient")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # A pending row is picked up by the sweep once this is a minute in the past.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = "outbound email"
        verbose_name_plural = "email delivery log"
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "dedup_key"], name="outbound_once_per_key"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "event_type", "event_id"], name="outbound_by_event"),
            models.Index(fields=["tenant", "-created_at", "-id"], name="outbound_log"),
            # The sweep looks across tenants for rows left pending.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="outbound_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} to {self.to_email}"

    @staticmethod
    def key_for(event_type: str, event_id: object, recipient: object, channel: str = "email"):
        return f"{event_type}:{event_id}:{recipient}:{channel}"


class NotificationPreference(TenantOwnedModel):
    """What a user of a tenant wants to hear about; no row means everything."""

    class Level(models.TextChoices):
        EVERYTHING = "everything", "Everything I follow, vote for or reported"
        OWN_ITEMS = "own_items", "Only items I reported"
        NOTHING = "nothing", "Nothing"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    level = models.CharField(max_length=12, choices=Level.choices, default=Level.EVERYTHING)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tenant", "user"], name="notification_pref_one_per_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.level}"
