"""Anonymous submissions: an email address instead of an account, confirmed by a link."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from feedback.models import FeedbackItem
from feedback.notifications.outbox import notify_item_submitted
from feedback.notifications.tokens import TokenInvalid, confirmation_token_read
from feedback.services import item_submit
from tenants.models import Tenant
from tenants.services import user_for_email


class AnonymousFeedbackClosed(Exception):
    """The tenant takes feedback only from signed-in users."""


def item_submit_anonymous(*, tenant: Tenant, email: str, **submission: Any) -> FeedbackItem:
    """Submit for an address without an account; the item waits for the emailed link.

    The address gets (or reuses) a passwordless account of the tenant, so that a later
    sign-up or password reset finds the item. Raises AnonymousFeedbackClosed, and what
    item_submit raises.
    """
    if not tenant.allow_anonymous_feedback:
        raise AnonymousFeedbackClosed
    with transaction.atomic():
        reporter = user_for_email(tenant=tenant, email=email)
        return item_submit(
            tenant=tenant, reporter=reporter, awaiting_confirmation=True, **submission
        )


def item_confirm(*, tenant: Tenant, token: str) -> tuple[FeedbackItem, bool]:
    """Publish the item a confirmation link names; (item, True) the first time only.

    Raises TokenInvalid for a forged or expired token or one of another tenant, and
    FeedbackItem.DoesNotExist if the item was deleted meanwhile.
    """
    claim = confirmation_token_read(token)
    if claim.tenant_id != tenant.pk:
        raise TokenInvalid
    items = FeedbackItem.objects.for_tenant(tenant)
    with transaction.atomic():
        confirmed = items.filter(pk=claim.item_id, awaiting_confirmation=True).update(
            awaiting_confirmation=False
        )
        item = items.select_related("tenant").get(pk=claim.item_id, deleted_at__isnull=True)
        if confirmed:
            notify_item_submitted(tenant=tenant, item=item)
    return item, bool(confirmed)
