"""Merging a duplicate into the item it repeats."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count

from feedback.models import FeedbackItem, StatusChange, Subscription, Vote
from feedback.notifications.outbox import notify_item_merged
from portal.text import multi_line
from tenants.models import Tenant, User

Status = FeedbackItem.Status


class MergeNotAllowed(Exception):
    """The two items cannot be merged (same item, another tenant, already a duplicate)."""


def item_merge(
    *,
    tenant: Tenant,
    duplicate: FeedbackItem,
    canonical: FeedbackItem,
    actor: User | None,
    message: str = "",
) -> FeedbackItem:
    """Make `duplicate` point at `canonical`, moving its votes and followers across.

    Someone who voted for both keeps one vote; the counts of both items are recounted
    from the vote rows, so nobody is counted twice. Raises MergeNotAllowed.
    """
    if duplicate.pk == canonical.pk:
        raise MergeNotAllowed("An item cannot be merged into itself.")
    if duplicate.tenant_id != tenant.pk or canonical.tenant_id != tenant.pk:
        raise MergeNotAllowed("Both items must belong to the tenant.")
    items = FeedbackItem.objects.for_tenant(tenant)
    with transaction.atomic():
        # Lock both rows in id order, so two opposite merges cannot deadlock.
        locked = {
            item.pk: item
            for item in items.select_for_update()
            .filter(pk__in=[duplicate.pk, canonical.pk])
            .order_by("pk")
        }
        duplicate, canonical = locked[duplicate.pk], locked[canonical.pk]
        if duplicate.status == Status.DUPLICATE:
            raise MergeNotAllowed(f"{duplicate.key} is already a duplicate.")
        if canonical.status == Status.DUPLICATE:
            raise MergeNotAllowed(
                f"{canonical.key} is itself a duplicate; merge into its original."
            )
        # Before the votes move: the duplicate's voters are the audience.
        notify_item_merged(tenant=tenant, duplicate=duplicate, actor=actor)
        _move_rows(Vote, tenant=tenant, source=duplicate, target=canonical)
        _move_rows(Subscription, tenant=tenant, source=duplicate, target=canonical)
        counts = dict(
            Vote.objects.for_tenant(tenant)
            .filter(item__in=[duplicate.pk, canonical.pk])
            .values_list("item")
            .annotate(total=Count("pk"))
        )
        items.filter(pk=canonical.pk).update(vote_count=counts.get(canonical.pk, 0))
        change = StatusChange.objects.create(
            tenant=tenant,
            item=duplicate,
            actor=actor,
            from_status=duplicate.status,
            to_status=Status.DUPLICATE,
            message=multi_line(message) or f"Merged into {canonical.key}.",
        )
        items.filter(pk=duplicate.pk).update(
            status=Status.DUPLICATE,
            duplicate_of=canonical,
            vote_count=0,
            status_changed_at=change.created_at,
        )
    canonical.refresh_from_db()
    return canonical


def _move_rows(
    model: type[Vote] | type[Subscription],
    *,
    tenant: Tenant,
    source: FeedbackItem,
    target: FeedbackItem,
) -> None:
    """Move per-user rows to `target`; a user who already has one there keeps only that."""
    rows = model.objects.for_tenant(tenant)
    users_on_target = rows.filter(item=target, user__isnull=False).values("user")
    rows.filter(item=source, user__in=users_on_target).delete()
    rows.filter(item=source).update(item=target)
