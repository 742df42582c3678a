"""Password reset inside the host's tenant; also how a passwordless account is claimed.

Accounts made by an anonymous submission or a vote recorded by staff have no password;
a reset link sets the first one. The answer never tells whether an address has an
account: the same "check your email" page follows every request.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse, reverse_lazy
from django.utils.http import urlsafe_base64_decode

from portal.ratelimit import check_limits, too_many_requests
from tenants.models import Tenant, User


class TenantPasswordResetForm(PasswordResetForm):
    def __init__(self, *args: Any, tenant: Tenant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def get_users(self, email: str) -> Iterator[User]:
        # Only this portal's accounts; passwordless ones included, so they can be claimed.
        yield from User.objects.for_tenant(self.tenant).filter(
            email__iexact=email.strip(), is_active=True
        )


class PortalPasswordResetView(auth_views.PasswordResetView):
    form_class = TenantPasswordResetForm
    template_name = "tenants/password_reset_form.html"
    email_template_name = "emails/password_reset.txt"
    html_email_template_name = "emails/password_reset.html"
    subject_template_name = "emails/password_reset_subject.txt"
    success_url = reverse_lazy("password-reset-sent")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "tenant": self.request.tenant}

    def form_valid(self, form: TenantPasswordResetForm) -> HttpResponse:
        tenant = self.request.tenant
        base = f"{self.request.scheme}://{self.request.get_host()}"
        # The same branded layout as every other email (templates/emails/base.html).
        self.extra_email_context = {
            "tenant": tenant,
            "brand_color": tenant.brand_color,
            "logo_url": base + tenant.logo.url if tenant.logo else "",
            "portal_url": base + "/",
            "preferences_url": base + reverse("notification-preferences"),
        }
        return super().form_valid(form)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        retry_after = check_limits(request, "password_reset", account=request.POST.get("email", ""))
        if retry_after is not None:
            return too_many_requests(request, retry_after, "asked for password links")
        return super().post(request, *args, **kwargs)


class PortalPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "tenants/password_reset_confirm.html"
    success_url = reverse_lazy("password-reset-complete")
    post_reset_login = True
    post_reset_login_backend = "tenants.auth.TenantEmailBackend"

    def get_user(self, uidb64: str) -> User | None:
        # Looked up inside the host's tenant: another portal's link is simply invalid.
        try:
            pk = urlsafe_base64_decode(uidb64).decode()
            return User.objects.for_tenant(self.request.tenant).get(pk=pk)
        except (TypeError, ValueError, OverflowError, User.DoesNotExist, UnicodeDecodeError):
            return None
