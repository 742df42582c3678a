from django import forms

from feedback.models import DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH, FeedbackItem
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
