"""Follow, unfollow, and staff recording a customer's vote."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from feedback.services import VotingClosed, vote_record_for_customer
from feedback.subscriptions import item_follow, item_unfollow
from feedback.views import visible_item_or_404
from portal.ratelimit import rate_limited
from tenants.roles import membership_for
from tenants.views import safe_next_url


def _back(request: HttpRequest, key: str) -> HttpResponse:
    return redirect(safe_next_url(request, reverse("item-detail", kwargs={"key": key})))


def _login_first(key: str) -> HttpResponse:
    return redirect(f"{reverse('login')}?next={reverse('item-detail', kwargs={'key': key})}")


@require_POST
@rate_limited("follow", "followed and unfollowed items")
def item_follow_view(request: HttpRequest, key: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login_first(key)
    item = visible_item_or_404(request, key)
    item_follow(tenant=request.tenant, item=item, user=request.user)
    messages.success(request, f"You follow {item.key}: we will email you when it changes.")
    return _back(request, item.key)


@require_POST
@rate_limited("follow", "followed and unfollowed items")
def item_unfollow_view(request: HttpRequest, key: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return _login_first(key)
    item = visible_item_or_404(request, key)
    item_unfollow(tenant=request.tenant, item=item, user=request.user)
    messages.success(request, f"You no longer follow {item.key}.")
    return _back(request, item.key)


class VoteForCustomerForm(forms.Form):
    email = forms.EmailField(label="Customer's email", max_length=254)


@require_POST
def item_vote_for_customer_view(request: HttpRequest, key: str) -> HttpResponse:
    membership = membership_for(request)
    if membership is None or not membership.can_edit:
        raise Http404("No such page.")  # for non-staff the route does not exist
    item = visible_item_or_404(request, key)
    form = VoteForCustomerForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Vote not recorded: {form.errors['email'][0]}")
        return _back(request, item.key)
    email = form.cleaned_data["email"].lower()
    try:
        counted = vote_record_for_customer(
            tenant=request.tenant, item=item, email=email, recorded_by=request.user
        )
    except VotingClosed:
        messages.error(request, f"{item.key} takes no new votes.")
    except ValueError as error:
        messages.error(request, f"Vote not recorded: {error}")
    else:
        if counted:
            messages.success(request, f"Vote recorded for {email}.")
        else:
            messages.info(request, f"{email} had already voted for {item.key}.")
    return _back(request, item.key)
