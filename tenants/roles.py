"""Who may do what inside the request's tenant."""

from __future__ import annotations

from django.http import HttpRequest

from tenants.models import Membership

_CACHE_ATTRIBUTE = "_tenant_membership"


def membership_for(request: HttpRequest) -> Membership | None:
    """The signed-in user's staff membership in request.tenant, fetched once per request."""
    if hasattr(request, _CACHE_ATTRIBUTE):
        return getattr(request, _CACHE_ATTRIBUTE)
    membership = None
    user = getattr(request, "user", None)
    tenant = getattr(request, "tenant", None)
    if tenant is not None and user is not None and user.is_authenticated and user.is_active:
        membership = Membership.objects.for_tenant(tenant).filter(user=user).first()
    setattr(request, _CACHE_ATTRIBUTE, membership)
    return membership
