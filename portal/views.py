"""Pages of the base host and the small pages every host shares."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import render

from tenants.models import Tenant
from tenants.resolver import tenant_host


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
