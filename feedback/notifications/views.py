"""One-click unsubscribe (no login, signed token) and the signed-in preferences page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from feedback.notifications.models import NotificationPreference
from feedback.notifications.services import preference_get, preference_set
from feedback.notifications.tokens import TokenInvalid, unsubscribe_token_read
from tenants.models import User

Level = NotificationPreference.Level


class PreferenceForm(forms.Form):
    level = forms.ChoiceField(
        label="Email me about", choices=Level.choices, widget=forms.RadioSelect
    )


def _unsubscribe_user(request: HttpRequest, token: str) -> User | HttpResponse:
    try:
        claim = unsubscribe_token_read(token)
    except TokenInvalid:
        return render(request, "notifications/unsubscribe_invalid.html", status=400)
    if claim.tenant_id != request.tenant.pk:
        raise Http404("No such subscriber here.")  # another portal's link: not ours to know
    user = User.objects.for_tenant(request.tenant).filter(pk=claim.user_id).first()
    if user is None:
        raise Http404("No such subscriber here.")
    return user


# The signed token authenticates the POST: RFC 8058 one-click clients send no CSRF
# token and no cookies. GET only shows the button, so it changes nothing.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe_view(request: HttpRequest, token: str) -> HttpResponse:
    user = _unsubscribe_user(request, token)
    if isinstance(user, HttpResponse):
        return user
    if request.method == "POST":
        # Replaying the link is harmless: "nothing" stays "nothing".
        preference_set(tenant=request.tenant, user=user, level=Level.NOTHING)
        return render(request, "notifications/unsubscribe_done.html", {"email": user.email})
    return render(request, "notifications/unsubscribe_confirm.html", {"email": user.email})


@login_required
@require_http_methods(["GET", "POST"])
def preferences_view(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            preference_set(
                tenant=request.tenant, user=request.user, level=form.cleaned_data["level"]
            )
            messages.success(request, "Your email preferences are saved.")
            return redirect("notification-preferences")
        status = 400
    else:
        level = preference_get(tenant=request.tenant, user=request.user)
        form = PreferenceForm(initial={"level": level})
        status = 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)
