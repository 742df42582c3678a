"""Reads for feedback, always inside one tenant and from one viewer's point of view."""

from __future__ import annotations

from typing import Literal

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet, Value

from feedback.models import FeedbackItem, Vote
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


def item_list(
    *,
    tenant: Tenant,
    viewer: User | AnonymousUser,
    sort: Sort = "top",
    kind: str | None = None,
    is_staff: bool = False,
) -> QuerySet[FeedbackItem]:
    """Visible items in a stable order, each annotated with `viewer_has_voted`."""
    queryset = items_visible_to(tenant=tenant, viewer=viewer, is_staff=is_staff)
    if kind:
        queryset = queryset.filter(kind=kind)
    queryset = queryset.select_related("tenant", "reporter").order_by(*SORT_ORDERINGS[sort])
    return _with_viewer_vote(queryset, tenant=tenant, viewer=viewer)


def item_get(
    *, tenant: Tenant, viewer: User | AnonymousUser, number: int, is_staff: bool = False
) -> FeedbackItem:
    """One visible item by its ticket number; raises FeedbackItem.DoesNotExist otherwise."""
    queryset = items_visible_to(tenant=tenant, viewer=viewer, is_staff=is_staff)
    queryset = _with_viewer_vote(
        queryset.select_related("tenant", "reporter"), tenant=tenant, viewer=viewer
    )
    return queryset.get(number=number)
