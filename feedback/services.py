"""Writes for feedback: submitting items and casting or withdrawing votes."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from feedback.models import FeedbackItem, TicketCounter, Vote
from feedback.text import multi_line, single_line
from tenants.models import Tenant, User


class VotingClosed(Exception):
    """The item is closed, declined or a duplicate, so it takes no new votes."""


def ticket_number_next(*, tenant: Tenant) -> int:
    """Reserve the tenant's next ticket number; call inside the transaction that uses it.

    The UPDATE takes a row lock on the tenant's counter that is held until commit, so
    concurrent submissions queue up and each gets its own number. A rolled-back
    submission rolls its number back too.
    """
    counters = TicketCounter.objects.for_tenant(tenant)
    if not counters.update(last_number=F("last_number") + 1):
        try:
            with transaction.atomic():
                TicketCounter.objects.create(tenant=tenant, last_number=0)
        except IntegrityError:  # another submission created it first
            pass
        counters.update(last_number=F("last_number") + 1)
    return counters.values_list("last_number", flat=True).get()


def item_submit(
    *,
    tenant: Tenant,
    reporter: User,
    kind: str,
    title: str,
    description: str = "",
) -> FeedbackItem:
    """Create an item with the next ticket key; the reporter's own vote is counted.

    Security reports are always private. Raises ValueError for an unknown kind or an
    empty title (forms and the API validate first, this is the last line).
    """
    if kind not in FeedbackItem.Kind.values:
        raise ValueError(f"Unknown kind {kind!r}.")
    title = single_line(title)
    if not title:
        raise ValueError("A title is required.")
    with transaction.atomic():
        item = FeedbackItem.objects.create(
            tenant=tenant,
            number=ticket_number_next(tenant=tenant),
            kind=kind,
            title=title,
            description=multi_line(description),
            reporter=reporter,
            is_public=kind != FeedbackItem.Kind.SECURITY,
        )
        vote_cast(tenant=tenant, item=item, user=reporter)
    item.refresh_from_db(fields=["vote_count"])
    return item


def vote_cast(*, tenant: Tenant, item: FeedbackItem, user: User) -> bool:
    """Record `user`'s vote on `item`; True if it counted now, False if it already had.

    The unique constraint decides between concurrent duplicate votes; the count moves
    only together with an inserted row, so it stays exact. Raises VotingClosed.
    """
    if not item.is_voting_open:
        raise VotingClosed(item.status)
    with transaction.atomic():
        if Vote.objects.for_tenant(tenant).filter(item=item, user=user).exists():
            return False
        try:
            with transaction.atomic():
                Vote.objects.create(tenant=tenant, item=item, user=user)
        except IntegrityError:  # a concurrent request recorded the same vote
            return False
        FeedbackItem.objects.for_tenant(tenant).filter(pk=item.pk).update(
            vote_count=F("vote_count") + 1
        )
    return True


def vote_withdraw(*, tenant: Tenant, item: FeedbackItem, user: User) -> bool:
    """Remove `user`'s vote; True if there was one. Withdrawing is allowed in any status."""
    with transaction.atomic():
        deleted, _ = Vote.objects.for_tenant(tenant).filter(item=item, user=user).delete()
        if not deleted:
            return False
        FeedbackItem.objects.for_tenant(tenant).filter(pk=item.pk).update(
            vote_count=F("vote_count") - 1
        )
    return True
