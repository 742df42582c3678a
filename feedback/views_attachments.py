"""Files on an item: adding more, and serving them safely to those who may see the item."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from feedback.attachments import AttachmentRejected, attachments_add
from feedback.forms import (
    AttachmentAddForm,
)
from feedback.models import Attachment
from feedback.selectors import (
    attachment_get,
)
from feedback.views import (
    item_page_response,
    may_add_attachments,
    number_from_key,
    visible_item_or_404,
)
from portal.ratelimit import rate_limited
from tenants.roles import membership_for


@require_POST
@rate_limited("upload", "uploaded files")
def item_attachments_add_view(request: HttpRequest, key: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={reverse('item-detail', kwargs={'key': key})}")
    item = visible_item_or_404(request, key)
    if not may_add_attachments(request, item):
        raise PermissionDenied("Only the reporter and the team can add files here.")
    form = AttachmentAddForm(
        request.POST,
        request.FILES,
        tenant=request.tenant,
        existing_count=len(item.attachments.all()),
    )
    if form.is_valid():
        try:
            added = attachments_add(
                tenant=request.tenant,
                item=item,
                uploaded_by=request.user,
                files=form.cleaned_data["attachments"],
            )
        except AttachmentRejected as error:  # e.g. a concurrent upload took the last places
            form.add_error("attachments", error.messages)
        else:
            messages.success(request, f"{len(added)} file{'s' if len(added) != 1 else ''} added.")
            return redirect("item-detail", key=item.key)
    return item_page_response(request, item, attachment_form=form)


def _attachment(request: HttpRequest, key: str, pk: int) -> Attachment:
    try:
        return attachment_get(
            tenant=request.tenant,
            viewer=request.user,
            number=number_from_key(request, key),
            pk=pk,
            is_staff=membership_for(request) is not None,
        )
    except Attachment.DoesNotExist as error:
        raise Http404("No such file.") from error


def _file_response(stored: Any, content_type: str, filename: str, inline: bool) -> FileResponse:
    """Serve a stored file with the type we decided; nothing in it may run on our origin."""
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:  # the row outlived its file (restored backup, ops)
        raise Http404("No such file.") from error
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=filename,
        # A plain str: WSGI servers (runserver's wsgiref) reject the TextChoices member.
        content_type=(
            "text/plain; charset=utf-8"
            if content_type == Attachment.ContentType.TEXT
            else str(content_type)
        ),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, max-age=3600"
    return response


def item_attachment_view(request: HttpRequest, key: str, pk: int) -> FileResponse:
    attachment = _attachment(request, key, pk)
    return _file_response(
        attachment.file,
        attachment.content_type,
        attachment.download_name,
        inline=attachment.is_raster_image,
    )


def item_attachment_thumbnail_view(request: HttpRequest, key: str, pk: int) -> FileResponse:
    attachment = _attachment(request, key, pk)
    if not attachment.thumbnail:
        raise Http404("No thumbnail.")
    stem = attachment.download_name.rsplit(".", 1)[0]
    extension = Attachment.EXTENSIONS[attachment.thumbnail_type]
    return _file_response(
        attachment.thumbnail,
        attachment.thumbnail_type,
        f"{stem}-thumbnail{extension}",
        inline=True,
    )
