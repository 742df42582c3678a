"""Public portal pages for feedback: list, detail, submit, vote."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from feedback.forms import ItemSubmitForm
from feedback.models import FeedbackItem
from feedback.selectors import SORT_ORDERINGS, item_get, item_list
from feedback.services import VotingClosed, item_submit, vote_cast, vote_withdraw
from tenants.roles import membership_for
from tenants.views import safe_next_url


def _number_from_key(request: HttpRequest, key: str) -> int:
    """ACME-42 -> 42 on ACME's host; any other prefix is simply not found here."""
    prefix, _, number = key.rpartition("-")
    if prefix != request.tenant.ticket_prefix or not number.isdigit() or len(number) > 9:
        raise Http404("No such item.")
    return int(number)


def _visible_item(request: HttpRequest, key: str) -> FeedbackItem:
    try:
        return item_get(
            tenant=request.tenant,
            viewer=request.user,
            number=_number_from_key(request, key),
            is_staff=membership_for(request) is not None,
        )
    except FeedbackItem.DoesNotExist as error:
        raise Http404("No such item.") from error


def item_list_view(request: HttpRequest) -> HttpResponse:
    sort = request.GET.get("sort", "top")
    if sort not in SORT_ORDERINGS:
        sort = "top"
    kind = request.GET.get("kind", "")
    if kind not in FeedbackItem.Kind.values:
        kind = ""
    items = item_list(
        tenant=request.tenant,
        viewer=request.user,
        sort=sort,
        kind=kind or None,
        is_staff=membership_for(request) is not None,
    )
    page = Paginator(items, settings.FEEDBACK_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "feedback/item_list.html",
        {"page": page, "sort": sort, "kind": kind, "kinds": FeedbackItem.Kind.choices},
    )


def item_detail_view(request: HttpRequest, key: str) -> HttpResponse:
    item = _visible_item(request, key)
    return render(request, "feedback/item_detail.html", {"item": item})


@login_required
def item_submit_view(request: HttpRequest) -> HttpResponse:
    form = ItemSubmitForm(request.POST or None, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        item = item_submit(tenant=request.tenant, reporter=request.user, **form.cleaned_data)
        messages.success(
            request, f"Thank you! Your feedback is {item.key}. Quote it when you contact us."
        )
        return redirect("item-detail", key=item.key)
    return render(
        request, "feedback/item_submit.html", {"form": form}, status=400 if form.errors else 200
    )


def _vote_response(request: HttpRequest, item: FeedbackItem) -> HttpResponse:
    return redirect(safe_next_url(request, reverse("item-detail", kwargs={"key": item.key})))


@require_POST
def item_vote_view(request: HttpRequest, key: str) -> HttpResponse:
    if not request.user.is_authenticated:
        messages.info(request, "Log in or sign up to vote.")
        return redirect(f"{reverse('login')}?next={reverse('item-detail', kwargs={'key': key})}")
    item = _visible_item(request, key)
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
def item_unvote_view(request: HttpRequest, key: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={reverse('item-detail', kwargs={'key': key})}")
    item = _visible_item(request, key)
    if vote_withdraw(tenant=request.tenant, item=item, user=request.user):
        messages.success(request, f"Your vote for {item.key} is withdrawn.")
    return _vote_response(request, item)
