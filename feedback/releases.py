"""Writing and reading release notes."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from feedback.models import FeedbackItem, ReleaseNote
from feedback.notifications.outbox import notify_release_published
from feedback.selectors import items_visible_to
from portal.markdown import render_markdown
from portal.text import single_line
from tenants.models import Tenant, User


class ReleaseNoteAlreadyPublished(Exception):
    """Published notes are not published twice (their readers were told once)."""


def release_note_save(
    *,
    tenant: Tenant,
    note: ReleaseNote | None = None,
    title: str,
    body: str,
    slug: str = "",
    items: list[FeedbackItem] | None = None,
) -> ReleaseNote:
    """Create or update a note, rendering its Markdown; items must be the tenant's."""
    note = note or ReleaseNote(tenant=tenant)
    if note.tenant_id != tenant.pk:
        raise ValueError("The note belongs to another tenant.")
    if items and any(item.tenant_id != tenant.pk for item in items):
        raise ValueError("Release notes can only ship the tenant's own items.")
    note.title = single_line(title)
    note.slug = slugify(slug or note.slug or note.title)[:80] or "release"
    note.body = body
    note.body_html = render_markdown(body)
    with transaction.atomic():
        note.save()
        if items is not None:
            note.items.set(items)
    return note


def release_note_publish(*, tenant: Tenant, note: ReleaseNote, actor: User | None) -> ReleaseNote:
    """Publish a draft now; raises ReleaseNoteAlreadyPublished for a published one."""
    with transaction.atomic():
        updated = (
            ReleaseNote.objects.for_tenant(tenant)
            .filter(pk=note.pk, published_at__isnull=True)
            .update(published_at=timezone.now())
        )
        if not updated:
            raise ReleaseNoteAlreadyPublished(note.slug)
        note.refresh_from_db()
        notify_release_published(tenant=tenant, note=note)
    return note


def published_release_notes(*, tenant: Tenant) -> QuerySet[ReleaseNote]:
    """Published notes, newest first."""
    return (
        ReleaseNote.objects.for_tenant(tenant)
        .filter(published_at__isnull=False)
        .order_by("-published_at", "-id")
    )


def release_note_get(
    *, tenant: Tenant, slug: str, viewer: User | AnonymousUser, is_staff: bool = False
) -> ReleaseNote:
    """A published note with only the shipped items this viewer may see (`visible_items`).

    Raises ReleaseNote.DoesNotExist for drafts and unknown slugs.
    """
    visible = items_visible_to(tenant=tenant, viewer=viewer, is_staff=is_staff).select_related(
        "tenant"
    )
    return (
        published_release_notes(tenant=tenant)
        .prefetch_related(Prefetch("items", queryset=visible, to_attr="visible_items"))
        .get(slug=slug)
    )
