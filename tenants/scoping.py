"""The tenant-scoping base every tenant-owned model inherits.

`Model.objects` fails closed: a query that is evaluated without a tenant condition
raises TenantScopeError. Reach rows through the tenant instead:

    FeedbackItem.objects.for_tenant(tenant).get(number=7)

A deliberate cross-tenant read is spelled `.unscoped()` with a comment saying why.
Django's own machinery (deletion cascades, related managers such as `item.votes`,
constraint validation that includes the tenant) keeps working: it either filters by
tenant or goes through an object that was itself reached through the tenant.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models.lookups import Exact, In

if TYPE_CHECKING:
    from tenants.models import Tenant


class TenantScopeError(RuntimeError):
    """A tenant-owned query was about to run without a tenant condition."""


# Set only while Django validates uniqueness: a globally unique column (Domain.host) has
# to be checked across tenants, and the check returns a yes/no, never rows.
_uniqueness_check_running: ContextVar[bool] = ContextVar("uniqueness_check", default=False)


@contextmanager
def _uniqueness_check() -> Iterator[None]:
    token = _uniqueness_check_running.set(True)
    try:
        yield
    finally:
        _uniqueness_check_running.reset(token)


def _filters_on_tenant(where: Any) -> bool:
    """True if the top-level AND of `where` pins a `tenant` foreign key."""
    if getattr(where, "connector", "AND") != "AND" or getattr(where, "negated", False):
        return False
    for child in getattr(where, "children", []):
        if isinstance(child, Exact | In):
            target = getattr(child.lhs, "target", None)
            if target is not None and target.name == "tenant" and target.is_relation:
                return True
        elif hasattr(child, "children") and _filters_on_tenant(child):
            return True
    return False


class TenantQuerySet(models.QuerySet):
    _scope_required = False

    def for_tenant(self, tenant: Tenant | int) -> Self:
        tenant_id = tenant if isinstance(tenant, int) else tenant.pk
        clone = self.filter(tenant_id=tenant_id)
        clone._scope_required = False
        return clone

    def unscoped(self) -> Self:
        """Cross-tenant on purpose (platform admin, host resolution): say why at the call."""
        clone = self._chain()
        clone._scope_required = False
        return clone

    def _clone(self) -> Self:
        clone = super()._clone()
        clone._scope_required = self._scope_required
        return clone

    def _check_scope(self) -> None:
        if (
            self._scope_required
            and not _uniqueness_check_running.get()
            and not _filters_on_tenant(self.query.where)
        ):
            raise TenantScopeError(
                f"{self.model.__name__} queried without a tenant; use "
                f".for_tenant(tenant) (or .unscoped() with a reason)."
            )

    def _fetch_all(self) -> None:
        if self._result_cache is None:
            self._check_scope()
        super()._fetch_all()

    def count(self) -> int:
        self._check_scope()
        return super().count()

    def exists(self) -> bool:
        self._check_scope()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._check_scope()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._check_scope()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._check_scope()
        return super().delete()

    def iterator(self, chunk_size: int | None = None) -> Any:
        self._check_scope()
        return super().iterator(chunk_size=chunk_size)


class TenantManager(models.Manager.from_queryset(TenantQuerySet)):
    def get_queryset(self) -> TenantQuerySet:
        queryset = super().get_queryset()
        # Related managers (item.votes, tenant.items) are reached through an object
        # that was itself loaded inside a tenant, so they need no second check.
        queryset._scope_required = not hasattr(self, "instance")
        return queryset


class TenantOwnedModel(models.Model):
    """Abstract base: a non-null tenant and a fail-closed default manager."""

    # No reverse accessor on Tenant: rows are reached with Model.objects.for_tenant(t).
    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")

    # Django's own cascades and refreshes use the automatic plain _base_manager.
    objects = TenantManager()

    class Meta:
        abstract = True

    def validate_unique(self, exclude: Any = None) -> None:
        with _uniqueness_check():
            super().validate_unique(exclude)

    def validate_constraints(self, exclude: Any = None) -> None:
        with _uniqueness_check():
            super().validate_constraints(exclude)
