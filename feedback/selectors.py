"""Reads for feedback, always inside one tenant and from one viewer's point of view."""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from feedback.models import (
    Attachment,
    Comment,
    FeedbackItem,
    StatusChange,
    Subscription,
    Tag,
    Vote,
)
from tenants.models import Membership, Tenant, User

Sort = Literal["top", "new", "trending"]
SORT_ORDERINGS: dict[str, tuple[str, ...]] = {
    # Every ordering ends in a unique column, so pages never repeat or skip rows.
    "top": ("-vote_count", "-created_at", "-id"),
    "new": ("-created_at", "-id"),
    "trending": ("-recent_votes", "-vote_count", "-id"),
}
TRENDING_WINDOW = timedelta(days=7)
RECENTLY_RESOLVED_WINDOW = timedelta(days=30)
ROADMAP_COLUMN_SIZE = 20


def items_visible_to(
    *, tenant: Tenant, viewer: User | AnonymousUser, is_staff: bool = False
) -> QuerySet[FeedbackItem]:
    """Items of `tenant` that `viewer` may see: public ones, their own, or all for staff.

    Deleted and hidden (spam) items are never part of the portal, not even for staff;
    the admin is where they are reviewed and restored.
    """
    queryset = FeedbackItem.objects.for_tenant(tenant).filter(
        deleted_at__isnull=True, is_hidden=False, awaiting_confirmation=False
    )
    if is_staff:
        return queryset
    if viewer.is_authenticated:
        return queryset.filter(Q(is_public=True) | Q(reporter=viewer))
    return queryset.filter(is_public=True)


def _with_viewer_vote(
    queryset: QuerySet[FeedbackItem], *, tenant: Tenant, viewer: User | AnonymousUser
) -> QuerySet[FeedbackItem]:
    if not viewer.is_authenticated:
        return queryset.annotate(viewer_has_voted=Value(False), viewer_follows=Value(False))
    votes = Vote.objects.for_tenant(tenant).filter(item=OuterRef("pk"), user=viewer)
    follows = Subscription.objects.for_tenant(tenant).filter(
        item=OuterRef("pk"), user=viewer, is_active=True
    )
    return queryset.annotate(viewer_has_voted=Exists(votes), viewer_follows=Exists(follows))


