"""Similar-item suggestions while typing a title, and "me too" on integration problems."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from feedback.affected import affected_report_record
from feedback.forms import AffectedReportForm
from feedback.models import FeedbackItem
from feedback.services import VotingClosed
from feedback.similarity import items_similar
from feedback.views import visible_item_or_404
from portal.ratelimit import rate_limited
from tenants.roles import membership_for


@require_GET
@never_cache  # the answer depends on who asks (private items of their own, staff)
def item_similar_view(request: HttpRequest) -> HttpResponse:
    """An HTML fragment for htmx: up to five visible items whose titles resemble ?title=."""
    kind = request.GET.get("kind", "")
    suggestions = items_similar(
        tenant=request.tenant,
        viewer=request.user,
        title=request.GET.get("title", ""),
        kind=kind if kind in FeedbackItem.Kind.values else "",
        is_staff=membership_for(request) is not None,
    )
    return render(request, "feedback/includes/similar_items.html", {"suggestions": suggestions})


@require_POST
@rate_limited("vote", "reported being affected")
def item_affected_view(request: HttpRequest, key: str) -> HttpResponse:
    """ "Me too" on an integration item: record the report and the reporter's vote."""
    detail_url = reverse("item-detail", kwargs={"key": key})
    if not request.user.is_authenticated:
        messages.info(request, "Log in or sign up to tell us this affects you too.")
        return redirect(f"{reverse('login')}?next={detail_url}")
    item = visible_item_or_404(request, key)
    if item.kind != FeedbackItem.Kind.INTEGRATION:
        raise Http404("Only integration problems collect affected reports.")
    form = AffectedReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Please check the request id and app: they are too long.")
        return redirect(f"{detail_url}#affected")
    try:
        _, created = affected_report_record(
            tenant=request.tenant, item=item, reporter=request.user, **form.cleaned_data
        )
    except VotingClosed:
        messages.error(
            request, f"{item.key} is {item.get_status_display().lower()}; it takes no reports."
        )
        return redirect(detail_url)
    if created:
        messages.success(
            request, f"Thanks: {item.key} now counts you as affected, and your vote is counted."
        )
    else:
        messages.info(request, f"Your report on {item.key} is updated.")
    return redirect(f"{detail_url}#affected")
