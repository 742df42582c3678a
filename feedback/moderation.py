"""Staff moderation: soft delete, restore, hide as spam."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from feedback.models import FeedbackItem
from tenants.models import Tenant


def items_soft_delete(*, tenant: Tenant, items: QuerySet[FeedbackItem]) -> int:
    """Move items to the trash (hidden everywhere on the portal); returns how many moved."""
    return (
        FeedbackItem.objects.for_tenant(tenant)
        .filter(pk__in=items.values("pk"), deleted_at__isnull=True)
        .update(deleted_at=timezone.now())
    )


def items_restore(*, tenant: Tenant, items: QuerySet[FeedbackItem]) -> int:
    """Bring items back from the trash; returns how many were restored."""
    return (
        FeedbackItem.objects.for_tenant(tenant)
        .filter(pk__in=items.values("pk"), deleted_at__isnull=False)
        .update(deleted_at=None)
    )


def items_set_hidden(*, tenant: Tenant, items: QuerySet[FeedbackItem], hidden: bool) -> int:
    """Hide items as spam (or show them again); returns how many changed."""
    return (
        FeedbackItem.objects.for_tenant(tenant)
        .filter(pk__in=items.values("pk"))
        .exclude(is_hidden=hidden)
        .update(is_hidden=hidden)
    )
