"""Rendering an outbox row into a branded email (text and HTML) with safe headers."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from feedback.models import Comment, FeedbackItem, ReleaseNote, StatusChange, SurveyInvite, Vote
from feedback.notifications.headers import address_header, from_address, header_text
from feedback.notifications.models import OutboundMessage
from feedback.notifications.tokens import (
    confirmation_token_make,
    survey_token_make,
    unsubscribe_token_make,
)
from tenants.resolver import tenant_base_url

Event = OutboundMessage.Event


class EventGone(Exception):
    """What the email was about no longer exists (deleted item or comment)."""


def _absolute(tenant: Any, path: str) -> str:
    return tenant_base_url(tenant) + path


def _item_url(item: FeedbackItem) -> str:
    return _absolute(item.tenant, reverse("item-detail", kwargs={"key": item.key}))


def _context(message: OutboundMessage) -> tuple[str, dict[str, Any]]:
    """The subject and template context of `message`, read fresh from the database."""
    tenant = message.tenant
    item = message.item
    if message.event_type == Event.TEST:
        return f"Test email from {tenant.name}", {}
    if message.event_type == Event.RELEASE_PUBLISHED:
        return _release_context(message)
    if item is None:
        raise EventGone("The item was deleted before the email went out.")
    title = header_text(item.title)
    context: dict[str, Any] = {"item": item, "item_url": _item_url(item)}
    if message.event_type == Event.CONFIRM_SUBMISSION:
        token = confirmation_token_make(item=item)
        context["confirm_url"] = _absolute(tenant, reverse("item-confirm", kwargs={"token": token}))
        return f"[{item.key}] Please confirm your feedback: {title}", context
    if message.event_type == Event.ACKNOWLEDGMENT:
        return f"[{item.key}] We received your feedback: {title}", context
    if message.event_type == Event.STATUS_CHANGED:
        change = StatusChange.objects.for_tenant(tenant).filter(pk=message.event_id).first()
        if change is None:
            raise EventGone("The status change no longer exists.")
        label = change.get_to_status_display()
        context["change"] = change
        return f"[{item.key}] Status changed to {label}: {title}", context
    if message.event_type == Event.STAFF_REPLY:
        # Only public replies are ever queued; the filter keeps a note that was made
        # internal afterwards out of the mail too (BC-06).
        comment = (
            Comment.objects.for_tenant(tenant)
            .filter(pk=message.event_id, is_internal=False)
            .select_related("author")
            .first()
        )
        if comment is None:
            raise EventGone("The reply was deleted or made internal before the email went out.")
        context["comment"] = comment
        return f"[{item.key}] New reply from {tenant.name}: {title}", context
    if message.event_type == Event.CSAT_SURVEY:
        return _survey_context(message, item, context)
    if message.event_type == Event.MERGED:
        canonical = item.duplicate_of
        if canonical is None:
            raise EventGone("The item is no longer merged.")
        context.update(canonical=canonical, canonical_url=_item_url(canonical))
        return f"[{item.key}] Merged into {canonical.key}: {title}", context
    raise EventGone(f"Unknown event {message.event_type!r}.")


def _survey_context(
    message: OutboundMessage, item: FeedbackItem, context: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """Five one-click score links, each signed for this invitation and score."""
    invite = (
        SurveyInvite.objects.for_tenant(message.tenant)
        .filter(pk=message.event_id)
        .exclude(status=SurveyInvite.Status.CANCELLED)
        .first()
    )
    if invite is None:
        raise EventGone("The survey was cancelled before the email went out.")
    if item.status not in {FeedbackItem.Status.RESOLVED, FeedbackItem.Status.CLOSED}:
        raise EventGone("The item was reopened before the survey went out.")
    context["score_links"] = [
        (
            score,
            _absolute(
                message.tenant,
                reverse(
                    "survey-answer", kwargs={"token": survey_token_make(invite=invite, score=score)}
                ),
            ),
        )
        for score in range(1, 6)
    ]
    return f"How did we handle {item.key}?", context


def _release_context(message: OutboundMessage) -> tuple[str, dict[str, Any]]:
    """The release and the shipped items this recipient voted for."""
    tenant = message.tenant
    note = (
        ReleaseNote.objects.for_tenant(tenant)
        .filter(pk=message.event_id, published_at__isnull=False)
        .first()
    )
    if note is None:
        raise EventGone("The release note is no longer published.")
    voted = Vote.objects.for_tenant(tenant).filter(user_id=message.recipient_id)
    items = list(
        note.items.filter(
            is_public=True,
            deleted_at__isnull=True,
            is_hidden=False,
            pk__in=voted.values("item"),
        )
        .select_related("tenant")
        .order_by("number")
    )
    context = {
        "note": note,
        "note_url": _absolute(tenant, reverse("release-detail", kwargs={"slug": note.slug})),
        "shipped": [(item, _item_url(item)) for item in items],
    }
    return f"{header_text(note.title)}: shipped what you voted for", context


def email_build(message: OutboundMessage) -> EmailMultiAlternatives:
    """The email for `message`; every header value goes through header_text."""
    tenant = message.tenant
    subject, context = _context(message)
    base_url = tenant_base_url(tenant)
    context.update(
        tenant=tenant,
        brand_color=tenant.brand_color,
        logo_url=base_url + tenant.logo.url if tenant.logo else "",
        portal_url=base_url + "/",
        preferences_url=_absolute(tenant, reverse("notification-preferences")),
        unsubscribe_url="",
    )
    headers: dict[str, str] = {}
    if message.recipient_id is not None:
        token = unsubscribe_token_make(tenant=tenant, user=message.recipient)
        url = _absolute(tenant, reverse("notification-unsubscribe", kwargs={"token": token}))
        context["unsubscribe_url"] = url
        targets = [f"<{url}>"]
        if tenant.reply_to_email:
            # Only where a person reads the mailbox: a mailto to a no-reply address is a lie.
            mailto = f"mailto:{header_text(tenant.reply_to_email)}?subject=unsubscribe"
            targets.append(f"<{mailto}>")
        headers["List-Unsubscribe"] = ", ".join(targets)
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    template = f"emails/{message.event_type}"
    email = EmailMultiAlternatives(
        subject=header_text(subject),
        body=render_to_string(f"{template}.txt", context),
        from_email=from_address(tenant.name, settings.DEFAULT_FROM_EMAIL),
        to=[address_header(_recipient_name(message), message.to_email)],
        reply_to=[header_text(tenant.reply_to_email)] if tenant.reply_to_email else None,
        headers={**headers, "Auto-Submitted": "auto-generated"},
    )
    email.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return email


def _recipient_name(message: OutboundMessage) -> str:
    return message.recipient.display_name if message.recipient_id is not None else ""
