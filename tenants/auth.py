"""Authentication inside the tenant of the request's host."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from tenants.models import User


class TenantEmailBackend(ModelBackend):
    """Email + password, looked up only among the users of request.tenant.

    On the base host (no tenant) only platform accounts can sign in.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        email: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        address = (email or username or kwargs.get(User.USERNAME_FIELD) or "").strip()
        if not address or password is None:
            return None
        tenant = getattr(request, "tenant", None)
        user = User.objects.for_tenant(tenant).filter(email__iexact=address).first()
        if user is None:
            # Spend the same hashing time as a real check, so timing does not reveal accounts.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
