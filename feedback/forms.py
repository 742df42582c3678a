from typing import Any

from django import forms

from feedback.models import (
    COMMENT_BODY_MAX_LENGTH,
    DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    FeedbackItem,
)
from feedback.text import multi_line, single_line

MINIMUM_TITLE_LENGTH = 8


class ItemSubmitForm(forms.Form):
    kind = forms.ChoiceField(
        choices=FeedbackItem.Kind.choices,
        initial=FeedbackItem.Kind.IDEA,
        help_text="Security reports are always private: only you and the team see them.",
    )
    title = forms.CharField(
        max_length=TITLE_MAX_LENGTH,
        help_text="One line that someone else with the same problem would recognise.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    description = forms.CharField(
        max_length=DESCRIPTION_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="What happened, what you expected, and how to reproduce it.",
    )

    def clean_title(self) -> str:
        title = single_line(self.cleaned_data["title"])
        if len(title) < MINIMUM_TITLE_LENGTH:
            raise forms.ValidationError(
                f"Please describe it in at least {MINIMUM_TITLE_LENGTH} characters."
            )
        return title

    def clean_description(self) -> str:
        return multi_line(self.cleaned_data["description"])


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
