"""Writes for feedback: submitting items, casting or withdrawing votes, and comments."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from feedback.attachments import (
    InspectedFile,
    attachments_inspect,
    attachments_store,
    files_removed_on_failure,
)
from feedback.models import (
    COMMENT_BODY_MAX_LENGTH,
    Attachment,
    Comment,
    Component,
    FeedbackItem,
    StatusChange,
    Subscription,
    TicketCounter,
    Vote,
)
from feedback.notifications.outbox import (
    notify_comment_posted,
    notify_confirmation_requested,
    notify_item_submitted,
    notify_status_changed,
)
from feedback.redaction import redact_secrets
from feedback.subscriptions import subscription_ensure
from feedback.surveys import csat_schedule, surveys_cancel_for_item
from feedback.workflow import is_allowed
from portal.markdown import render_markdown
from portal.text import multi_line, single_line
from tenants.models import Membership, Tenant, User
from tenants.services import user_for_email

# Structured fields a reporter may fill in, by kind of report; free text is redacted.
DETAIL_TEXT_FIELDS = ("steps_to_reproduce", "expected_result", "actual_result", "api_sample")
DETAIL_LINE_FIELDS = ("environment", "api_endpoint", "request_id", "error_code")


class VotingClosed(Exception):
    """The item is closed, declined or a duplicate, so it takes no new votes."""


class TransitionNotAllowed(Exception):
    """The workflow does not lead from the item's status to the requested one."""


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


def _clean_details(details: dict[str, object]) -> dict[str, object]:
    cleaned: dict[str, object] = {}
    for field, value in details.items():
        if field in DETAIL_TEXT_FIELDS:
            cleaned[field] = redact_secrets(multi_line(str(value or "")))
        elif field in DETAIL_LINE_FIELDS:
            cleaned[field] = redact_secrets(single_line(str(value or "")))
        elif field == "http_method":
            method = str(value or "").upper()
            if method and method not in FeedbackItem.HttpMethod.values:
                raise ValueError(f"Unknown HTTP method {method!r}.")
            cleaned[field] = method
        elif field == "http_status":
            if value in (None, ""):
                cleaned[field] = None
            elif not (isinstance(value, int) and 100 <= value <= 599):
                raise ValueError("HTTP status codes run from 100 to 599.")
            else:
                cleaned[field] = value
        elif field == "impact":
            if value and value not in FeedbackItem.Impact.values:
                raise ValueError(f"Unknown impact {value!r}.")
            cleaned[field] = value or ""
        else:
            raise ValueError(f"Unknown detail {field!r}.")
    return cleaned


def item_submit(
    *,
    tenant: Tenant,
    reporter: User,
    kind: str,
    title: str,
    description: str = "",
    component: Component | None = None,
    attachments: Sequence[UploadedFile | InspectedFile] = (),
    awaiting_confirmation: bool = False,
    **details: object,
) -> FeedbackItem:
    """Create an item with the next ticket key; the reporter's own vote is counted.

    With `awaiting_confirmation` (anonymous submissions) the item stays off the portal
    and the reporter is mailed a confirmation link instead of the acknowledgment.

    Secrets in the text are masked before storing; security reports are always private.
    Attachments are inspected before anything is written and stored with the item, all
    or nothing. Raises ValueError for an unknown kind, an empty title, a component of
    another tenant or an invalid detail (forms and the API validate first, this is the
    last line), and AttachmentRejected for a refused file.
    """
    if kind not in FeedbackItem.Kind.values:
        raise ValueError(f"Unknown kind {kind!r}.")
    title = redact_secrets(single_line(title))
    if not title:
        raise ValueError("A title is required.")
    if reporter.tenant_id != tenant.pk:
        raise ValueError("The reporter must be a user of the tenant.")
    if component is not None and component.tenant_id != tenant.pk:
        raise ValueError("Unknown component.")
    cleaned = _clean_details(details)
    inspected = attachments_inspect(tenant=tenant, files=attachments)
    with files_removed_on_failure() as written, transaction.atomic():
        item = FeedbackItem.objects.create(
            tenant=tenant,
            number=ticket_number_next(tenant=tenant),
            kind=kind,
            title=title,
            description=redact_secrets(multi_line(description)),
            reporter=reporter,
            component=component,
            is_public=kind != FeedbackItem.Kind.SECURITY,
            awaiting_confirmation=awaiting_confirmation,
            **cleaned,
        )
        vote_cast(tenant=tenant, item=item, user=reporter)
        attachments_store(
            tenant=tenant, item=item, uploaded_by=reporter, files=inspected, written=written
        )
        if awaiting_confirmation:
            notify_confirmation_requested(tenant=tenant, item=item)
        else:
            notify_item_submitted(tenant=tenant, item=item)
    item.refresh_from_db(fields=["vote_count"])
    return item


