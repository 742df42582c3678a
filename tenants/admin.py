from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.http import HttpRequest

from tenants.admin_sites import (
    PlatformAdmin,
    TenantScopedAdmin,
    platform_admin_site,
    tenant_admin_site,
)
from tenants.models import Domain, Membership, Tenant, User


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        # Narrow the user choices to the tenant being edited.
        if db_field.name == "user" and request.resolver_match.kwargs.get("object_id"):
            kwargs["queryset"] = User.objects.filter(
                tenant_id=request.resolver_match.kwargs["object_id"]
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Tenant, site=platform_admin_site)
class TenantAdmin(PlatformAdmin):
    list_display = ["name", "slug", "ticket_prefix", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "slug"]
    inlines = [DomainInline, MembershipInline]


@admin.register(User, site=platform_admin_site)
class PlatformUserAdmin(PlatformAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "tenant", "is_superuser", "is_active", "date_joined"]
    list_filter = ["tenant", "is_superuser", "is_active"]
    search_fields = ["email", "display_name"]
    list_select_related = ["tenant"]
    fieldsets = [
        (None, {"fields": ["tenant", "email", "display_name", "password"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["tenant", "email", "display_name", "password1", "password2"]}),
    ]
    filter_horizontal = []


@admin.register(Membership, site=tenant_admin_site)
class StaffMembershipAdmin(TenantScopedAdmin):
    """Owners and admins manage who is staff; agents and viewers only see the list."""

    list_display = ["user", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["user"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        membership = self._membership(request)
        return membership is not None and membership.can_manage_tenant

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_add_permission(request)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("user")
