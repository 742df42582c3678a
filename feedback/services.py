"""Writes for feedback: submitting items and casting or withdrawing votes."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F

from feedback.attachments import (
    InspectedFile,
    attachments_inspect,
    attachments_store,
    files_removed_on_failure,
)
from feedback.models import Component, FeedbackItem, StatusChange, TicketCounter, Vote
from feedback.redaction import redact_secrets
from feedback.text import multi_line, single_line
from feedback.workflow import is_allowed
from tenants.models import Tenant, User

# Structured fields a reporter may fill in, by kind of report; free text is redacted.
DETAIL_TEXT_FIELDS = ("steps_to_reproduce", "expected_result", "actual_result", "api_sample")
DETAIL_LINE_FIELDS = ("environment", "api_endpoint", "request_id", "error_code")


class VotingClosed(Exception):
    """The item is closed, declined or a duplicate, so it takes no new votes."""


class TransitionNotAllowed(Exception):
    """The workflow does not lead from the item's status to the requested one."""


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
    **details: object,
) -> FeedbackItem:
    """Create an item with the next ticket key; the reporter's own vote is counted.

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
            **cleaned,
        )
        vote_cast(tenant=tenant, item=item, user=reporter)
        attachments_store(
            tenant=tenant, item=item, uploaded_by=reporter, files=inspected, written=written
        )
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
        FeedbackItem.objects.for_tenant(tenant).filter(pk=item.pk).update(status=to_status)
    item.status = to_status
    return change
