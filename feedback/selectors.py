"""Reads for feedback, always inside one tenant and from one viewer's point of view."""

from __future__ import annotations

from typing import Literal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Value

from feedback.models import Attachment, FeedbackItem, StatusChange, Tag, Vote
from tenants.models import Tenant, User

Sort = Literal["top", "new"]
SORT_ORDERINGS: dict[str, tuple[str, ...]] = {
    # Every ordering ends in a unique column, so pages never repeat or skip rows.
    "top": ("-vote_count", "-created_at", "-id"),
    "new": ("-created_at", "-id"),
}


def items_visible_to(
    *, tenant: Tenant, viewer: User | AnonymousUser, is_staff: bool = False
) -> QuerySet[FeedbackItem]:
    """Items of `tenant` that `viewer` may see: public ones, their own, or all for staff."""
    queryset = FeedbackItem.objects.for_tenant(tenant)
    if is_staff:
        return queryset
    if viewer.is_authenticated:
        return queryset.filter(Q(is_public=True) | Q(reporter=viewer))
    return queryset.filter(is_public=True)


def _with_viewer_vote(
    queryset: QuerySet[FeedbackItem], *, tenant: Tenant, viewer: User | AnonymousUser
) -> QuerySet[FeedbackItem]:
    if not viewer.is_authenticated:
        return queryset.annotate(viewer_has_voted=Value(False))
    votes = Vote.objects.for_tenant(tenant).filter(item=OuterRef("pk"), user=viewer)
    return queryset.annotate(viewer_has_voted=Exists(votes))


def _tags_prefetch(tenant: Tenant) -> Prefetch:
    return Prefetch("tags", queryset=Tag.objects.for_tenant(tenant))


def item_list(
    *,
    tenant: Tenant,
    viewer: User | AnonymousUser,
    sort: Sort = "top",
    kind: str | None = None,
    status: str | None = None,
    tag: Tag | None = None,
    text: str = "",
    is_staff: bool = False,
) -> QuerySet[FeedbackItem]:
    """Visible items, filtered, in a stable order, each annotated with `viewer_has_voted`.

    Duplicates are left out: their votes live on the item they were merged into.
    """
    queryset = items_visible_to(tenant=tenant, viewer=viewer, is_staff=is_staff).exclude(
        status=FeedbackItem.Status.DUPLICATE
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if status:
        queryset = queryset.filter(status=status)
    if tag is not None:
        queryset = queryset.filter(tags=tag)
    for word in text.split()[:8]:
        queryset = queryset.filter(Q(title__icontains=word) | Q(description__icontains=word))
    queryset = (
        queryset.select_related("tenant", "reporter", "component")
        .prefetch_related(_tags_prefetch(tenant))
        .order_by(*SORT_ORDERINGS[sort])
    )
    return _with_viewer_vote(queryset, tenant=tenant, viewer=viewer)


def item_get(
    *, tenant: Tenant, viewer: User | AnonymousUser, number: int, is_staff: bool = False
) -> FeedbackItem:
    """One visible item by its ticket number, with tags, status history and attachments.

    Raises FeedbackItem.DoesNotExist for an unknown number or an item the viewer may not see.
    """
    queryset = items_visible_to(tenant=tenant, viewer=viewer, is_staff=is_staff)
    history = StatusChange.objects.for_tenant(tenant).select_related("actor")
    attachments = Attachment.objects.for_tenant(tenant)
    queryset = queryset.select_related(
        "tenant", "reporter", "component", "duplicate_of"
    ).prefetch_related(
        _tags_prefetch(tenant),
        Prefetch("history", queryset=history),
        Prefetch("attachments", queryset=attachments),
    )
    return _with_viewer_vote(queryset, tenant=tenant, viewer=viewer).get(number=number)


def attachment_get(
    *,
    tenant: Tenant,
    viewer: User | AnonymousUser,
    number: int,
    pk: int,
    is_staff: bool = False,
) -> Attachment:
    """An attachment of the visible item with this ticket number, in one query.

    Raises Attachment.DoesNotExist for an unknown id, an attachment of another item or
    tenant, or an item the viewer may not see (the same rule as item_get).
    """
    items = items_visible_to(tenant=tenant, viewer=viewer, is_staff=is_staff)
    return Attachment.objects.for_tenant(tenant).get(
        pk=pk, item__in=items.filter(number=number).values("pk")
    )


def tag_get(*, tenant: Tenant, slug: str) -> Tag | None:
    """The tenant's tag with this slug, or None."""
    if not slug:
        return None
    return Tag.objects.for_tenant(tenant).filter(slug=slug).first()


def tags_in_use(*, tenant: Tenant) -> QuerySet[Tag]:
    """The tenant's tags, for filter menus."""
    return Tag.objects.for_tenant(tenant)
