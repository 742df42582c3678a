from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from feedback.models import FeedbackItem
from tenants.admin_sites import (
    PlatformAdmin,
    TenantScopedAdmin,
    platform_admin_site,
    tenant_admin_site,
)


@admin.register(FeedbackItem, site=tenant_admin_site)
class FeedbackItemAdmin(TenantScopedAdmin):
    list_display = ["ticket_key", "title", "kind", "status", "vote_count", "reporter", "created_at"]
    list_display_links = ["ticket_key", "title"]
    list_filter = ["status", "kind", "is_public"]
    search_fields = ["title", "description", "reporter__email"]
    readonly_fields = ["ticket_key", "vote_count", "reporter", "created_at", "updated_at"]
    fields = [
        "ticket_key",
        "kind",
        "status",
        "title",
        "description",
        "is_public",
        "reporter",
        "vote_count",
        "created_at",
        "updated_at",
    ]
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("tenant", "reporter")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # New items come through the portal or the API, which number and count them.
        return False

    @admin.display(description="Key", ordering="number")
    def ticket_key(self, obj: FeedbackItem) -> str:
        return obj.key


@admin.register(FeedbackItem, site=platform_admin_site)
class PlatformFeedbackItemAdmin(PlatformAdmin):
    list_display = ["ticket_key", "tenant", "title", "kind", "status", "vote_count", "created_at"]
    list_filter = ["tenant", "status", "kind"]
    search_fields = ["title"]
    list_select_related = ["tenant"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: FeedbackItem | None = None) -> bool:
        return False

    @admin.display(description="Key", ordering="number")
    def ticket_key(self, obj: FeedbackItem) -> str:
        return obj.key
