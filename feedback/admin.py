from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models.functions import Coalesce
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
from feedback.merging import MergeNotAllowed, item_merge
from feedback.models import (
    AffectedReport,
    Attachment,
    Comment,
    Component,
    FeedbackItem,
    ReleaseNote,
    StatusChange,
    Tag,
)
from feedback.moderation import items_restore, items_set_hidden, items_soft_delete
from feedback.releases import release_note_publish, release_note_save
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
    merge_into = forms.CharField(
        label="Merge into",
        required=False,
        max_length=30,
        help_text="Ticket key of the original (e.g. ACME-12). Votes and followers move there.",
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
            "is_hidden",
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
        merge_key = cleaned.get("merge_into", "").strip()
        if merge_key:
            self._clean_merge_target(merge_key, cleaned)
        return cleaned

    def _clean_merge_target(self, merge_key: str, cleaned: dict[str, Any]) -> None:
        tenant = self.instance.tenant
        number = parse_ticket_number(merge_key, tenant.ticket_prefix)
        target = (
            FeedbackItem.objects.for_tenant(tenant).filter(number=number).first()
            if number is not None
            else None
        )
        if target is None:
            self.add_error("merge_into", f"There is no {merge_key} here.")
        elif target.pk == self.instance.pk:
            self.add_error("merge_into", "An item cannot be merged into itself.")
        elif target.status == FeedbackItem.Status.DUPLICATE:
            self.add_error("merge_into", f"{target.key} is itself a duplicate.")
        elif cleaned.get("new_status"):
            self.add_error("merge_into", "Merge or change the status, not both at once.")
        else:
            cleaned["merge_target"] = target


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


class AttachmentInline(TenantScopedInline, admin.TabularInline):
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


class PortalVisibilityFilter(admin.SimpleListFilter):
    """Deleted and spam items are off the portal; staff find them here to review or undo."""

    title = "on the portal"
    parameter_name = "portal"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("shown", "Shown"),
            ("unconfirmed", "Waiting for email confirmation"),
            ("hidden", "Hidden as spam"),
            ("deleted", "In the trash"),
        ]

    def queryset(self, request: HttpRequest, queryset: models.QuerySet) -> models.QuerySet:
        if self.value() == "shown":
            return queryset.filter(
                deleted_at__isnull=True, is_hidden=False, awaiting_confirmation=False
            )
        if self.value() == "unconfirmed":
            return queryset.filter(awaiting_confirmation=True)
        if self.value() == "hidden":
            return queryset.filter(is_hidden=True)
        if self.value() == "deleted":
            return queryset.filter(deleted_at__isnull=False)
        return queryset


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
    list_filter = [PortalVisibilityFilter, "status", "severity", "kind", "is_public"]
    actions = ["move_to_trash", "restore_from_trash", "hide_as_spam", "show_again"]
    search_fields = ["title", "description", "reporter__email", "api_endpoint", "request_id"]
    readonly_fields = ["ticket_key", "status", "vote_count", "reporter", "created_at", "updated_at"]
    filter_horizontal = ["tags"]
    inlines = [AttachmentInline, StatusChangeInline, CommentInline, NewCommentInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("ticket_key", "status"),
                    ("new_status", "status_message"),
                    "merge_into",
                    ("kind", "severity", "impact"),
                    "title",
                    "description",
                    ("component", "is_public", "is_hidden"),
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
        if formset.model is Attachment:
            # The inline only deletes; the service removes the files once the delete commits.
            formset.save(commit=False)
            for attachment in formset.deleted_objects:
                attachment_delete(tenant=request.tenant, attachment=attachment)
            return
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
        # Write only what the form changed: a full save would write back the vote count
        # and status read moments ago over votes or changes made meanwhile.
        columns = {field.name for field in obj._meta.concrete_fields}
        changed = [name for name in form.changed_data if name in columns]
        if changed:
            obj.save(update_fields=[*changed, "updated_at"])
        target = form.cleaned_data.get("merge_target")
        if target is not None:
            try:
                item_merge(
                    tenant=request.tenant, duplicate=obj, canonical=target, actor=request.user
                )
            except MergeNotAllowed as error:
                messages.error(request, str(error))
            return
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
        if obj.deleted_at:
            return f"{obj.key} (trash)"
        if obj.awaiting_confirmation:
            return f"{obj.key} (unconfirmed)"
        return f"{obj.key} (spam)" if obj.is_hidden else obj.key

    def _moderate(self, request: HttpRequest, changed: int, verb: str) -> None:
        self.message_user(request, f"{changed} item{'s' if changed != 1 else ''} {verb}.")

    @admin.action(description="Move to trash (off the portal, can be restored)")
    def move_to_trash(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._moderate(
            request, items_soft_delete(tenant=request.tenant, items=queryset), "moved to the trash"
        )

    @admin.action(description="Restore from trash")
    def restore_from_trash(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        self._moderate(request, items_restore(tenant=request.tenant, items=queryset), "restored")

    @admin.action(description="Hide as spam")
    def hide_as_spam(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        changed = items_set_hidden(tenant=request.tenant, items=queryset, hidden=True)
        self._moderate(request, changed, "hidden as spam")

    @admin.action(description="Show again (not spam)")
    def show_again(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        changed = items_set_hidden(tenant=request.tenant, items=queryset, hidden=False)
        self._moderate(request, changed, "shown again")

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        membership = self._membership(request)
        if membership is None or not membership.can_edit:
            return {}
        return actions


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


class ReleaseNoteAdminForm(forms.ModelForm):
    class Meta:
        model = ReleaseNote
        fields = ("title", "slug", "body", "items")


@admin.register(ReleaseNote, site=tenant_admin_site)
class ReleaseNoteAdmin(TenantScopedAdmin):
    """Drafts until published; publishing is an action, so it happens once, on purpose."""

    form = ReleaseNoteAdminForm
    list_display = ["title", "slug", "published_at", "created_at"]
    search_fields = ["title", "body"]
    filter_horizontal = ["items"]
    readonly_fields = ["published_at"]
    actions = ["publish"]

    def save_model(self, request: HttpRequest, obj: ReleaseNote, form: Any, change: bool) -> None:
        # Through the service: it renders and sanitizes the Markdown; items are saved
        # by save_related from the (tenant-scoped) form choices.
        release_note_save(
            tenant=request.tenant,
            note=obj,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            slug=form.cleaned_data["slug"],
        )

    @admin.action(description="Publish now")
    def publish(self, request: HttpRequest, queryset: models.QuerySet) -> None:
        published = 0
        for note in queryset.filter(published_at__isnull=True):
            release_note_publish(tenant=request.tenant, note=note, actor=request.user)
            published += 1
        self.message_user(
            request, f"{published} release note{'s' if published != 1 else ''} published."
        )


# Registers the email delivery log on the tenant admin site.
# Survey results on the tenant admin site.
from feedback import surveys_admin  # noqa: E402, F401
from feedback.notifications import admin as notifications_admin  # noqa: E402, F401
