"""Two admin sites: one per tenant host for its staff, one on the base host for operators."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse

from portal.ratelimit import check_limits, too_many_requests
from tenants.models import Membership, User
from tenants.roles import membership_for
from tenants.scoping import TenantOwnedModel


class TenantStaffLoginForm(AuthenticationForm):
    """Admin login on a tenant host: the account needs a staff role in that tenant."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "Please enter the correct email and password for a staff account of this portal."
        ),
    }

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        tenant = getattr(self.request, "tenant", None)
        if tenant is None or not Membership.objects.for_tenant(tenant).filter(user=user).exists():
            raise ValidationError(self.error_messages["invalid_login"], code="invalid_login")


class TenantAdminSite(admin.AdminSite):
    """Django admin on <tenant host>/admin/: only that tenant's staff, only its rows."""

    site_title = "Hypercare staff"
    index_title = "Triage and settings"
    login_form = TenantStaffLoginForm

    def login(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        account = request.POST.get("username", "")
        if request.method == "POST":
            retry_after = check_limits(request, "login", account=account, count=False)
            if retry_after is not None:
                return too_many_requests(request, retry_after, "tried to log in")
        response = super().login(request, extra_context)
        if request.method == "POST" and response.status_code != 302:  # failures count
            check_limits(request, "login", account=account)
        return response

    def has_permission(self, request: HttpRequest) -> bool:
        return getattr(request, "tenant", None) is not None and membership_for(request) is not None

    def get_urls(self) -> list:
        # "View on site" looks objects up by content type and id across all tenants;
        # the tenant site has no use for it, so the route does not exist here.
        return [url for url in super().get_urls() if getattr(url, "name", None) != "view_on_site"]

    def each_context(self, request: HttpRequest) -> dict[str, Any]:
        context = super().each_context(request)
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            context["site_header"] = f"{tenant.name} · staff"
        return context


class PlatformAdminSite(admin.AdminSite):
    """Django admin on the base host: tenants, domains and users of every tenant."""

    site_header = "Hypercare platform"
    site_title = "Hypercare platform"
    index_title = "Tenants and accounts"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return (
            getattr(request, "tenant", None) is None
            and user.is_active
            and user.is_superuser
            and user.tenant_id is None
        )


tenant_admin_site = TenantAdminSite(name="admin")
platform_admin_site = PlatformAdminSite(name="platform")


class TenantRolesMixin:
    """Shared by the tenant site's model admins and inlines: choices inside the host's
    tenant, and rights by role (viewers read, agents and above write, owners and admins
    delete). Django's model permissions are not used on the tenant site."""

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> Any:
        related = db_field.related_model
        if issubclass(related, TenantOwnedModel):
            kwargs["queryset"] = related.objects.for_tenant(request.tenant)
        elif related is User:
            kwargs["queryset"] = User.objects.for_tenant(request.tenant)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _membership(self, request: HttpRequest) -> Membership | None:
        return membership_for(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._membership(request) is not None

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        membership = self._membership(request)
        return membership is not None and membership.can_edit

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        membership = self._membership(request)
        return membership is not None and membership.can_edit

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        membership = self._membership(request)
        return membership is not None and membership.can_manage_tenant


class TenantScopedAdmin(TenantRolesMixin, admin.ModelAdmin):
    """Base for every model admin on the tenant site: rows, choices and writes stay in the tenant.

    Viewers read; agents and above write; deleting needs owner or admin.
    """

    view_on_site = False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).for_tenant(request.tenant)

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*(super().get_exclude(request, obj) or []), "tenant"]

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form_class = super().get_form(request, obj, change, **kwargs)
        tenant = request.tenant

        class TenantBoundForm(form_class):
            """Sets the tenant before validation, so per-tenant unique constraints are
            checked as form errors instead of failing as IntegrityError on save."""

            def __init__(self, *args: Any, **form_kwargs: Any) -> None:
                super().__init__(*args, **form_kwargs)
                self.instance.tenant = tenant

            def _get_validation_exclusions(self) -> set[str]:
                return super()._get_validation_exclusions() - {"tenant"}

        TenantBoundForm.__name__ = form_class.__name__
        return TenantBoundForm

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # Regex lookups in the URL let anyone with list access hand the database an
        # arbitrary (possibly invalid or catastrophic) pattern.
        if {"regex", "iregex"} & set(lookup.split("__")):
            return False
        return super().lookup_allowed(lookup, value, request)

    def _get_obj_does_not_exist_redirect(self, request: HttpRequest, opts: Any, object_id: str):
        # Django redirects to the index for a missing object; another tenant's id (or a
        # deleted one) is simply not found here.
        raise Http404("No such object.")

    def _require_object_in_tenant(self, request: HttpRequest, object_id: str | None) -> None:
        # Django checks permissions before existence; looking first makes another
        # tenant's id a 404 for every role, never a 403 that confirms it exists.
        if object_id is not None and self.get_object(request, unquote(object_id)) is None:
            raise Http404("No such object.")

    def change_view(self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any):
        self._require_object_in_tenant(request, object_id)
        return super().change_view(request, object_id, *args, **kwargs)

    def delete_view(self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any):
        self._require_object_in_tenant(request, object_id)
        return super().delete_view(request, object_id, *args, **kwargs)

    def history_view(self, request: HttpRequest, object_id: str, *args: Any, **kwargs: Any):
        self._require_object_in_tenant(request, object_id)
        return super().history_view(request, object_id, *args, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        obj.tenant = request.tenant  # from the host, never from the form
        super().save_model(request, obj, form, change)

    def formfield_for_manytomany(
        self, db_field: models.ManyToManyField, request: HttpRequest, **kwargs: Any
    ) -> Any:
        related = db_field.related_model
        if issubclass(related, TenantOwnedModel):
            kwargs["queryset"] = related.objects.for_tenant(request.tenant)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._membership(request) is not None


class TenantScopedInline(TenantRolesMixin, admin.options.InlineModelAdmin):
    """Base for inlines on the tenant site: rows and choices stay in the host's tenant.

    Saving is left to the parent admin's `save_formset`, which calls the services (and so
    sets the tenant from the host); role checks follow TenantScopedAdmin.
    """

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).for_tenant(request.tenant)

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*(super().get_exclude(request, obj) or []), "tenant"]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any):
        formset_class = super().get_formset(request, obj, **kwargs)
        tenant = request.tenant

        class TenantBoundFormSet(formset_class):
            """Each row's hidden id is looked up inside the tenant (Django uses the model's
            default manager, which refuses a query without one) and new rows get the tenant
            before validation."""

            def add_fields(self, form: Any, index: Any) -> None:
                super().add_fields(form, index)
                id_field = form.fields.get(self.model._meta.pk.name)
                if isinstance(id_field, forms.ModelChoiceField):
                    id_field.queryset = self.model.objects.for_tenant(tenant)
                if form.instance._state.adding:
                    form.instance.tenant = tenant

        TenantBoundFormSet.__name__ = formset_class.__name__
        return TenantBoundFormSet


class PlatformTenantInline(admin.options.InlineModelAdmin):
    """Inline rows of a tenant on the operator's site (domains, staff)."""

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any):
        formset_class = super().get_formset(request, obj, **kwargs)

        class TenantRowsFormSet(formset_class):
            """Each row's hidden id is looked up among this tenant's rows; the default
            manager would refuse a query without a tenant."""

            def add_fields(self, form: Any, index: Any) -> None:
                super().add_fields(form, index)
                id_field = form.fields.get(self.model._meta.pk.name)
                if isinstance(id_field, forms.ModelChoiceField) and self.instance.pk:
                    id_field.queryset = self.model.objects.for_tenant(self.instance)

        TenantRowsFormSet.__name__ = formset_class.__name__
        return TenantRowsFormSet


class PlatformAdmin(admin.ModelAdmin):
    """Base for the operator's site: deliberately across tenants."""

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        queryset = super().get_queryset(request)
        # The platform operator sees every tenant by design.
        return queryset.unscoped() if hasattr(queryset, "unscoped") else queryset
