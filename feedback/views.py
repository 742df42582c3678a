"""Public portal pages for feedback: list, detail, submit, vote, comment."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from feedback.affected import affected_report_of, affected_summary, open_items_on_api_surface
from feedback.anonymous import item_confirm, item_submit_anonymous
from feedback.attachments import MAX_FILES_PER_ITEM, AttachmentRejected
from feedback.forms import (
    KIND_CHOOSER,
    AffectedReportForm,
    AnonymousItemSubmitForm,
    AttachmentAddForm,
    CommentForm,
    ItemSubmitForm,
)
from feedback.keys import number_from_url_key
from feedback.models import FeedbackItem
from feedback.notifications.tokens import TokenInvalid, confirmation_token_read
from feedback.selectors import (
    SORT_ORDERINGS,
    comment_thread,
    item_get,
    item_list,
    tag_get,
    tags_in_use,
)
from feedback.services import (
    VotingClosed,
    item_submit,
    vote_cast,
    vote_withdraw,
)
from portal.ratelimit import check_limits, rate_limited, too_many_requests
from portal.text import single_line
from tenants.roles import membership_for
from tenants.views import safe_next_url


def number_from_key(request: HttpRequest, key: str) -> int:
    """ACME-42 -> 42 on ACME's host; any other prefix is simply not found here."""
    number = number_from_url_key(key, request.tenant.ticket_prefix)
    if number is None:
        raise Http404("No such item.")
    return number


def visible_item_or_404(request: HttpRequest, key: str) -> FeedbackItem:
    try:
        return item_get(
            tenant=request.tenant,
            viewer=request.user,
            number=number_from_key(request, key),
            is_staff=membership_for(request) is not None,
        )
    except FeedbackItem.DoesNotExist as error:
        raise Http404("No such item.") from error


def _choice(value: str, allowed: list[str]) -> str:
    """Unknown filter values fall back to "no filter" instead of an error page."""
    return value if value in allowed else ""


def item_list_view(request: HttpRequest) -> HttpResponse:
    sort = _choice(request.GET.get("sort", ""), list(SORT_ORDERINGS)) or "top"
    kind = _choice(request.GET.get("kind", ""), FeedbackItem.Kind.values)
    status = _choice(request.GET.get("status", ""), FeedbackItem.Status.values)
    tag = tag_get(tenant=request.tenant, slug=request.GET.get("tag", "")[:40])
    text = single_line(request.GET.get("q", "").replace("\x00", ""))[:200]
    items = item_list(
        tenant=request.tenant,
        viewer=request.user,
        sort=sort,
        kind=kind or None,
        status=status or None,
        tag=tag,
        text=text,
        is_staff=membership_for(request) is not None,
    )
    page = Paginator(items, settings.FEEDBACK_PAGE_SIZE).get_page(request.GET.get("page"))
    filters = {
        "sort": sort,
        "kind": kind,
        "status": status,
        "tag": tag.slug if tag else "",
        "q": text,
    }
    return render(
        request,
        "feedback/item_list.html",
        {
            "page": page,
            **filters,
            "query_string": urlencode({k: v for k, v in filters.items() if v}),
            "filter_query": urlencode({k: v for k, v in filters.items() if v and k != "sort"}),
            "kinds": FeedbackItem.Kind.choices,
            "statuses": [
                (s, label) for s, label in FeedbackItem.Status.choices if s != "duplicate"
            ],
            "tags": tags_in_use(tenant=request.tenant),
        },
    )


def may_add_attachments(request: HttpRequest, item: FeedbackItem) -> bool:
    """The reporter and the tenant's staff (except viewers) may add files to an item."""
    if not request.user.is_authenticated:
        return False
    membership = membership_for(request)
    return item.reporter_id == request.user.pk or (membership is not None and membership.can_edit)