def _with_recent_votes(queryset: QuerySet[FeedbackItem], *, tenant: Tenant) -> QuerySet:
    """Annotate `recent_votes`: votes cast in the trending window."""
    since = timezone.now() - TRENDING_WINDOW
    recent = (
        Vote.objects.for_tenant(tenant)
        .filter(item=OuterRef("pk"), created_at__gte=since)
        .order_by()
        .values("item")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return queryset.annotate(
        recent_votes=Coalesce(Subquery(recent, output_field=IntegerField()), Value(0))
    )


def _tags_prefetch(tenant: Tenant) -> Prefetch:
    return Prefetch("tags", queryset=Tag.objects.for_tenant(tenant))


def _with_comment_count(
    queryset: QuerySet[FeedbackItem], *, tenant: Tenant, is_staff: bool
) -> QuerySet[FeedbackItem]:
    """Annotate `comment_count`: the comments this viewer may read (notes for staff only)."""
    comments = comments_visible_to(tenant=tenant, item=OuterRef("pk"), is_staff=is_staff)
    counts = comments.order_by().values("item").annotate(count=Count("pk")).values("count")
    return queryset.annotate(
        comment_count=Coalesce(Subquery(counts, output_field=IntegerField()), Value(0))
    )


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
    queryset = queryset.select_related("tenant", "reporter", "component").prefetch_related(
        _tags_prefetch(tenant)
    )
    if sort == "trending":
        queryset = _with_recent_votes(queryset, tenant=tenant)
    queryset = _with_comment_count(
        queryset.order_by(*SORT_ORDERINGS[sort]), tenant=tenant, is_staff=is_staff
    )
    return _with_viewer_vote(queryset, tenant=tenant, viewer=viewer)


def roadmap_columns(
    *, tenant: Tenant, viewer: User | AnonymousUser, is_staff: bool = False
) -> list[tuple[str, str, list[FeedbackItem]]]:
    """(status, heading, items) for planned, in progress and recently resolved.

    One query per column whatever the data size; each column holds the top
    ROADMAP_COLUMN_SIZE items (most voted; resolved ones most recent first).
    """
    visible = items_visible_to(tenant=tenant, viewer=viewer, is_staff=is_staff).select_related(
        "tenant"
    )
    since = timezone.now() - RECENTLY_RESOLVED_WINDOW
    columns = [
        (
            FeedbackItem.Status.PLANNED,
            "Planned",
            visible.filter(status=FeedbackItem.Status.PLANNED).order_by("-vote_count", "-id"),
        ),
        (
            FeedbackItem.Status.IN_PROGRESS,
            "In progress",
            visible.filter(status=FeedbackItem.Status.IN_PROGRESS).order_by("-vote_count", "-id"),
        ),
        (
            FeedbackItem.Status.RESOLVED,
            "Recently resolved",
            visible.filter(
                status__in=[FeedbackItem.Status.RESOLVED, FeedbackItem.Status.CLOSED],
                status_changed_at__gte=since,
            ).order_by("-status_changed_at", "-id"),
        ),
    ]
    return [
        (status, heading, list(queryset[:ROADMAP_COLUMN_SIZE]))
        for status, heading, queryset in columns
    ]


MY_RELATIONS = ("reported", "voted", "following")


def items_of_user(
    *, tenant: Tenant, user: User, relation: str, is_staff: bool = False
) -> QuerySet[FeedbackItem]:
    """The user's items: reported by them, voted for, or followed; newest activity first."""
    queryset = items_visible_to(tenant=tenant, viewer=user, is_staff=is_staff)
    if relation == "reported":
        queryset = queryset.filter(reporter=user)
    elif relation == "voted":
        queryset = queryset.filter(
            Exists(Vote.objects.for_tenant(tenant).filter(item=OuterRef("pk"), user=user))
        )
    elif relation == "following":
        queryset = queryset.filter(
            Exists(
                Subscription.objects.for_tenant(tenant).filter(
                    item=OuterRef("pk"), user=user, is_active=True
                )
            )
        )
    else:
        raise ValueError(f"Unknown relation {relation!r}.")
    queryset = queryset.select_related("tenant", "duplicate_of").order_by("-updated_at", "-id")
    queryset = _with_comment_count(queryset, tenant=tenant, is_staff=is_staff)
    return _with_viewer_vote(queryset, tenant=tenant, viewer=user)


def item_get(
    *, tenant: Tenant, viewer: User | AnonymousUser, number: int, is_staff: bool = False
) -> FeedbackItem:
    """One visible item by its ticket number, with tags, status history and attachments.

    Raises FeedbackItem.DoesNotExist for an unknown number or an item the viewer may not see.
    """
    queryset = items_visible_to(tenant=tenant, viewer=viewer, is_staff=is_staff)
    history = StatusChange.objects.for_tenant(tenant).select_related("actor")
    attachments = Attachment.objects.for_tenant(tenant).filter(comment__isnull=True)
    queryset = queryset.select_related(
        "tenant", "reporter", "component", "duplicate_of"
    ).prefetch_related(
        _tags_prefetch(tenant),
        Prefetch("history", queryset=history),
        Prefetch("attachments", queryset=attachments),
    )
    queryset = _with_comment_count(queryset, tenant=tenant, is_staff=is_staff)
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
    attachments = Attachment.objects.for_tenant(tenant)
    if not is_staff:
        # Files of an internal note are as private as the note (BC-06).
        attachments = attachments.exclude(comment__is_internal=True)
    return attachments.get(pk=pk, item__in=items.filter(number=number).values("pk"))


def tag_get(*, tenant: Tenant, slug: str) -> Tag | None:
    """The tenant's tag with this slug, or None."""
    if not slug:
        return None
    return Tag.objects.for_tenant(tenant).filter(slug=slug).first()


def tags_in_use(*, tenant: Tenant) -> QuerySet[Tag]:
    """The tenant's tags, for filter menus."""
    return Tag.objects.for_tenant(tenant)


def comments_visible_to(
    *, tenant: Tenant, item: FeedbackItem | OuterRef, is_staff: bool = False
) -> QuerySet[Comment]:
    """Comments on `item` in posting order; internal notes only when `is_staff`.

    The caller has already checked that the viewer may see `item` (item_get).
    """
    queryset = Comment.objects.for_tenant(tenant).filter(item=item)
    if not is_staff:
        queryset = queryset.filter(is_internal=False)
    return queryset.order_by("created_at", "id")


def comment_thread(
    *,
    tenant: Tenant,
    item: FeedbackItem,
    viewer: User | AnonymousUser,
    is_staff: bool = False,
) -> QuerySet[Comment]:
    """The visible comments on `item` with their authors, each annotated with
    `viewer_can_edit` (the viewer's own comment, still inside the edit window)."""
    queryset = comments_visible_to(tenant=tenant, item=item, is_staff=is_staff)
    files = Attachment.objects.for_tenant(tenant).order_by("id")
    staff = Membership.objects.for_tenant(tenant).filter(user=OuterRef("author"))
    queryset = (
        queryset.select_related("author")
        .prefetch_related(Prefetch("attachments", queryset=files))
        .annotate(author_is_staff=Exists(staff))
    )
    if not viewer.is_authenticated:
        return queryset.annotate(viewer_can_edit=Value(False))
    window_start = timezone.now() - timedelta(minutes=settings.FEEDBACK_COMMENT_EDIT_WINDOW_MINUTES)
    return queryset.annotate(
        viewer_can_edit=ExpressionWrapper(
            Q(author=viewer, created_at__gte=window_start), output_field=BooleanField()
        )
    )


def comment_get_own(
    *,
    tenant: Tenant,
    item: FeedbackItem,
    author: User,
    comment_id: int,
    is_staff: bool = False,
) -> Comment:
    """The author's own visible comment on `item`; raises Comment.DoesNotExist otherwise."""
    queryset = comments_visible_to(tenant=tenant, item=item, is_staff=is_staff)
    return queryset.get(pk=comment_id, author=author)
