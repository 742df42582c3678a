"""A honeypot field: invisible to people, irresistible to form-filling bots."""

from __future__ import annotations

from typing import Any

from django import forms

HONEYPOT_FIELD = "website"
AUTOMATED_MESSAGE = (
    "This looked like an automated submission, so nothing was saved. "
    "If you are a person, please reload the page and try again."
)


class HoneypotFormMixin(forms.Form):
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Last in the form, so the visible fields keep their natural order.
        self.fields[HONEYPOT_FIELD] = self.fields.pop(HONEYPOT_FIELD)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get(HONEYPOT_FIELD):
            raise forms.ValidationError(AUTOMATED_MESSAGE, code="honeypot")
        return cleaned
