"""Survey invitations: one per person per item and kind, whatever retries happen (BC-15)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from tenants.scoping import TenantOwnedModel

SURVEY_COMMENT_MAX_LENGTH = 2_000
CSAT_MIN_SCORE = 1
CSAT_MAX_SCORE = 5


class SurveyInvite(TenantOwnedModel):
    """Asking one person about one item; sent by the beat sweep once `scheduled_at` passed.

    No ETA task waits for it (Redis redelivers long ETAs): the row is the schedule, the
    conditional UPDATE scheduled -> sent is the claim, the unique constraint the guard.
    """

    class Kind(models.TextChoices):
        CSAT = "csat", "CSAT"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"
        ANSWERED = "answered", "Answered"

    item = models.ForeignKey(
        "feedback.FeedbackItem", on_delete=models.CASCADE, related_name="survey_invites"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CSAT)
    scheduled_at = models.DateTimeField("send at")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    score = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(CSAT_MIN_SCORE), MaxValueValidator(CSAT_MAX_SCORE)],
    )
    comment = models.TextField(blank=True, max_length=SURVEY_COMMENT_MAX_LENGTH)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        verbose_name = "survey invitation"
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["tenant", "item", "user", "kind"], name="survey_invite_once_per_person"
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True)
                | models.Q(score__gte=CSAT_MIN_SCORE, score__lte=CSAT_MAX_SCORE),
                name="survey_invite_score_range",
            ),
        ]
        indexes: ClassVar = [
            # The beat sweep looks across tenants for invitations that are due.
            models.Index(
                fields=["scheduled_at"],
                condition=models.Q(status="scheduled"),
                name="survey_invite_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} survey for item {self.item_id} to user {self.user_id}"
