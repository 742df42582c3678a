from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.text import slugify

from feedback.keys import parse_ticket_number
from feedback.models import AffectedReport, Comment, Component, FeedbackItem, StatusChange, Tag
from feedback.services import (
    TransitionNotAllowed,
    comment_delete,
    comment_post,
    item_change_status,
)
from feedback.workflow import allowed_next_statuses
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


class FeedbackItemAdminForm(forms.ModelForm):
    """Status moves only along the workflow, with an optional public message."""

    new_status = forms.ChoiceField(label="Change status to", required=False)
    status_message = forms.CharField(
        label="Public message",
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown on the item's timeline and sent to the people following it.",
    )

    class Meta:
        model = FeedbackItem
        fields = (
            "kind",
            "severity",
            "impact",
            "title",
            "description",
            "component",
            "is_public",
            "tags",
            "steps_to_reproduce",
            "expected_result",
            "actual_result",
            "environment",
            "api_endpoint",
            "http_method",
            "http_status",
            "request_id",
            "error_code",
            "api_sample",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.status if self.instance.pk else FeedbackItem.Status.NEW
        labels = dict(FeedbackItem.Status.choices)
        self.fields["new_status"].choices = [
            ("", f"Keep “{labels[current]}”"),
            *[(status, labels[status]) for status in allowed_next_statuses(current)],
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if (
            self.instance.kind == FeedbackItem.Kind.SECURITY or cleaned.get("kind") == "security"
        ) and cleaned.get("is_public"):
            self.add_error("is_public", "Security reports always stay private.")
        if cleaned.get("status_message") and not cleaned.get("new_status"):
            self.add_error("status_message", "Choose the new status this message goes with.")
        return cleaned


class StatusChangeInline(TenantScopedInline, admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "from_status", "to_status", "message"]
    readonly_fields = fields
    verbose_name_plural = "Status history"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("actor")


@admin.register(FeedbackItem, site=tenant_admin_site)
class FeedbackItemAdmin(TenantScopedAdmin):
    form = FeedbackItemAdminForm
    list_display = [
        "ticket_key",
        "title",
        "kind",
        "status",
        "severity",
        "component",
        "vote_count",
        "affected",
        "reporter",
        "created_at",
    ]
    list_display_links = ["ticket_key", "title"]
    list_filter = ["status", "severity", "kind", "is_public"]
    search_fields = ["title", "description", "reporter__email", "api_endpoint", "request_id"]
    readonly_fields = ["ticket_key", "status", "vote_count", "reporter", "created_at", "updated_at"]
    filter_horizontal = ["tags"]
    inlines = [StatusChangeInline, CommentInline, NewCommentInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("ticket_key", "status"),
                    ("new_status", "status_message"),
                    ("kind", "severity", "impact"),
                    "title",
                    "description",
                    ("component", "is_public"),
                    "tags",
                ]
            },
        ),
        (
            "Bug details",
            {
                "classes": ["collapse"],
                "fields": [
                    "steps_to_reproduce",
                    "expected_result",
                    "actual_result",
                    "environment",
                ],
            },
        ),
        (
            "API details",
            {
                "classes": ["collapse"],
                "fields": [
                    ("api_endpoint", "http_method", "http_status"),
                    ("request_id", "error_code"),
                    "api_sample",
                ],
            },
        ),
        (
            "Record",
            {"fields": [("reporter", "vote_count"), ("created_at", "updated_at")]},
        ),
    ]
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        queryset = super().get_queryset(request).select_related("tenant", "reporter", "component")
        # One subquery, not a JOIN + GROUP BY, and not a query per row.
        reports = (
            AffectedReport.objects.for_tenant(request.tenant)
            .filter(item=models.OuterRef("pk"))
            .order_by()
            .values("item")
            .annotate(count=models.Count("pk"))
            .values("count")
        )
        return queryset.annotate(
            affected_count=Coalesce(
                models.Subquery(reports, output_field=models.IntegerField()), models.Value(0)
            )
        )

    @admin.display(description="Affected", ordering="affected_count")
    def affected(self, obj: FeedbackItem) -> int:
        return obj.affected_count

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*super().get_exclude(request, obj), "duplicate_of"]

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

    def get_search_results(
        self, request: HttpRequest, queryset: models.QuerySet, search_term: str
    ) -> tuple[models.QuerySet, bool]:
        # Users quote ticket keys ("ACME-20", "acme-20", "#20"): find the item by number.
        number = parse_ticket_number(search_term, request.tenant.ticket_prefix)
        if number is not None:
            return queryset.filter(number=number), False
        return super().get_search_results(request, queryset, search_term)

    def save_model(self, request: HttpRequest, obj: FeedbackItem, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        new_status = form.cleaned_data.get("new_status")
        if not new_status:
            return
        try:
            item_change_status(
                tenant=request.tenant,
                item=obj,
                actor=request.user,
                to_status=new_status,
                message=form.cleaned_data.get("status_message", ""),
            )
        except TransitionNotAllowed:
            # Someone else moved it meanwhile; the other edits are saved, the status is not.
            messages.error(request, f"{obj.key} is now “{obj.get_status_display()}”; status kept.")

    @admin.display(description="Key", ordering="number")
    def ticket_key(self, obj: FeedbackItem) -> str:
        return obj.key


@admin.register(Tag, site=tenant_admin_site)
class TagAdmin(TenantScopedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def save_model(self, request: HttpRequest, obj: Tag, form: Any, change: bool) -> None:
        obj.slug = slugify(obj.slug or obj.name)[:40]
        super().save_model(request, obj, form, change)


@admin.register(Component, site=tenant_admin_site)
class ComponentAdmin(TenantScopedAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name"]


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
