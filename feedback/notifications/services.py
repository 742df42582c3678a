"""Writes for notification preferences."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from feedback.notifications.models import NotificationPreference
from tenants.models import Tenant, User

Level = NotificationPreference.Level


def preference_get(*, tenant: Tenant, user: User) -> str:
    """The user's level in `tenant`; everything when they never chose."""
    level = (
        NotificationPreference.objects.for_tenant(tenant)
        .filter(user=user)
        .values_list("level", flat=True)
        .first()
    )
    return level or Level.EVERYTHING


def preference_set(*, tenant: Tenant, user: User, level: str) -> None:
    """Store the user's level; idempotent. ValueError for an unknown level or foreign user."""
    if level not in Level.values:
        raise ValueError(f"Unknown preference {level!r}.")
    if user.tenant_id != tenant.pk:
        raise ValueError("The user must belong to the tenant.")
    preferences = NotificationPreference.objects.for_tenant(tenant)
    if preferences.filter(user=user).update(level=level):
        return
    try:
        with transaction.atomic():
            preferences.create(tenant=tenant, user=user, level=level)
    except IntegrityError:  # created concurrently (a double click): set it on that row
        preferences.filter(user=user).update(level=level)
