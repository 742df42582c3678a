"""Attachments: what we accept (decided from the bytes), and storing it all or nothing.

A file's type comes from its content, never from its name or the browser's
Content-Type: PNG, JPEG, GIF and WebP images that Pillow can fully decode, PDFs, and
UTF-8 text logs. Everything else (SVG, HTML, XML, scripts, archives, executables) is
rejected. A request's files are inspected together before anything is written; one bad
file rejects them all, and files written by a failed transaction are deleted again.
"""

from __future__ import annotations

import io
import unicodedata
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from PIL import Image, ImageOps

from feedback.models import (
    ORIGINAL_NAME_MAX_LENGTH,
    TEXT_EXTENSIONS,
    Attachment,
    Comment,
    FeedbackItem,
)
from portal.text import single_line

if TYPE_CHECKING:
    from tenants.models import Tenant, User

MAX_FILES_PER_SUBMISSION: int = settings.ATTACHMENTS_MAX_PER_SUBMISSION
MAX_FILES_PER_ITEM: int = settings.ATTACHMENTS_MAX_PER_ITEM
# Well below Pillow's own bomb limit (~89 MP): a 40 MP RGBA image already decodes to 160 MB.
MAX_IMAGE_PIXELS = 40_000_000
THUMBNAIL_BOX = (320, 320)

ALLOWED_TYPES_TEXT = (
    "PNG, JPEG, GIF or WebP images, PDF documents, and text logs (.txt, .log, .json, .csv)"
)
ContentType = Attachment.ContentType

# Magic bytes at the start of the file -> (content type, Pillow format name).
_IMAGE_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", ContentType.PNG, "PNG"),
    (b"\xff\xd8\xff", ContentType.JPEG, "JPEG"),
    (b"GIF87a", ContentType.GIF, "GIF"),
    (b"GIF89a", ContentType.GIF, "GIF"),
)
_PDF_SIGNATURE = b"%PDF-"
_UTF8_BOM = b"\xef\xbb\xbf"


class AttachmentRejected(ValidationError):
    """One or more files were refused; the messages name each file and the reason."""


@dataclass(frozen=True)
class InspectedFile:
    """An upload that passed inspection, with what the server decided about it."""

    upload: UploadedFile
    original_name: str
    content_type: str
    size: int
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None


