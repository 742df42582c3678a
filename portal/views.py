"""Pages of the base host and the small pages every host shares."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import render

from feedback.selectors import MY_RELATIONS, items_of_user, roadmap_columns
from tenants.models import Tenant
from tenants.resolver import tenant_host
from tenants.roles import membership_for


def platform_landing_view(request: HttpRequest) -> HttpResponse:
    portals = []
    # Only the local demo lists portals: in production, who uses the platform is private.
    if settings.PORTAL_LIST_TENANTS_ON_LANDING:
        _domain, port = split_domain_port(request.get_host())
        suffix = f":{port}" if port else ""
        portals = [
            (tenant.name, f"{request.scheme}://{tenant_host(tenant)}{suffix}")
            for tenant in Tenant.objects.filter(status=Tenant.Status.ACTIVE)
        ]
    return render(request, "portal/landing.html", {"portals": portals})


def health_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def roadmap_view(request: HttpRequest) -> HttpResponse:
    columns = roadmap_columns(
        tenant=request.tenant, viewer=request.user, is_staff=membership_for(request) is not None
    )
    return render(request, "portal/roadmap.html", {"columns": columns})


@login_required
def my_feedback_view(request: HttpRequest) -> HttpResponse:
    relation = request.GET.get("show", "reported")
    if relation not in MY_RELATIONS:
        relation = "reported"
    items = items_of_user(
        tenant=request.tenant,
        user=request.user,
        relation=relation,
        is_staff=membership_for(request) is not None,
    )
    page = Paginator(items, settings.FEEDBACK_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/my_feedback.html",
        {"page": page, "relation": relation, "relations": MY_RELATIONS},
    )
