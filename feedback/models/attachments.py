"""Files attached to feedback items (and, later, to their comments)."""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from feedback.models.items import FeedbackItem
from tenants.scoping import TenantOwnedModel

ORIGINAL_NAME_MAX_LENGTH = 200
# Text is only accepted under these names (and served as text/plain whatever its name).
TEXT_EXTENSIONS = (".txt", ".log", ".json", ".csv")


def _random_path(instance: Attachment, suffix: str) -> str:
    # Never the visitor's file name: it could collide, leak, or carry path tricks.
    return f"attachments/{instance.tenant_id}/{secrets.token_hex(16)}{suffix}"


def attachment_upload_to(instance: Attachment, filename: str) -> str:
    return _random_path(instance, Attachment.EXTENSIONS[instance.content_type])


def attachment_thumbnail_upload_to(instance: Attachment, filename: str) -> str:
    return _random_path(instance, "-thumb" + Attachment.EXTENSIONS[instance.thumbnail_type])


class Attachment(TenantOwnedModel):
    """A file the server inspected and accepted; its type comes from its content.

    Every attachment belongs to an item, which decides who may download it. A comment's
    attachment will get a nullable `comment` foreign key beside `item`, so the item's
    visibility keeps deciding access.
    """

    class ContentType(models.TextChoices):
        PNG = "image/png", "PNG image"
        JPEG = "image/jpeg", "JPEG image"
        GIF = "image/gif", "GIF image"
        WEBP = "image/webp", "WebP image"
        PDF = "application/pdf", "PDF document"
        TEXT = "text/plain", "Text"

    EXTENSIONS: ClassVar[dict[str, str]] = {
        ContentType.PNG: ".png",
        ContentType.JPEG: ".jpg",
        ContentType.GIF: ".gif",
        ContentType.WEBP: ".webp",
        ContentType.PDF: ".pdf",
        ContentType.TEXT: ".txt",
    }
    # Shown inline by the browser; everything else is always downloaded.
    RASTER_TYPES: ClassVar[frozenset[str]] = frozenset(
        {ContentType.PNG, ContentType.JPEG, ContentType.GIF, ContentType.WEBP}
    )

    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="attachments")
    # Set for files posted with a comment: they are shown with it, and an internal
    # note's files are staff-only like the note.
    comment = models.ForeignKey(
        "feedback.Comment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    original_name = models.CharField(
        max_length=ORIGINAL_NAME_MAX_LENGTH, help_text="As the visitor named it; display only."
    )
    file = models.FileField(upload_to=attachment_upload_to, max_length=200)
    content_type = models.CharField(max_length=40, choices=ContentType.choices)
    size = models.PositiveIntegerField(help_text="Bytes.")
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    thumbnail = models.FileField(
        upload_to=attachment_thumbnail_upload_to, max_length=200, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering: ClassVar = ["created_at", "id"]
        indexes: ClassVar = [
            models.Index(fields=["tenant", "item", "created_at"], name="attachment_by_item"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_raster_image(self) -> bool:
        return self.content_type in self.RASTER_TYPES

    @property
    def thumbnail_type(self) -> str:
        """Photos keep JPEG; everything else becomes PNG, which keeps transparency."""
        if self.content_type == self.ContentType.JPEG:
            return self.ContentType.JPEG
        return self.ContentType.PNG

    @property
    def download_name(self) -> str:
        """The visitor's name, with an extension that matches what the file really is."""
        extension = self.EXTENSIONS[self.content_type]
        _stem, dot, current = self.original_name.rpartition(".")
        accepted = {extension, ".jpeg"} if extension == ".jpg" else {extension}
        if self.content_type == self.ContentType.TEXT:
            accepted |= set(TEXT_EXTENSIONS)
        if dot and f".{current.lower()}" in accepted:
            return self.original_name
        return f"{self.original_name}{extension}"
