"""CSAT surveys: scheduled in the resolving transaction, sent by a beat sweep (BC-15).

No countdown/ETA task ever waits for a survey: with Redis, a message held past the
visibility timeout is redelivered and would run twice. Instead the invitation row is the
schedule, `surveys_send_due` (every 5 minutes) claims due rows with a conditional UPDATE,
re-checks the item at run time and writes one outbox row per invitation, which the
existing dispatch and delivery send exactly once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from feedback.models import FeedbackItem, SurveyInvite
from feedback.notifications.models import OutboundMessage
from feedback.notifications.outbox import _enqueue, _wanting_mail
from portal.text import multi_line
from tenants.models import Tenant, User

Status = SurveyInvite.Status
Kind = SurveyInvite.Kind
# An item in these statuses is still "handled"; anything else means it was reopened.
SURVEYABLE_STATUSES = frozenset({FeedbackItem.Status.RESOLVED, FeedbackItem.Status.CLOSED})
SEND_BATCH = 500


def csat_schedule(*, tenant: Tenant, item: FeedbackItem) -> SurveyInvite | None:
    """Schedule the reporter's CSAT survey `tenant.csat_delay_hours` from now.

    Call inside the transaction that resolves the item. One invitation per person per
    item: a second resolve finds the row (and re-arms it only if a reopen cancelled it).
    """
    if item.reporter_id is None:
        return None
    users = User.objects.for_tenant(tenant).filter(pk=item.reporter_id)
    user = _wanting_mail(tenant, users, reporter_id=item.reporter_id).first()
    if user is None:
        return None
    scheduled_at = timezone.now() + timedelta(hours=tenant.csat_delay_hours)
    invites = SurveyInvite.objects.for_tenant(tenant)
    lookup = {"item_id": item.pk, "user_id": user.pk, "kind": Kind.CSAT}
    try:
        with transaction.atomic():  # a savepoint: a lost race must not break the caller
            invite, created = invites.get_or_create(
                tenant=tenant, **lookup, defaults={"scheduled_at": scheduled_at}
            )
    except IntegrityError:
        invite, created = invites.get(**lookup), False
    if not created and invite.status == Status.CANCELLED:
        invites.filter(pk=invite.pk, status=Status.CANCELLED).update(
            status=Status.SCHEDULED, scheduled_at=scheduled_at
        )
        invite.refresh_from_db()
    return invite


def surveys_cancel_for_item(*, tenant: Tenant, item: FeedbackItem) -> int:
    """Cancel the item's invitations that have not gone out yet (the item was reopened)."""
    return (
        SurveyInvite.objects.for_tenant(tenant)
        .filter(item_id=item.pk, status=Status.SCHEDULED)
        .update(status=Status.CANCELLED)
    )


def invite_send(*, tenant_id: int, invite_id: int, now: datetime | None = None) -> bool:
    """Send one due invitation at most once; True when its email was queued.

    Lock order is the item, then the invitation: the same as item_change_status, so a
    reopen and a send serialise instead of both winning.
    """
    now = now or timezone.now()
    invites = SurveyInvite.objects.for_tenant(tenant_id)
    item_id = invites.filter(pk=invite_id).values_list("item_id", flat=True).first()
    if item_id is None:
        return False
    with transaction.atomic():
        item = (
            FeedbackItem.objects.for_tenant(tenant_id)
            .select_for_update()
            .select_related("tenant")
            .get(pk=item_id)
        )
        claimed = invites.filter(
            pk=invite_id, status=Status.SCHEDULED, scheduled_at__lte=now
        ).update(status=Status.SENT)
        if not claimed:
            return False  # another run (a retry, a second beat) has it
        invite = invites.get(pk=invite_id)
        tenant = item.tenant
        users = User.objects.for_tenant(tenant).filter(pk=invite.user_id)
        user = _wanting_mail(tenant, users, reporter_id=item.reporter_id).first()
        handled = item.status in SURVEYABLE_STATUSES and item.deleted_at is None
        if not handled or user is None:
            # Re-checked at run time: reopened, deleted or unsubscribed since scheduling.
            invites.filter(pk=invite_id).update(status=Status.CANCELLED)
            return False
        _enqueue(
            tenant=tenant,
            event_type=OutboundMessage.Event.CSAT_SURVEY,
            event_id=invite.pk,
            item=item,
            recipients=[(user.pk, user.email)],
        )
    return True


def surveys_send_due(*, now: datetime | None = None, batch: int = SEND_BATCH) -> int:
    """Send every invitation whose time has come; returns how many emails were queued."""
    now = now or timezone.now()
    # Celery beat serves every tenant: a deliberate cross-tenant read of ids only.
    due = list(
        SurveyInvite.objects.unscoped()
        .filter(status=Status.SCHEDULED, scheduled_at__lte=now)
        .order_by("scheduled_at", "pk")
        .values_list("tenant_id", "pk")[:batch]
    )
    return sum(
        invite_send(tenant_id=tenant_id, invite_id=invite_id, now=now)
        for tenant_id, invite_id in due
    )


def survey_answer(*, tenant: Tenant, invite: SurveyInvite, score: int) -> None:
    """Record (or change) the score: a repeated click updates the same invitation."""
    if not 1 <= score <= 5:
        raise ValueError("A CSAT score is between 1 and 5.")
    SurveyInvite.objects.for_tenant(tenant).filter(pk=invite.pk).update(
        score=score, status=Status.ANSWERED, answered_at=timezone.now()
    )
    invite.refresh_from_db()


def survey_comment(*, tenant: Tenant, invite: SurveyInvite, comment: str) -> None:
    """Save the optional comment of an answered invitation."""
    comment = multi_line(comment)[: SurveyInvite._meta.get_field("comment").max_length]
    SurveyInvite.objects.for_tenant(tenant).filter(pk=invite.pk).update(comment=comment)
    invite.refresh_from_db()
