"""Writes for tenants, their users and staff roles."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from tenants.models import Membership, Tenant, User


class EmailAlreadyRegistered(Exception):
    """Another account of this tenant already uses the address."""


def tenant_create(
    *, slug: str, name: str, ticket_prefix: str, brand_color: str = "#3b5bdb"
) -> Tenant:
    """Create an active tenant; validates slug, prefix and colour (ValidationError)."""
    tenant = Tenant(slug=slug, name=name, ticket_prefix=ticket_prefix, brand_color=brand_color)
    tenant.full_clean()
    tenant.save()
    return tenant


def user_register(
    *, tenant: Tenant | None, email: str, password: str, display_name: str = ""
) -> User:
    """Create a portal account inside `tenant`; raises EmailAlreadyRegistered on a taken address."""
    address = User.objects.normalize_email(email.strip()).lower()
    if User.objects.for_tenant(tenant).filter(email__iexact=address).exists():
        raise EmailAlreadyRegistered(address)
    try:
        with transaction.atomic():
            return User.objects.create_user(
                address, password, tenant=tenant, display_name=display_name.strip()
            )
    except IntegrityError as error:  # a concurrent sign-up with the same address won
        raise EmailAlreadyRegistered(address) from error


def membership_grant(*, tenant: Tenant, user: User, role: str) -> Membership:
    """Give a user of `tenant` a staff role (idempotent); ValueError for a foreign user."""
    if user.tenant_id != tenant.pk:
        raise ValueError("Staff roles can only be given to users of the same tenant.")
    membership, created = Membership.objects.for_tenant(tenant).get_or_create(
        tenant=tenant, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def user_for_email(*, tenant: Tenant, email: str) -> User:
    """The tenant's account for `email`, created without a password if there is none.

    Raises ValueError for an invalid address (header injection included: BC-11).
    """
    address = User.objects.normalize_email(email.strip()).lower()
    try:
        validate_email(address)
    except ValidationError as error:
        raise ValueError("Enter a valid email address.") from error
    existing = User.objects.for_tenant(tenant).filter(email__iexact=address).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            # No password: the person claims the account through a password reset.
            return User.objects.create_user(address, None, tenant=tenant)
    except IntegrityError:  # created concurrently
        return User.objects.for_tenant(tenant).get(email__iexact=address)
