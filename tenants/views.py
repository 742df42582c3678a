"""Sign up, log in and log out on a tenant's portal."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from portal.ratelimit import check_limits, rate_limited, too_many_requests
from tenants.forms import EmailLoginForm, SignUpForm
from tenants.services import EmailAlreadyRegistered, user_register


def safe_next_url(request: HttpRequest, fallback: str = "/") -> str:
    """The `next` parameter if it stays on this host and scheme, otherwise `fallback`."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback


class PortalLoginView(LoginView):
    template_name = "tenants/login.html"
    authentication_form = EmailLoginForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Per IP and per account, so neither many accounts from one place nor one
        # account from many places can be guessed at speed (BC-17).
        account = request.POST.get("username", "")
        retry_after = check_limits(request, "login", account=account, count=False)
        if retry_after is not None:
            return too_many_requests(request, retry_after, "tried to log in")
        response = super().post(request, *args, **kwargs)
        if response.status_code != 302:  # only failed attempts count
            check_limits(request, "login", account=account)
        return response

    def get_success_url(self) -> str:
        # A `next` that points back at the login page would loop for a signed-in user.
        url = super().get_success_url()
        return "/" if url.split("?")[0] == self.request.path else url


class PortalLogoutView(LogoutView):
    pass


@rate_limited("signup", "created accounts")
def signup_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        target = safe_next_url(request)
        return redirect("/" if target.split("?")[0] == request.path else target)
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_register(
                tenant=request.tenant,
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                display_name=form.cleaned_data["display_name"],
            )
        except EmailAlreadyRegistered:
            form.add_error(
                "email",
                "An account with this email already exists here. Log in, or use "
                "“Forgot your password” to set one by email.",
            )
        else:
            login(request, user, backend="tenants.auth.TenantEmailBackend")
            messages.success(request, f"Welcome to {request.tenant.name}! You are signed in.")
            return redirect(safe_next_url(request))
    return render(
        request, "tenants/signup.html", {"form": form, "next": safe_next_url(request, "")}
    )
