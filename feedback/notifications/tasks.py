"""Celery tasks of the outbox. They take ids, re-fetch inside the tenant and are idempotent."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from feedback.notifications.delivery import SENDING_STALE_AFTER, message_deliver, stale_sending_fail
from feedback.notifications.models import OutboundMessage

SWEEP_AGE = timedelta(minutes=1)
SWEEP_BATCH = 5_000


@shared_task(ignore_result=True)
def outbox_deliver(tenant_id: int, message_id: int) -> None:
    """Send one row; on a transient SMTP error schedule the next try with backoff."""
    delay = message_deliver(tenant_id=tenant_id, message_id=message_id)
    if delay is not None:
        outbox_deliver.apply_async((tenant_id, message_id), countdown=delay)


@shared_task(ignore_result=True)
def outbox_dispatch_event(tenant_id: int, event_type: str, event_id: str) -> None:
    """Hand every pending row of one event to the delivery task, in batches."""
    pending = (
        OutboundMessage.objects.for_tenant(tenant_id)
        .filter(event_type=event_type, event_id=event_id, status=OutboundMessage.Status.PENDING)
        .values_list("pk", flat=True)
        .order_by("pk")
    )
    for message_id in pending.iterator(chunk_size=500):
        outbox_deliver.delay(tenant_id, message_id)


@shared_task(ignore_result=True)
def outbox_sweep() -> int:
    """Re-dispatch rows still pending a minute after they were due (lost hand-over)."""
    now = timezone.now()
    stale_sending_fail(before=now - SENDING_STALE_AFTER)
    # Celery beat serves every tenant: a deliberate cross-tenant read of ids only.
    due = (
        OutboundMessage.objects.unscoped()
        .filter(status=OutboundMessage.Status.PENDING, next_attempt_at__lte=now - SWEEP_AGE)
        .order_by("next_attempt_at")
        .values_list("tenant_id", "pk")[:SWEEP_BATCH]
    )
    count = 0
    for tenant_id, message_id in due:
        outbox_deliver.delay(tenant_id, message_id)
        count += 1
    return count
