from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import slugify

from feedback.attachments import (
    attachment_delete,
    attachment_files_delete_on_commit,
    attachment_files_of_items,
)
from feedback.keys import parse_ticket_number
from feedback.models import Attachment, Component, FeedbackItem, StatusChange, Tag
from feedback.services import TransitionNotAllowed, item_change_status
from feedback.workflow import allowed_next_statuses
from tenants.admin_sites import (
    PlatformAdmin,
    TenantScopedAdmin,
    TenantScopedInline,
    platform_admin_site,
    tenant_admin_site,
)
from tenants.roles import membership_for


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


class StatusChangeInline(admin.TabularInline):
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
        return super().get_queryset(request).for_tenant(request.tenant).select_related("actor")


class AttachmentInline(TenantScopedInline):
    """Read-only list of the item's files; owners and admins may delete them."""

    model = Attachment
    extra = 0
    fields = ["download", "content_type", "file_size", "dimensions", "uploaded_by", "created_at"]
    readonly_fields = fields
    verbose_name_plural = "Attachments"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        membership = membership_for(request)
        return membership is not None and membership.can_manage_tenant

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("item__tenant", "uploaded_by")

    @admin.display(description="File")
    def download(self, obj: Attachment) -> str:
        # The portal's protected view: it checks visibility and sets the safe headers.
        url = reverse("item-attachment", kwargs={"key": obj.item.key, "pk": obj.pk})
        return format_html('<a href="{}">{}</a>', url, obj.original_name)

    @admin.display(description="Size")
    def file_size(self, obj: Attachment) -> str:
        return filesizeformat(obj.size)

    @admin.display(description="Pixels")
    def dimensions(self, obj: Attachment) -> str:
        return f"{obj.width} x {obj.height}" if obj.width else "-"


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
        "reporter",
        "created_at",
    ]
    list_display_links = ["ticket_key", "title"]
    list_filter = ["status", "severity", "kind", "is_public"]
    search_fields = ["title", "description", "reporter__email", "api_endpoint", "request_id"]
    readonly_fields = ["ticket_key", "status", "vote_count", "reporter", "created_at", "updated_at"]
    filter_horizontal = ["tags"]
    inlines = [AttachmentInline, StatusChangeInline]
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
        return super().get_queryset(request).select_related("tenant", "reporter", "component")

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [*super().get_exclude(request, obj), "duplicate_of"]

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

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Attachment:
            super().save_formset(request, form, formset, change)
            return
        # The inline only deletes; the service removes the files once the delete commits.
        formset.save(commit=False)
        for attachment in formset.deleted_objects:
            attachment_delete(tenant=request.tenant, attachment=attachment)

    def delete_model(self, request: HttpRequest, obj: FeedbackItem) -> None:
        names = attachment_files_of_items(tenant=request.tenant, items=[obj])
        super().delete_model(request, obj)
        attachment_files_delete_on_commit(names)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        names = attachment_files_of_items(tenant=request.tenant, items=list(queryset))
        super().delete_queryset(request, queryset)
        attachment_files_delete_on_commit(names)

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
