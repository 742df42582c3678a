from __future__ import annotations

from typing import Any

from django import forms
from django.urls import reverse_lazy

from feedback.models import (
    COMMENT_BODY_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Component,
    FeedbackItem,
)
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


def _text_area(rows: int, placeholder: str = "") -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "placeholder": placeholder})


class ItemSubmitForm(forms.Form):
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
        wanted = {"title", "description", "component", *KIND_FIELDS.get(kind, ())}
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

    def clean_title(self) -> str:
        title = single_line(self.cleaned_data["title"])
        if len(title) < MINIMUM_TITLE_LENGTH:
            raise forms.ValidationError(
                f"Please describe it in at least {MINIMUM_TITLE_LENGTH} characters."
            )
        return title

    def clean_description(self) -> str:
        return multi_line(self.cleaned_data["description"])

    def submission(self) -> dict[str, Any]:
        """Keyword arguments for item_submit, without the empty optional details."""
        data = dict(self.cleaned_data)
        details = {k: v for k, v in data.items() if k not in {"title", "description", "component"}}
        return {
            "kind": self.kind,
            "title": data["title"],
            "description": data.get("description", ""),
            "component": data.get("component"),
            **{k: v for k, v in details.items() if v not in ("", None)},
        }


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

    def __init__(self, *args: Any, is_staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not is_staff:
            del self.fields["is_internal"]


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
