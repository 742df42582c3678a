"""Host header -> tenant. The only place that reads tenants without a tenant."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from tenants.models import Domain, Tenant


@dataclass(frozen=True)
class HostMatch:
    """What a host name serves: the platform (base host), a tenant, or nothing."""

    is_platform: bool = False
    tenant: Tenant | None = None

    @property
    def is_unknown(self) -> bool:
        return not self.is_platform and self.tenant is None


def tenant_host(tenant: Tenant) -> str:
    """The host name of a tenant's portal under the base domain."""
    return f"{tenant.slug}.{settings.PORTAL_BASE_DOMAIN}"


def tenant_base_url(tenant: Tenant) -> str:
    """Absolute base URL of a tenant's portal, for links in emails and printed output."""
    return f"{settings.PORTAL_SCHEME}://{tenant_host(tenant)}{settings.PORTAL_PUBLIC_PORT}"


def resolve_host(domain: str) -> HostMatch:
    """Resolve a host name without port: base domain, <slug>.<base> or a verified custom domain."""
    domain = domain.strip().rstrip(".").lower()
    base = settings.PORTAL_BASE_DOMAIN
    if domain == base or domain in settings.PORTAL_PLATFORM_HOSTS:
        return HostMatch(is_platform=True)
    if domain.endswith("." + base):
        slug = domain.removesuffix("." + base)
        if "." in slug:
            return HostMatch()
        return HostMatch(tenant=Tenant.objects.filter(slug=slug).first())
    # Host resolution is the one deliberate cross-tenant read: the host decides the tenant.
    custom = (
        Domain.objects.unscoped()
        .select_related("tenant")
        .filter(host=domain, is_verified=True)
        .first()
    )
    return HostMatch(tenant=custom.tenant if custom else None)