def vote_cast(
    *, tenant: Tenant, item: FeedbackItem, user: User, recorded_by: User | None = None
) -> bool:
    """Record `user`'s vote on `item` and subscribe them; True if it counted now.

    The unique constraint decides between concurrent duplicate votes; the count moves
    only together with an inserted row, so it stays exact. `recorded_by` is the staff
    member who recorded it for a customer. Raises VotingClosed, ValueError for an item
    or user of another tenant.
    """
    if item.tenant_id != tenant.pk or user.tenant_id != tenant.pk:
        raise ValueError("The item and the voter must belong to the tenant.")
    if not item.is_voting_open:
        raise VotingClosed(item.status)
    with transaction.atomic():
        if Vote.objects.for_tenant(tenant).filter(item=item, user=user).exists():
            return False
        try:
            with transaction.atomic():
                Vote.objects.create(tenant=tenant, item=item, user=user, recorded_by=recorded_by)
        except IntegrityError:  # a concurrent request recorded the same vote
            return False
        FeedbackItem.objects.for_tenant(tenant).filter(pk=item.pk).update(
            vote_count=F("vote_count") + 1
        )
        reason = (
            Subscription.Reason.REPORTER
            if user.pk == item.reporter_id
            else Subscription.Reason.VOTER
        )
        subscription_ensure(tenant=tenant, item=item, user=user, reason=reason)
    return True


def vote_record_for_customer(
    *, tenant: Tenant, item: FeedbackItem, email: str, recorded_by: User
) -> bool:
    """Staff record a customer's vote by email, creating a passwordless account if needed.

    True if the vote counted now. Raises ValueError for an invalid address,
    VotingClosed as vote_cast does.
    """
    with transaction.atomic():
        customer = user_for_email(tenant=tenant, email=email)
        return vote_cast(tenant=tenant, item=item, user=customer, recorded_by=recorded_by)


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


def item_change_status(
    *, tenant: Tenant, item: FeedbackItem, actor: User | None, to_status: str, message: str = ""
) -> StatusChange:
    """Move `item` along the workflow and record who, when, from, to and the public message.

    Raises TransitionNotAllowed when the workflow has no such step (duplicate is reached
    only by merging). The item row is locked so two staff cannot both move it from the
    same status.
    """
    with transaction.atomic():
        locked = FeedbackItem.objects.for_tenant(tenant).select_for_update().get(pk=item.pk)
        if not is_allowed(locked.status, to_status):
            raise TransitionNotAllowed(f"{locked.status} -> {to_status}")
        change = StatusChange.objects.create(
            tenant=tenant,
            item=locked,
            actor=actor,
            from_status=locked.status,
            to_status=to_status,
            message=multi_line(message),
        )
        FeedbackItem.objects.for_tenant(tenant).filter(pk=item.pk).update(
            status=to_status, status_changed_at=change.created_at
        )
        notify_status_changed(tenant=tenant, item=locked, change=change)
        if to_status == FeedbackItem.Status.RESOLVED:
            csat_schedule(tenant=tenant, item=locked)
        elif to_status != FeedbackItem.Status.CLOSED:
            surveys_cancel_for_item(tenant=tenant, item=locked)  # reopened before the survey
    item.status = to_status
    item.status_changed_at = change.created_at
    return change


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
    attachments: Sequence[UploadedFile | InspectedFile] = (),
) -> Comment:
    """Add a comment (Markdown, stored with its sanitized HTML) to an item the author can see.

    Files come with it all or nothing, counted against the item's limit. Raises
    CommentNotAllowed for an internal note without a staff `membership` in `tenant`,
    ValueError for an empty or too long body or an item of another tenant, and
    AttachmentRejected for a refused file.
    """
    if item.tenant_id != tenant.pk or author.tenant_id != tenant.pk:
        raise ValueError("The item and the author must belong to the tenant.")
    if is_internal and (membership is None or membership.tenant_id != tenant.pk):
        raise CommentNotAllowed
    body = _comment_body(body)
    existing = Attachment.objects.for_tenant(tenant).filter(item=item).count()
    inspected = attachments_inspect(tenant=tenant, files=attachments, existing_count=existing)
    with files_removed_on_failure() as written, transaction.atomic():
        comment = Comment.objects.create(
            tenant=tenant,
            item=item,
            author=author,
            body=body,
            body_html=render_markdown(body),
            is_internal=is_internal,
        )
        attachments_store(
            tenant=tenant,
            item=item,
            uploaded_by=author,
            files=inspected,
            written=written,
            comment=comment,
        )
        notify_comment_posted(tenant=tenant, comment=comment, membership=membership)
    return comment


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
