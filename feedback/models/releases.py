"""Release notes: what shipped, linked to the feedback items it answers."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from feedback.models.items import FeedbackItem
from tenants.scoping import TenantOwnedModel

RELEASE_BODY_MAX_LENGTH = 50_000


class ReleaseNote(TenantOwnedModel):
    title = models.CharField(max_length=160)
    slug = models.SlugField(
        max_length=80, blank=True, help_text="Address: /releases/<slug>/. Empty: from the title."
    )
    body = models.TextField(max_length=RELEASE_BODY_MAX_LENGTH, blank=True, help_text="Markdown.")
    body_html = models.TextField(blank=True, editable=False)
    items = models.ManyToManyField(
        FeedbackItem,
        blank=True,
        related_name="release_notes",
        help_text="Items this release ships.",
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering: ClassVar = ["-published_at", "-id"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["tenant", "slug"], name="release_note_slug_unique"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "-published_at"], name="release_note_published"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