def item_page_response(
    request: HttpRequest,
    item: FeedbackItem,
    form: CommentForm | None = None,
    attachment_form: AttachmentAddForm | None = None,
    status: int = 200,
) -> HttpResponse:
    membership = membership_for(request)
    comments = comment_thread(
        tenant=request.tenant, item=item, viewer=request.user, is_staff=membership is not None
    )
    if form is None and request.user.is_authenticated:
        form = CommentForm(
            is_staff=membership is not None,
            tenant=request.tenant,
            existing_count=len(item.attachments.all()),
        )
    attachments = list(item.attachments.all())  # prefetched by item_get
    if attachment_form is None and may_add_attachments(request, item):
        attachment_form = AttachmentAddForm(tenant=request.tenant, existing_count=len(attachments))
    elif attachment_form is not None and attachment_form.errors:
        status = 400
    context = {
        "item": item,
        "comments": comments,
        "comment_form": form,
        "can_delete_comments": membership is not None and membership.can_edit,
        "attachments": attachments,
        "attachment_form": attachment_form,
        "attachments_full": len(attachments) >= MAX_FILES_PER_ITEM,
    }
    if item.kind == FeedbackItem.Kind.INTEGRATION:
        context.update(_affected_context(request, item))
    return render(request, "feedback/item_detail.html", context, status=status)


def _affected_context(request: HttpRequest, item: FeedbackItem) -> dict[str, object]:
    """ "N developers and M apps affected", and the viewer's "me too" form (pre-filled)."""
    own = affected_report_of(tenant=request.tenant, item=item, reporter=request.user)
    initial = {"app_name": own.app_name, "app_version": own.app_version} if own else {}
    return {
        "affected": affected_summary(tenant=request.tenant, item=item),
        "own_affected_report": own,
        "affected_form": AffectedReportForm(initial=initial, auto_id="affected_%s"),
    }


def login_to_comment(key: str) -> HttpResponse:
    return redirect(f"{reverse('login')}?next={reverse('item-detail', kwargs={'key': key})}")


def comments_url(item: FeedbackItem, anchor: str = "comments") -> str:
    return f"{reverse('item-detail', kwargs={'key': item.key})}#{anchor}"


def item_detail_view(request: HttpRequest, key: str) -> HttpResponse:
    item = visible_item_or_404(request, key)
    if item.status == FeedbackItem.Status.DUPLICATE and item.duplicate_of_id:
        canonical = item.duplicate_of
        messages.info(request, f"{item.key} was merged into {canonical.key}.")
        return redirect("item-detail", key=canonical.key)
    return item_page_response(request, item)


@rate_limited("submit", "submitted feedback")
def item_submit_view(request: HttpRequest) -> HttpResponse:
    is_anonymous = not request.user.is_authenticated
    if is_anonymous and not request.tenant.allow_anonymous_feedback:
        return redirect_to_login(request.get_full_path())
    kind = request.POST.get("kind") or request.GET.get("kind") or ""
    if kind not in FeedbackItem.Kind.values:
        # First step: what kind of feedback is it? Each kind has its own form.
        return render(request, "feedback/item_kind_chooser.html", {"choices": KIND_CHOOSER})
    form_class = AnonymousItemSubmitForm if is_anonymous else ItemSubmitForm
    form = form_class(request.POST or None, request.FILES or None, tenant=request.tenant, kind=kind)
    cluster: list[FeedbackItem] = []
    if request.method == "POST" and form.is_valid():
        if kind == FeedbackItem.Kind.INTEGRATION and request.POST.get("confirm_new") != "1":
            # The same failing call is already reported: offer to join it first.
            cluster = list(_open_items_on_same_call(request, form))
        if not cluster and is_anonymous:
            return _submit_anonymously(request, form)
        if not cluster:
            try:
                item = item_submit(
                    tenant=request.tenant, reporter=request.user, **form.submission()
                )
            except AttachmentRejected as error:
                form.add_error("attachments", error.messages)
            else:
                messages.success(
                    request,
                    f"Thank you! Your feedback is {item.key}. Quote it when you contact us.",
                )
                return redirect("item-detail", key=item.key)
    kind_label = FeedbackItem.Kind(kind).label
    return render(
        request,
        "feedback/item_submit.html",
        {"form": form, "kind": kind, "kind_label": kind_label, "cluster": cluster},
        status=400 if form.errors else 200,
    )


