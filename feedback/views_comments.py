"""Comments on an item: post, edit within the window, delete (staff)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from feedback.attachments import AttachmentRejected
from feedback.forms import (
    CommentEditForm,
    CommentForm,
)
from feedback.models import Attachment, Comment, FeedbackItem
from feedback.selectors import (
    comment_get_own,
)
from feedback.services import (
    CommentEditWindowClosed,
    comment_delete,
    comment_edit,
    comment_post,
)
from feedback.views import (
    comments_url,
    item_page_response,
    login_to_comment,
    visible_item_or_404,
)
from portal.ratelimit import rate_limited
from tenants.roles import membership_for


@require_POST
@rate_limited("comment", "commented")
def comment_post_view(request: HttpRequest, key: str) -> HttpResponse:
    if not request.user.is_authenticated:
        messages.info(request, "Log in or sign up to comment.")
        return login_to_comment(key)
    item = visible_item_or_404(request, key)
    membership = membership_for(request)
    form = CommentForm(
        request.POST,
        request.FILES,
        is_staff=membership is not None,
        tenant=request.tenant,
        existing_count=Attachment.objects.for_tenant(request.tenant).filter(item=item).count(),
    )
    if not form.is_valid():
        return item_page_response(request, item, form=form, status=400)
    try:
        comment = comment_post(
            tenant=request.tenant,
            item=item,
            author=request.user,
            membership=membership,
            **form.cleaned_data,
        )
    except AttachmentRejected as error:  # e.g. another upload took the last places
        form.add_error("attachments", error.messages)
        return item_page_response(request, item, form=form, status=400)
    messages.success(request, "Internal note added." if comment.is_internal else "Comment posted.")
    return redirect(comments_url(item, f"comment-{comment.pk}"))


def _edit_window_closed(request: HttpRequest, item: FeedbackItem, comment: Comment) -> HttpResponse:
    minutes = settings.FEEDBACK_COMMENT_EDIT_WINDOW_MINUTES
    messages.error(request, f"Comments can be changed for {minutes} minutes after posting.")
    return redirect(comments_url(item, f"comment-{comment.pk}"))


@require_http_methods(["GET", "POST"])
def comment_edit_view(request: HttpRequest, key: str, comment_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_to_comment(key)
    item = visible_item_or_404(request, key)
    is_staff = membership_for(request) is not None
    try:
        comment = comment_get_own(
            tenant=request.tenant,
            item=item,
            author=request.user,
            comment_id=comment_id,
            is_staff=is_staff,
        )
    except Comment.DoesNotExist as error:
        raise Http404("No such comment.") from error
    if timezone.now() > comment.editable_until:
        return _edit_window_closed(request, item, comment)
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            comment_edit(
                tenant=request.tenant,
                item=item,
                author=request.user,
                comment_id=comment.pk,
                body=form.cleaned_data["body"],
                is_staff=is_staff,
            )
        except CommentEditWindowClosed:  # the window closed while the form was open
            return _edit_window_closed(request, item, comment)
        except Comment.DoesNotExist as error:  # deleted by staff meanwhile
            raise Http404("No such comment.") from error
        messages.success(request, "Your comment is updated.")
        return redirect(comments_url(item, f"comment-{comment.pk}"))
    return render(
        request,
        "feedback/comment_edit.html",
        {"item": item, "comment": comment, "form": form},
        status=400 if form.errors else 200,
    )


@require_POST
def comment_delete_view(request: HttpRequest, key: str, comment_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return login_to_comment(key)
    item = visible_item_or_404(request, key)
    try:
        comment_delete(
            tenant=request.tenant,
            item=item,
            comment_id=comment_id,
            membership=membership_for(request),
        )
    except Comment.DoesNotExist as error:
        raise Http404("No such comment.") from error
    messages.success(request, "Comment deleted.")
    return redirect(comments_url(item))
