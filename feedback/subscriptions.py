"""Following items: who hears about changes. Reporters and voters follow automatically."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from feedback.models import FeedbackItem, Subscription
from tenants.models import Tenant, User


def subscription_ensure(*, tenant: Tenant, item: FeedbackItem, user: User, reason: str) -> None:
    """Subscribe `user` unless a row exists; an earlier unfollow is respected."""
    subscriptions = Subscription.objects.for_tenant(tenant)
    if subscriptions.filter(item=item, user=user).exists():
        return
    try:
        with transaction.atomic():
            subscriptions.create(tenant=tenant, item=item, user=user, reason=reason)
    except IntegrityError:  # subscribed concurrently: the row exists, which is all we want
        pass


def item_follow(*, tenant: Tenant, item: FeedbackItem, user: User) -> None:
    """Follow `item` (again); ValueError for an item or user of another tenant."""
    if item.tenant_id != tenant.pk or user.tenant_id != tenant.pk:
        raise ValueError("The item and the follower must belong to the tenant.")
    subscription_ensure(tenant=tenant, item=item, user=user, reason=Subscription.Reason.FOLLOWER)
    Subscription.objects.for_tenant(tenant).filter(item=item, user=user).update(is_active=True)


def item_unfollow(*, tenant: Tenant, item: FeedbackItem, user: User) -> None:
    """Stop updates about `item`; the row stays so that voting does not re-subscribe."""
    Subscription.objects.for_tenant(tenant).filter(item=item, user=user).update(is_active=False)
