from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from feedback.models import Comment, FeedbackItem
from feedback.services import comment_delete, comment_post
from tenants.admin_sites import (
    PlatformAdmin,
    TenantScopedAdmin,
    TenantScopedInline,
    platform_admin_site,
    tenant_admin_site,
)
from tenants.roles import membership_for


class CommentInline(TenantScopedInline, admin.StackedInline):
    """The whole conversation, internal notes included, read-only; agents can delete."""

    model = Comment
    extra = 0
    fields = ["author", "created_at", "edited_at", "is_internal", "body"]
    readonly_fields = fields
    verbose_name = "comment"
    verbose_name_plural = "Comments and internal notes"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("author").order_by("created_at", "id")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # new ones through NewCommentInline, which renders the Markdown

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The same rule as the portal's delete button (feedback.services.comment_delete).
        return self.has_change_permission(request, obj)


class NewCommentForm(forms.ModelForm):
    is_internal = forms.BooleanField(
        label="Internal note (staff only)",
        required=False,
        initial=True,
        help_text="Untick to post a public reply that the reporter and voters can read.",
    )

    class Meta:
        model = Comment
        fields = ["body", "is_internal"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}


class NewCommentInline(TenantScopedInline, admin.StackedInline):
    """An empty form for one internal note (or public reply), saved through comment_post."""

    model = Comment
    form = NewCommentForm
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name = "new internal note or reply"
    verbose_name_plural = "Add an internal note or reply"

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).none()


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
    inlines = [CommentInline, NewCommentInline]

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("tenant", "reporter")

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Comment:
            super().save_formset(request, form, formset, change)
            return
        # Through the services: they render and sanitize the Markdown and apply the
        # same staff rules as the portal. The inlines cannot change existing comments.
        membership = membership_for(request)
        formset.save(commit=False)
        for comment in formset.deleted_objects:
            comment_delete(
                tenant=request.tenant,
                item=form.instance,
                comment_id=comment.pk,
                membership=membership,
            )
        for comment in formset.new_objects:
            comment_post(
                tenant=request.tenant,
                item=form.instance,
                author=request.user,
                body=comment.body,
                is_internal=comment.is_internal,
                membership=membership,
            )

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
