"""Writing notifications into the outbox, inside the transaction of the event.

Called by the feedback services (submit, status change, reply, merge). The rows commit
or roll back with the event; on commit one dispatch task per event hands them to the
delivery task, and the periodic sweep catches whatever that hand-over missed.

Fan-out choice: rows are created here, in the event's transaction, with bulk_create
in chunks of FANOUT_CHUNK_SIZE while iterating the audience with a server-side cursor
(iterator), so 10,000 followers never sit in memory at once. Writing them in the
transaction (rather than in a fan-out task after commit) keeps the outbox promise
exact: the event exists if and only if its notifications do, even if the broker is
down at commit time. The cost is one INSERT per 500 recipients inside the request.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from feedback.models import Comment, FeedbackItem, ReleaseNote, StatusChange, Subscription, Vote
from feedback.notifications.models import NotificationPreference, OutboundMessage
from tenants.models import Membership, Tenant, User

FANOUT_CHUNK_SIZE = 500
Event = OutboundMessage.Event
Level = NotificationPreference.Level


def _wanting_mail(tenant: Tenant, users: QuerySet[User], *, reporter_id: int | None):
    """Drop inactive accounts and those whose preference rules this mail out."""
    preferences = NotificationPreference.objects.for_tenant(tenant).filter(user=OuterRef("pk"))
    return (
        users.filter(is_active=True)
        .exclude(Exists(preferences.filter(level=Level.NOTHING)))
        .exclude(Q(Exists(preferences.filter(level=Level.OWN_ITEMS))) & ~Q(pk=reporter_id))
        .exclude(email="")
    )


def _item_audience(
    tenant: Tenant, item: FeedbackItem, *, also: Q | None = None, actor: User | None = None
) -> QuerySet[User]:
    """The reporter and active followers of `item` (voters follow automatically).

    Someone who unfollowed hears nothing more, reporter included. A private item
    (security report) only ever mails its reporter: nobody else may read it.
    """
    subscriptions = Subscription.objects.for_tenant(tenant).filter(item=item, user=OuterRef("pk"))
    if item.is_public:
        wanted = Q(pk=item.reporter_id) | Q(Exists(subscriptions.filter(is_active=True)))
    else:
        wanted = Q(pk=item.reporter_id)
    if also is not None and item.is_public:
        wanted |= also
    users = User.objects.for_tenant(tenant).filter(wanted)
    users = users.exclude(Exists(subscriptions.filter(is_active=False)))
    if actor is not None:
        users = users.exclude(pk=actor.pk)  # nobody is told about their own action
    return _wanting_mail(tenant, users, reporter_id=item.reporter_id).order_by("pk")


def _enqueue(
    *,
    tenant: Tenant,
    event_type: str,
    event_id: object,
    item: FeedbackItem | None,
    recipients: Iterable[tuple[int, str]],
) -> None:
    """Create one pending row per (event, recipient) and dispatch the event on commit."""
    chunk: list[OutboundMessage] = []
    for user_id, email in recipients:
        chunk.append(
            OutboundMessage(
                tenant=tenant,
                event_type=event_type,
                event_id=str(event_id),
                dedup_key=OutboundMessage.key_for(event_type, event_id, user_id),
                item=item,
                recipient_id=user_id,
                to_email=email,
            )
        )
        if len(chunk) >= FANOUT_CHUNK_SIZE:
            # ignore_conflicts: re-running an event (a retried request) adds nobody twice.
            OutboundMessage.objects.bulk_create(chunk, ignore_conflicts=True)
            chunk = []
    if chunk:
        OutboundMessage.objects.bulk_create(chunk, ignore_conflicts=True)
    from feedback.notifications.tasks import outbox_dispatch_event

    # robust: with the broker down the event still commits; the sweep sends it later.
    transaction.on_commit(
        lambda: outbox_dispatch_event.delay(tenant.pk, event_type, str(event_id)), robust=True
    )


def _rows(users: QuerySet[User]) -> Iterable[tuple[int, str]]:
    return users.values_list("pk", "email").iterator(chunk_size=FANOUT_CHUNK_SIZE)


def notify_item_submitted(*, tenant: Tenant, item: FeedbackItem) -> None:
    """Queue the acknowledgment with the ticket key to the reporter."""
    if item.reporter_id is None:
        return
    users = User.objects.for_tenant(tenant).filter(pk=item.reporter_id)
    users = _wanting_mail(tenant, users, reporter_id=item.reporter_id)
    _enqueue(
        tenant=tenant,
        event_type=Event.ACKNOWLEDGMENT,
        event_id=item.pk,
        item=item,
        recipients=_rows(users),
    )


def notify_confirmation_requested(*, tenant: Tenant, item: FeedbackItem) -> None:
    """Queue the "confirm your submission" link to an anonymous reporter's address.

    Sent whatever the address's preferences: it is the only way to publish the item.
    """
    if item.reporter_id is None:
        return
    users = User.objects.for_tenant(tenant).filter(pk=item.reporter_id, is_active=True)
    _enqueue(
        tenant=tenant,
        event_type=Event.CONFIRM_SUBMISSION,
        event_id=item.pk,
        item=item,
        recipients=_rows(users.exclude(email="")),
    )


def notify_status_changed(*, tenant: Tenant, item: FeedbackItem, change: StatusChange) -> None:
    """Queue the status change with its public message to reporter, voters and followers."""
    actor = change.actor
    _enqueue(
        tenant=tenant,
        event_type=Event.STATUS_CHANGED,
        event_id=change.pk,
        item=item,
        recipients=_rows(_item_audience(tenant, item, actor=actor)),
    )


def notify_comment_posted(
    *, tenant: Tenant, comment: Comment, membership: Membership | None
) -> None:
    """Queue a public staff reply to reporter and followers; internal notes never mail."""
    if comment.is_internal:
        return
    is_staff = (membership is not None and membership.tenant_id == tenant.pk) or (
        Membership.objects.for_tenant(tenant).filter(user_id=comment.author_id).exists()
    )
    if not is_staff:
        return
    _enqueue(
        tenant=tenant,
        event_type=Event.STAFF_REPLY,
        event_id=comment.pk,
        item=comment.item,
        recipients=_rows(_item_audience(tenant, comment.item, actor=comment.author)),
    )


def notify_item_merged(*, tenant: Tenant, duplicate: FeedbackItem, actor: User | None) -> None:
    """Queue "merged" mail to the duplicate's reporter and voters; call before votes move.

    The event id is the duplicate's: an item is merged at most once.
    """
    voted = Vote.objects.for_tenant(tenant).filter(item=duplicate, user=OuterRef("pk"))
    wanted = Q(pk=duplicate.reporter_id) | Q(Exists(voted))
    audience = User.objects.for_tenant(tenant).filter(wanted)
    subscriptions = Subscription.objects.for_tenant(tenant).filter(
        item=duplicate, user=OuterRef("pk"), is_active=False
    )
    audience = audience.exclude(Exists(subscriptions))
    if actor is not None:
        audience = audience.exclude(pk=actor.pk)
    audience = _wanting_mail(tenant, audience, reporter_id=duplicate.reporter_id).order_by("pk")
    _enqueue(
        tenant=tenant,
        event_type=Event.MERGED,
        event_id=duplicate.pk,
        item=duplicate,
        recipients=_rows(audience),
    )


def notify_release_published(*, tenant: Tenant, note: ReleaseNote) -> None:
    """Queue one email per voter of the public items the release ships.

    A voter of several shipped items gets one email; someone who unfollowed every
    shipped item they voted for hears nothing.
    """
    shipped = note.items.filter(is_public=True, deleted_at__isnull=True, is_hidden=False)
    following = Subscription.objects.for_tenant(tenant).filter(
        item__in=shipped, user=OuterRef("pk"), is_active=True
    )
    audience = User.objects.for_tenant(tenant).filter(Exists(following))
    audience = _wanting_mail(tenant, audience, reporter_id=None).order_by("pk")
    _enqueue(
        tenant=tenant,
        event_type=Event.RELEASE_PUBLISHED,
        event_id=note.pk,
        item=None,
        recipients=_rows(audience),
    )
