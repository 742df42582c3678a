from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.http import HttpRequest

from tenants.admin_sites import (
    PlatformAdmin,
    PlatformTenantInline,
    TenantScopedAdmin,
    platform_admin_site,
    tenant_admin_site,
)
from tenants.models import Domain, Membership, Tenant, User


class DomainInline(PlatformTenantInline, admin.TabularInline):
    model = Domain
    extra = 0


class MembershipInline(PlatformTenantInline, admin.TabularInline):
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

    def get_inlines(self, request: HttpRequest, obj: Tenant | None) -> list:
        # Domains and staff are added once the tenant exists, so that staff can be
        # chosen among its own users.
        return self.inlines if obj is not None else []


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


def is_last_owner(membership: Membership) -> bool:
    """True if `membership` is, as stored, the tenant's only owner."""
    owners = Membership.objects.for_tenant(membership.tenant_id).filter(role=Membership.Role.OWNER)
    return owners.filter(pk=membership.pk).exists() and owners.count() == 1


@admin.register(Membership, site=tenant_admin_site)
class StaffMembershipAdmin(TenantScopedAdmin):
    """Owners and admins manage who is staff; agents and viewers only see the list.

    Only owners grant, change or remove the owner role, and the last owner stays.
    """

    list_display = ["user", "role", "created_at"]
    list_filter = ["role"]
    list_select_related = ["user"]
    actions = None  # bulk delete would bypass the last-owner rule

    def has_add_permission(self, request: HttpRequest) -> bool:
        membership = self._membership(request)
        return membership is not None and membership.can_manage_tenant

    def _is_owner(self, request: HttpRequest) -> bool:
        membership = self._membership(request)
        return membership is not None and membership.role == Membership.Role.OWNER

    def has_change_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        if not self.has_add_permission(request):
            return False
        return obj is None or obj.role != Membership.Role.OWNER or self._is_owner(request)

    def has_delete_permission(self, request: HttpRequest, obj: Membership | None = None) -> bool:
        if not self.has_change_permission(request, obj):
            return False
        return obj is None or not is_last_owner(obj)

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role" and not self._is_owner(request):
            kwargs["choices"] = [
                (value, label)
                for value, label in Membership.Role.choices
                if value != Membership.Role.OWNER
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form_class = super().get_form(request, obj, change, **kwargs)

        class LastOwnerForm(form_class):
            def clean_role(self) -> str:
                role = self.cleaned_data["role"]
                if (
                    self.instance.pk
                    and role != Membership.Role.OWNER
                    and is_last_owner(self.instance)
                ):
                    raise forms.ValidationError(
                        "This is the last owner. Make someone else owner first."
                    )
                return role

        return LastOwnerForm

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("user")
