from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse_lazy

from feedback.attachments import (
    MAX_FILES_PER_SUBMISSION,
    AttachmentRejected,
    InspectedFile,
    attachment_help_text,
    attachments_inspect,
)
from feedback.models import (
    COMMENT_BODY_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Component,
    FeedbackItem,
)
from portal.honeypot import HONEYPOT_FIELD, HoneypotFormMixin
from portal.text import multi_line, single_line
from tenants.models import Tenant

MINIMUM_TITLE_LENGTH = 8
Kind = FeedbackItem.Kind

# What each kind asks for beyond title and description, in form order.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    Kind.BUG: ("steps_to_reproduce", "expected_result", "actual_result", "environment", "impact"),
    Kind.INTEGRATION: (
        "api_endpoint",
        "http_method",
        "http_status",
        "request_id",
        "error_code",
        "api_sample",
        "impact",
    ),
    Kind.PERFORMANCE: ("environment", "impact"),
    Kind.USABILITY: ("environment", "impact"),
    Kind.SECURITY: ("steps_to_reproduce", "environment", "impact"),
}
REQUIRED_BY_KIND: dict[str, tuple[str, ...]] = {
    Kind.BUG: ("steps_to_reproduce", "actual_result"),
    Kind.INTEGRATION: ("api_endpoint", "http_method"),
}
DESCRIPTION_LABELS: dict[str, tuple[str, str]] = {
    Kind.IDEA: ("What problem would this solve?", "Who needs it, and what do they do today?"),
    Kind.QUESTION: ("Your question", "What are you trying to do?"),
    Kind.BUG: ("Anything else we should know", "Screens, accounts, times it happened."),
    Kind.INTEGRATION: ("What were you trying to do?", "The call's purpose and what went wrong."),
}

# Cards on the first step of the submit page.
KIND_CHOOSER = [
    (Kind.BUG, "Something is broken", "An error, a crash, or a feature that does not work."),
    (Kind.INTEGRATION, "API or integration problem", "A call to our API fails or misbehaves."),
    (Kind.PERFORMANCE, "Too slow", "Pages, exports or API calls that take too long."),
    (Kind.USABILITY, "Hard to use", "Confusing screens, hidden buttons, unclear words."),
    (Kind.IDEA, "Idea or request", "Something you would like us to build or change."),
    (Kind.QUESTION, "Question", "You are not sure how something works."),
    (Kind.DOCUMENTATION, "Documentation", "Docs that are missing, wrong or unclear."),
    (Kind.SECURITY, "Security concern", "Private: only you and the team will see it."),
]


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file input that takes several files and cleans every one of them.

    A plain FileField given several files validates only the last (CVE-2023-31047), so a
    forbidden file placed before a valid one would slip through. Returns a list.
    """

    widget = MultipleFileInput

    def __init__(self, *, max_files: int = MAX_FILES_PER_SUBMISSION, **kwargs: Any) -> None:
        self.max_files = max_files
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        if len(files) > self.max_files:
            raise forms.ValidationError(
                f"{len(files)} files is too many: at most {self.max_files} "
                "can be attached at a time.",
                code="max_files",
            )
        errors: list[forms.ValidationError] = []
        cleaned: list[UploadedFile] = []
        for upload in files:
            try:
                cleaned.append(super().clean(upload, initial))
            except forms.ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


def _attachments_field(*, tenant: Tenant, required: bool) -> MultipleFileField:
    return MultipleFileField(
        label="Attachments",
        required=required,
        help_text=attachment_help_text(tenant=tenant),
    )


def _inspected_attachments(
    files: list[UploadedFile], *, tenant: Tenant, existing_count: int = 0
) -> list[InspectedFile]:
    """Every file's content, inspected now, so the form shows every problem at once."""
    try:
        return attachments_inspect(tenant=tenant, files=files, existing_count=existing_count)
    except AttachmentRejected as error:
        raise forms.ValidationError(error.messages) from error