def _submit_anonymously(request: HttpRequest, form: AnonymousItemSubmitForm) -> HttpResponse:
    # Per address too: the form must not become a way to mail anyone over and over.
    retry_after = check_limits(request, "anonymous_submit", account=form.cleaned_data["email"])
    if retry_after is not None:
        return too_many_requests(request, retry_after, "submitted feedback for this address")
    try:
        item = item_submit_anonymous(
            tenant=request.tenant, email=form.cleaned_data["email"], **form.submission()
        )
    except (AttachmentRejected, ValueError) as error:
        messages_list = getattr(error, "messages", [str(error)])
        form.add_error(
            "attachments" if isinstance(error, AttachmentRejected) else "email", messages_list
        )
        kind_label = FeedbackItem.Kind(form.kind).label
        return render(
            request,
            "feedback/item_submit.html",
            {"form": form, "kind": form.kind, "kind_label": kind_label, "cluster": []},
            status=400,
        )
    return render(
        request,
        "feedback/item_check_email.html",
        {"item": item, "email": form.cleaned_data["email"]},
    )


@require_http_methods(["GET", "POST"])
@rate_limited("submit", "confirmed submissions")
def item_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners open links); only the POST publishes."""
    try:
        claim = confirmation_token_read(token)
    except TokenInvalid:
        claim = None
    if claim is None:
        return render(request, "feedback/item_confirm_invalid.html", status=400)
    if claim.tenant_id != request.tenant.pk:
        raise Http404("No such submission here.")  # another portal's link
    if request.method == "GET":
        return render(request, "feedback/item_confirm.html", {"token": token})
    try:
        item, first_time = item_confirm(tenant=request.tenant, token=token)
    except (TokenInvalid, FeedbackItem.DoesNotExist):
        return render(request, "feedback/item_confirm_invalid.html", status=400)
    if not item.is_public and not request.user.is_authenticated:
        # A confirmed security report stays private: there is no public page to show.
        return render(request, "feedback/item_confirmed_private.html", {"item": item})
    if first_time:
        messages.success(request, f"Thank you! {item.key} is published. We will keep you posted.")
    else:
        messages.info(request, f"{item.key} was already confirmed.")
    return redirect("item-detail", key=item.key)


def _open_items_on_same_call(request: HttpRequest, form: ItemSubmitForm) -> QuerySet[FeedbackItem]:
    data = form.cleaned_data
    return open_items_on_api_surface(
        tenant=request.tenant,
        viewer=request.user,
        api_endpoint=data.get("api_endpoint", ""),
        http_method=data.get("http_method", ""),
        http_status=data.get("http_status"),
        error_code=data.get("error_code", ""),
        is_staff=membership_for(request) is not None,
    )


def _vote_response(request: HttpRequest, item: FeedbackItem) -> HttpResponse:
    return redirect(safe_next_url(request, reverse("item-detail", kwargs={"key": item.key})))


@require_POST
@rate_limited("vote", "voted")
def item_vote_view(request: HttpRequest, key: str) -> HttpResponse:
    if not request.user.is_authenticated:
        messages.info(request, "Log in or sign up to vote.")
        return redirect(f"{reverse('login')}?next={reverse('item-detail', kwargs={'key': key})}")
    item = visible_item_or_404(request, key)
    try:
        counted = vote_cast(tenant=request.tenant, item=item, user=request.user)
    except VotingClosed:
        messages.error(
            request, f"{item.key} is {item.get_status_display().lower()}; voting is closed."
        )
        return _vote_response(request, item)
    if counted:
        messages.success(request, f"Your vote for {item.key} is counted. We will keep you posted.")
    else:
        messages.info(request, f"You had already voted for {item.key}.")
    return _vote_response(request, item)


@require_POST
@rate_limited("vote", "voted")
def item_unvote_view(request: HttpRequest, key: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={reverse('item-detail', kwargs={'key': key})}")
    item = visible_item_or_404(request, key)
    if vote_withdraw(tenant=request.tenant, item=item, user=request.user):
        messages.success(request, f"Your vote for {item.key} is withdrawn.")
    return _vote_response(request, item)