def human_size(size: int) -> str:
    """10485760 -> "10 MB", 1536 -> "1.5 KB"; for help texts and messages."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            value = size / factor
            return f"{value:.0f} {unit}" if value == int(value) else f"{value:.1f} {unit}"
    return f"{size} bytes"


def attachment_help_text(*, tenant: Tenant) -> str:
    return (
        f"{ALLOWED_TYPES_TEXT}. Up to {MAX_FILES_PER_SUBMISSION} files at a time, "
        f"{human_size(tenant.attachment_max_bytes)} each."
    )


def clean_original_name(name: str) -> str:
    """The visitor's file name for display: no folders, one line, no invisible controls.

    Format characters (Cf) go too: U+202E would show "evil\u202egnp.exe" as "evilexe.png".
    """
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cf", "Co", "Cs"})
    name = single_line(name).strip(". ")
    if len(name) > ORIGINAL_NAME_MAX_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = f"{stem[: ORIGINAL_NAME_MAX_LENGTH - len(extension) - 1]}.{extension}"
        else:
            name = name[:ORIGINAL_NAME_MAX_LENGTH]
    return name or "attachment"


def _image_signature(head: bytes) -> tuple[str, str] | None:
    for signature, content_type, pillow_format in _IMAGE_SIGNATURES:
        if head.startswith(signature):
            return content_type, pillow_format
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return ContentType.WEBP, "WEBP"
    return None


def _thumbnail(image: Image.Image, content_type: str) -> bytes:
    """A small copy with the orientation applied and no metadata (EXIF, GPS, ICC, text).

    JPEG photos stay JPEG; everything else becomes PNG, which keeps transparency.
    """
    image = ImageOps.exif_transpose(image)
    has_alpha = image.mode in {"RGBA", "LA", "PA"} or "transparency" in image.info
    mode = "RGBA" if has_alpha and content_type != ContentType.JPEG else "RGB"
    small = image.convert(mode)
    small.thumbnail(THUMBNAIL_BOX)
    # Rebuilt from raw pixels, so nothing of the original's info dictionary survives.
    clean = Image.frombytes(mode, small.size, small.tobytes())
    output = io.BytesIO()
    if content_type == ContentType.JPEG:
        clean.save(output, format="JPEG", quality=85)
    else:
        clean.save(output, format="PNG", optimize=True)
    return output.getvalue()


def _inspect_image(upload: UploadedFile, content_type: str, pillow_format: str) -> InspectedFile:
    name = clean_original_name(upload.name or "")
    too_many_pixels = f"{name}: the image has more than {MAX_IMAGE_PIXELS // 1_000_000} megapixels."
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload, formats=[pillow_format]) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise AttachmentRejected(too_many_pixels)
                image.verify()
            # verify() leaves the image unusable; decoding it fully is the real test.
            upload.seek(0)
            with Image.open(upload, formats=[pillow_format]) as image:
                image.load()
                thumbnail = _thumbnail(image, content_type)
    except AttachmentRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise AttachmentRejected(too_many_pixels) from error
    except Exception as error:  # Pillow raises many types for damaged files; all mean no.
        raise AttachmentRejected(f"{name}: the image is damaged or not what it claims.") from error
    return InspectedFile(
        upload=upload,
        original_name=name,
        content_type=content_type,
        size=upload.size,
        width=width,
        height=height,
        thumbnail=thumbnail,
    )


def _looks_like_text(content: bytes) -> bool:
    """Valid UTF-8, no NUL, and not markup or a script that a browser or shell would run."""
    if b"\x00" in content:
        return False
    try:
        text = content.removeprefix(_UTF8_BOM).decode("utf-8")
    except UnicodeDecodeError:
        return False
    start = text.lstrip()
    return not start.startswith(("<", "#!"))


def _check_size(*, tenant: Tenant, name: str, size: int) -> None:
    if size > tenant.attachment_max_bytes:
        raise AttachmentRejected(
            f"{name}: the file is larger than {human_size(tenant.attachment_max_bytes)}."
        )


def attachment_inspect(*, tenant: Tenant, upload: UploadedFile) -> InspectedFile:
    """Decide what one upload is from its bytes; raises AttachmentRejected if not allowed."""
    name = clean_original_name(upload.name or "")
    size = upload.size or 0
    if size == 0:
        raise AttachmentRejected(f"{name}: the file is empty.")
    _check_size(tenant=tenant, name=name, size=size)
    upload.seek(0)
    head = upload.read(16)
    image = _image_signature(head)
    if image is not None:
        return _inspect_image(upload, *image)
    if head.startswith(_PDF_SIGNATURE):
        return InspectedFile(
            upload=upload, original_name=name, content_type=ContentType.PDF, size=size
        )
    if name.lower().endswith(TEXT_EXTENSIONS):
        upload.seek(0)
        if _looks_like_text(upload.read()):
            return InspectedFile(
                upload=upload, original_name=name, content_type=ContentType.TEXT, size=size
            )
    raise AttachmentRejected(
        f"{name}: this type of file is not allowed. We accept {ALLOWED_TYPES_TEXT}."
    )


def _count_message(count: int, limit: int, where: str) -> str:
    return f"{count} files is too many: at most {limit} {where}."


def attachments_inspect(
    *, tenant: Tenant, files: Sequence[UploadedFile | InspectedFile], existing_count: int = 0
) -> list[InspectedFile]:
    """Inspect every file (not only the last) and the counts; raises AttachmentRejected
    with one message per refused file, so nothing is stored unless everything passes."""
    if len(files) > MAX_FILES_PER_SUBMISSION:
        raise AttachmentRejected(
            _count_message(len(files), MAX_FILES_PER_SUBMISSION, "can be attached at a time")
        )
    if existing_count + len(files) > MAX_FILES_PER_ITEM:
        left = max(MAX_FILES_PER_ITEM - existing_count, 0)
        raise AttachmentRejected(
            f"An item can have at most {MAX_FILES_PER_ITEM} attachments; {left} more can be added."
        )
    inspected: list[InspectedFile] = []
    messages: list[str] = []
    for file in files:
        try:
            if isinstance(file, InspectedFile):
                # Inspected by a form moments ago; only the tenant's limit is checked again.
                _check_size(tenant=tenant, name=file.original_name, size=file.size)
                inspected.append(file)
            else:
                inspected.append(attachment_inspect(tenant=tenant, upload=file))
        except AttachmentRejected as error:
            messages.extend(error.messages)
    if messages:
        raise AttachmentRejected(messages)
    return inspected


def _delete_files(names: Sequence[str]) -> None:
    for name in names:
        default_storage.delete(name)


@contextmanager
def files_removed_on_failure() -> Iterator[list[str]]:
    """Yields a list for the storage names written inside; deletes them if the block fails.

    Wrap the outermost transaction with it: the rows roll back with the transaction, and
    the files are not left behind on disk.
    """
    written: list[str] = []
    try:
        yield written
    except BaseException:
        _delete_files(written)
        raise


def attachments_store(
    *,
    tenant: Tenant,
    item: FeedbackItem,
    uploaded_by: User | None,
    files: Sequence[InspectedFile],
    written: list[str],
    comment: Comment | None = None,
) -> list[Attachment]:
    """Write inspected files and their rows; call inside a transaction and
    `files_removed_on_failure`. Raises AttachmentRejected if the item would go over its
    limit (checked under a row lock on the item, so concurrent uploads cannot both pass)."""
    if not files:
        return []
    FeedbackItem.objects.for_tenant(tenant).select_for_update().filter(pk=item.pk).get()
    existing = Attachment.objects.for_tenant(tenant).filter(item=item).count()
    if existing + len(files) > MAX_FILES_PER_ITEM:
        raise AttachmentRejected(
            f"An item can have at most {MAX_FILES_PER_ITEM} attachments; "
            f"{max(MAX_FILES_PER_ITEM - existing, 0)} more can be added."
        )
    stored = []
    for inspected in files:
        attachment = Attachment(
            tenant=tenant,
            item=item,
            comment=comment,
            uploaded_by=uploaded_by,
            original_name=inspected.original_name,
            content_type=inspected.content_type,
            size=inspected.size,
            width=inspected.width,
            height=inspected.height,
        )
        inspected.upload.seek(0)
        # The name given here is ignored: upload_to makes a random path.
        attachment.file.save("upload", inspected.upload, save=False)
        written.append(attachment.file.name)
        if inspected.thumbnail is not None:
            attachment.thumbnail.save("thumbnail", ContentFile(inspected.thumbnail), save=False)
            written.append(attachment.thumbnail.name)
        attachment.save()
        stored.append(attachment)
    return stored


def attachments_add(
    *,
    tenant: Tenant,
    item: FeedbackItem,
    uploaded_by: User | None,
    files: Sequence[UploadedFile | InspectedFile],
) -> list[Attachment]:
    """Attach `files` to `item`, all or nothing.

    Inspects every file first (type from content, size against the tenant's limit,
    count per submission and per item), then writes files and rows in one transaction;
    files written before a failure are deleted. Raises AttachmentRejected.
    """
    if item.tenant_id != tenant.pk:
        raise ValueError("Unknown item.")
    existing = Attachment.objects.for_tenant(tenant).filter(item=item).count()
    inspected = attachments_inspect(tenant=tenant, files=files, existing_count=existing)
    with files_removed_on_failure() as written, transaction.atomic():
        return attachments_store(
            tenant=tenant, item=item, uploaded_by=uploaded_by, files=inspected, written=written
        )


def attachment_delete(*, tenant: Tenant, attachment: Attachment) -> None:
    """Delete the row now and its files once the transaction commits (a rollback keeps both)."""
    if attachment.tenant_id != tenant.pk:
        raise ValueError("Unknown attachment.")
    names = [name for name in (attachment.file.name, attachment.thumbnail.name) if name]
    Attachment.objects.for_tenant(tenant).filter(pk=attachment.pk).delete()
    transaction.on_commit(lambda: _delete_files(names))


def attachment_files_of_items(*, tenant: Tenant, items: Sequence[FeedbackItem]) -> list[str]:
    """Storage names of every file of `items`, to delete after the items are deleted."""
    names = []
    for file_name, thumbnail_name in (
        Attachment.objects.for_tenant(tenant)
        .filter(item__in=[item.pk for item in items])
        .values_list("file", "thumbnail")
    ):
        names += [name for name in (file_name, thumbnail_name) if name]
    return names


def attachment_files_delete_on_commit(names: Sequence[str]) -> None:
    """Remove files once the deletion of their rows has committed."""
    names = list(names)
    transaction.on_commit(lambda: _delete_files(names))