def _text_area(rows: int, placeholder: str = "") -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "placeholder": placeholder})


class ItemSubmitForm(HoneypotFormMixin, forms.Form):
    """The submit form for one kind of feedback; fields follow KIND_FIELDS."""

    title = forms.CharField(
        max_length=TITLE_MAX_LENGTH,
        help_text="One line that someone else with the same problem would recognise.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                # Similar items appear below while typing (htmx; without JS nothing happens).
                "hx-get": reverse_lazy("item-similar"),
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": "#similar-items",
                "hx-include": "[name='kind']",
                "hx-sync": "this:replace",
                "aria-controls": "similar-items",
            }
        ),
    )
    description = forms.CharField(
        max_length=DESCRIPTION_MAX_LENGTH, required=False, widget=_text_area(6)
    )
    component = forms.ModelChoiceField(
        queryset=Component.objects.none(), required=False, empty_label="Not sure"
    )
    steps_to_reproduce = forms.CharField(
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=_text_area(5, "1. Open …\n2. Click …\n3. See …"),
    )
    expected_result = forms.CharField(
        max_length=5_000, required=False, widget=_text_area(2), label="What did you expect?"
    )
    actual_result = forms.CharField(
        max_length=5_000, required=False, widget=_text_area(3), label="What happened instead?"
    )
    environment = forms.CharField(
        max_length=200,
        required=False,
        label="Version / environment",
        help_text="App version, browser or OS, e.g. “iOS app 4.0.2” or “Chrome 131, Windows”.",
    )
    api_endpoint = forms.CharField(
        max_length=300,
        required=False,
        label="API endpoint",
        widget=forms.TextInput(attrs={"placeholder": "/v2/orders/{id}"}),
    )
    http_method = forms.ChoiceField(
        choices=[("", "Choose…"), *FeedbackItem.HttpMethod.choices],
        required=False,
        label="HTTP method",
    )
    http_status = forms.IntegerField(
        min_value=100, max_value=599, required=False, label="HTTP status code"
    )
    request_id = forms.CharField(
        max_length=120, required=False, help_text="From the response headers, if you have it."
    )
    error_code = forms.CharField(max_length=120, required=False)
    api_sample = forms.CharField(
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        label="Request / response sample",
        widget=_text_area(6),
        help_text="Tokens, cookies, passwords and API keys are masked before we store it.",
    )
    impact = forms.ChoiceField(
        choices=[("", "Choose…"), *FeedbackItem.Impact.choices],
        required=False,
        label="How much does this affect you?",
    )

    def __init__(self, *args: Any, tenant: Tenant, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.tenant = tenant
        self.fields["attachments"] = _attachments_field(tenant=tenant, required=False)
        wanted = {
            HONEYPOT_FIELD,
            "title",
            "description",
            "component",
            *KIND_FIELDS.get(kind, ()),
            "attachments",
        }
        for name in list(self.fields):
            if name not in wanted:
                del self.fields[name]
        for name in REQUIRED_BY_KIND.get(kind, ()):
            self.fields[name].required = True
        components = Component.objects.for_tenant(tenant)
        if components.exists():
            self.fields["component"].queryset = components
        else:
            del self.fields["component"]
        label, help_text = DESCRIPTION_LABELS.get(
            kind, ("Description", "What happened, what you expected, and how to reproduce it.")
        )
        self.fields["description"].label = label
        self.fields["description"].help_text = help_text
        self.fields[HONEYPOT_FIELD] = self.fields.pop(HONEYPOT_FIELD)

    def clean_title(self) -> str:
        title = single_line(self.cleaned_data["title"])
        if len(title) < MINIMUM_TITLE_LENGTH:
            raise forms.ValidationError(
                f"Please describe it in at least {MINIMUM_TITLE_LENGTH} characters."
            )
        return title

    def clean_description(self) -> str:
        return multi_line(self.cleaned_data["description"])

    def clean_attachments(self) -> list[InspectedFile]:
        return _inspected_attachments(self.cleaned_data["attachments"], tenant=self.tenant)

    def submission(self) -> dict[str, Any]:
        """Keyword arguments for item_submit, without the empty optional details."""
        data = dict(self.cleaned_data)
        general = {"title", "description", "component", "attachments", HONEYPOT_FIELD}
        details = {k: v for k, v in data.items() if k not in general}
        return {
            "kind": self.kind,
            "title": data["title"],
            "description": data.get("description", ""),
            "component": data.get("component"),
            "attachments": data.get("attachments", []),
            **{k: v for k, v in details.items() if v not in ("", None)},
        }


class AnonymousItemSubmitForm(ItemSubmitForm):
    """Submitting without an account: an email address to confirm the item and hear back."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"] = forms.EmailField(
            label="Your email",
            max_length=254,
            help_text="We send a link to publish your feedback, and updates about it. "
            "Nothing is shown publicly until you confirm; then the part before the @ is "
            "shown as your name.",
            widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        )
        # First thing on the form, and the honeypot stays last.
        self.order_fields(["email", *[name for name in self.fields if name != "email"]])
        self.fields[HONEYPOT_FIELD] = self.fields.pop(HONEYPOT_FIELD)

    def submission(self) -> dict[str, Any]:
        data = super().submission()
        data.pop("email", None)
        return data


MARKDOWN_HINT = (
    "Markdown works: **bold**, *italic*, `code`, [links](https://example.com), lists and "
    "&gt; quotes. HTML is shown as text."
)


class CommentEditForm(forms.Form):
    body = forms.CharField(
        label="Comment",
        max_length=COMMENT_BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=MARKDOWN_HINT,
        error_messages={"required": "Please write something before posting."},
    )

    def clean_body(self) -> str:
        body = multi_line(self.cleaned_data["body"])
        if not body:
            raise forms.ValidationError("Please write something before posting.")
        return body


class CommentForm(CommentEditForm):
    """A new comment; staff also get the internal-note checkbox."""

    is_internal = forms.BooleanField(
        label="Internal note (staff only)",
        required=False,
        help_text="Only the team sees internal notes; the reporter and voters do not.",
    )

    def __init__(
        self,
        *args: Any,
        is_staff: bool = False,
        tenant: Tenant | None = None,
        existing_count: int = 0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not is_staff:
            del self.fields["is_internal"]
        self.tenant = tenant
        self.existing_count = existing_count
        if tenant is not None:
            self.fields["attachments"] = _attachments_field(tenant=tenant, required=False)

    def clean_attachments(self) -> list[InspectedFile]:
        return _inspected_attachments(
            self.cleaned_data["attachments"],
            tenant=self.tenant,
            existing_count=self.existing_count,
        )


class AttachmentAddForm(forms.Form):
    """More files for an existing item, from its reporter or staff."""

    def __init__(self, *args: Any, tenant: Tenant, existing_count: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tenant = tenant
        self.existing_count = existing_count
        self.fields["attachments"] = _attachments_field(tenant=tenant, required=True)
        self.fields["attachments"].label = "Add files"

    def clean_attachments(self) -> list[InspectedFile]:
        return _inspected_attachments(
            self.cleaned_data["attachments"],
            tenant=self.tenant,
            existing_count=self.existing_count,
        )


class AffectedReportForm(forms.Form):
    """ "Me too" on an integration problem: optional request id and app."""

    request_id = forms.CharField(
        max_length=120, required=False, help_text="From your failing call's response headers."
    )
    app_name = forms.CharField(
        max_length=120,
        required=False,
        label="Your app",
        widget=forms.TextInput(attrs={"placeholder": "Acme iOS"}),
    )
    app_version = forms.CharField(
        max_length=40,
        required=False,
        label="App version",
        widget=forms.TextInput(attrs={"placeholder": "4.0.2"}),
    )
