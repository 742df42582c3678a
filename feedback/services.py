"""Writes for feedback: submitting items, casting or withdrawing votes, and comments."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from feedback.models import COMMENT_BODY_MAX_LENGTH, Comment, FeedbackItem, TicketCounter, Vote
from feedback.text import multi_line, single_line
from portal.markdown import render_markdown
from tenants.models import Membership, Tenant, User


class VotingClosed(Exception):
    """The item is closed, declined or a duplicate, so it takes no new votes."""


class CommentNotAllowed(Exception):
    """Only the tenant's staff write internal notes."""


class CommentEditWindowClosed(Exception):
    """The comment is older than FEEDBACK_COMMENT_EDIT_WINDOW_MINUTES, so it stays as it is."""


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


def _comment_body(body: str) -> str:
    body = multi_line(body)
    if not body:
        raise ValueError("A comment needs some text.")
    if len(body) > COMMENT_BODY_MAX_LENGTH:
        raise ValueError(f"A comment has at most {COMMENT_BODY_MAX_LENGTH} characters.")
    return body


def comment_post(
    *,
    tenant: Tenant,
    item: FeedbackItem,
    author: User,
    body: str,
    is_internal: bool = False,
    membership: Membership | None = None,
) -> Comment:
    """Add a comment (Markdown, stored with its sanitized HTML) to an item the author can see.

    Raises CommentNotAllowed for an internal note without a staff `membership` in `tenant`,
    ValueError for an empty or too long body or an item of another tenant.
    """
    if item.tenant_id != tenant.pk or author.tenant_id != tenant.pk:
        raise ValueError("The item and the author must belong to the tenant.")
    if is_internal and (membership is None or membership.tenant_id != tenant.pk):
        raise CommentNotAllowed
    body = _comment_body(body)
    return Comment.objects.create(
        tenant=tenant,
        item=item,
        author=author,
        body=body,
        body_html=render_markdown(body),
        is_internal=is_internal,
    )


def comment_edit(
    *,
    tenant: Tenant,
    item: FeedbackItem,
    author: User,
    comment_id: int,
    body: str,
    is_staff: bool = False,
) -> Comment:
    """Change the author's own comment on `item` inside the edit window, re-rendering it.

    Raises Comment.DoesNotExist for anyone else's comment (or an internal note once the
    author is no longer staff), CommentEditWindowClosed after the window, ValueError for
    an empty or too long body.
    """
    body = _comment_body(body)
    with transaction.atomic():
        comments = Comment.objects.for_tenant(tenant).filter(item=item, author=author)
        if not is_staff:
            comments = comments.filter(is_internal=False)
        comment = comments.select_for_update().get(pk=comment_id)
        now = timezone.now()
        if now > comment.editable_until:
            raise CommentEditWindowClosed
        comment.body = body
        comment.body_html = render_markdown(body)
        comment.edited_at = now
        comment.save(update_fields=["body", "body_html", "edited_at"])
    return comment


def comment_delete(
    *, tenant: Tenant, item: FeedbackItem, comment_id: int, membership: Membership | None
) -> None:
    """Delete a comment or note on `item`; staff who can edit only.

    Raises Comment.DoesNotExist for anyone else (so the caller answers 404, as for a
    comment that is not there) and for a comment of another item or tenant.
    """
    if membership is None or membership.tenant_id != tenant.pk or not membership.can_edit:
        raise Comment.DoesNotExist
    deleted, _ = Comment.objects.for_tenant(tenant).filter(item=item, pk=comment_id).delete()
    if not deleted:
        raise Comment.DoesNotExist
