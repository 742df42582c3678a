"""Resolve request.tenant from the Host header, once, before anything else runs."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.shortcuts import render

from tenants.resolver import resolve_host


class TenantMiddleware:
    """Sets request.tenant (None on the base host) and picks the URLconf for the host.

    Unknown host: a 404 page. Suspended tenant: the "portal paused" page (403).
    There is never a default tenant.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        domain, _port = split_domain_port(request.get_host())
        match = resolve_host(domain)
        request.tenant = match.tenant
        if match.is_platform:
            request.urlconf = settings.PLATFORM_URLCONF
            return self.get_response(request)
        if match.is_unknown:
            return render(request, "tenants/unknown_host.html", {"host": domain}, status=404)
        if not match.tenant.is_active:
            return render(request, "tenants/portal_paused.html", status=403)
        return self.get_response(request)


class RejectNulBytesMiddleware:
    """A NUL byte in the query string is never legitimate and PostgreSQL refuses it in
    text: answer 400 here instead of a database error in whichever view gets it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return render(request, "400.html", status=400)
        return self.get_response(request)


class TenantUserMiddleware:
    """A signed-in user only counts on their own tenant's host (platform users on the base host).

    Session cookies are host-only already; this is the second layer for a copied cookie
    or a custom domain that shares a parent domain.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        tenant = getattr(request, "tenant", None)
        if user.is_authenticated and user.tenant_id != (tenant.pk if tenant else None):
            request.user = AnonymousUser()
        return self.get_response(request)
