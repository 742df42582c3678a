"""Build the POST body of a Django admin change form the way a browser would send it."""

from typing import Any


def _field_value(form: Any, name: str) -> Any:
    value = form[name].value()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    return value


def change_form_data(response: Any, **changes: Any) -> dict[str, Any]:
    """The admin form's current values plus inline management forms, then `changes`."""
    context = response.context
    form = context["adminform"].form
    data: dict[str, Any] = {}
    for name in form.fields:
        value = _field_value(form, name)
        if value != "":
            data[name] = value
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        for name in management.fields:
            data[f"{formset.prefix}-{name}"] = management[name].value()
        for form in formset.forms:
            # A browser sends every rendered field back, hidden ids and extra forms' defaults.
            for name in form.fields:
                value = _field_value(form, name)
                if value != "":
                    data[f"{form.prefix}-{name}"] = getattr(value, "pk", value)
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}
