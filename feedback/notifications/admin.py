"""Tenant admin: the email delivery log and a "send a test email" page for owners/admins."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from feedback.notifications.delivery import message_deliver
from feedback.notifications.models import OutboundMessage
from tenants.admin_sites import TenantScopedAdmin, tenant_admin_site
from tenants.models import User
from tenants.roles import membership_for

Status = OutboundMessage.Status


class TestEmailForm(forms.Form):
    to_email = forms.EmailField(label="Send to")


@admin.register(OutboundMessage, site=tenant_admin_site)
class OutboundMessageAdmin(TenantScopedAdmin):
    """Read-only: rows change only through delivery."""

    list_display = [
        "created_at",
        "to_email",
        "event_type",
        "item",
        "status",
        "attempts",
        "last_error",
        "sent_at",
    ]
    list_filter = ["status", "event_type"]
    search_fields = ["to_email"]
    list_select_related = ["item__tenant"]
    readonly_fields = [
        "event_type",
        "event_id",
        "channel",
        "item",
        "recipient",
        "to_email",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "sent_at",
    ]
    fields = readonly_fields
    change_list_template = "admin/feedback/outboundmessage/change_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list:
        # Before the defaults, whose "<path:object_id>/" would swallow it.
        return [
            path(
                "send-test/",
                self.admin_site.admin_view(self.send_test_view),
                name="feedback_outboundmessage_send_test",
            ),
            *super().get_urls(),
        ]

    def send_test_view(self, request: HttpRequest) -> HttpResponse:
        membership = membership_for(request)
        if membership is None or not membership.can_manage_tenant:
            raise PermissionDenied
        form = TestEmailForm(request.POST or None, initial={"to_email": request.user.email})
        if request.method == "POST" and form.is_valid():
            message = _test_message_send(request, form.cleaned_data["to_email"])
            if message.status == Status.SENT:
                messages.success(request, f"A test email went out to {message.to_email}.")
            else:
                messages.error(request, f"The test email was not sent. {message.last_error}")
            return redirect("admin:feedback_outboundmessage_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Send a test email",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/feedback/outboundmessage/send_test.html", context)


def _test_message_send(request: HttpRequest, to_email: str) -> OutboundMessage:
    """Send now, in the request, so the admin sees the mail server's answer at once."""
    tenant = request.tenant
    recipient = User.objects.for_tenant(tenant).filter(email__iexact=to_email).first()
    event_id = uuid.uuid4().hex
    message = OutboundMessage.objects.create(
        tenant=tenant,
        event_type=OutboundMessage.Event.TEST,
        event_id=event_id,
        dedup_key=OutboundMessage.key_for(OutboundMessage.Event.TEST, event_id, to_email),
        recipient=recipient,
        to_email=to_email,
    )
    message_deliver(tenant_id=tenant.pk, message_id=message.pk)
    message.refresh_from_db()
    if message.status == Status.PENDING:
        # A transient error: one try is enough for a test, the log keeps the words.
        OutboundMessage.objects.for_tenant(tenant).filter(pk=message.pk).update(
            status=Status.FAILED
        )
        message.status = Status.FAILED
    return message
