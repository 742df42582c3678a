"""The landing page of a one-click survey link: records the score, invites a comment."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from feedback.models import SurveyInvite
from feedback.models.surveys import SURVEY_COMMENT_MAX_LENGTH
from feedback.notifications.tokens import TokenInvalid, survey_token_read
from feedback.surveys import survey_answer, survey_comment


class SurveyCommentForm(forms.Form):
    comment = forms.CharField(
        label="Anything to add? (optional)",
        required=False,
        max_length=SURVEY_COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# GET records the score: mail scanners may prefetch it, acceptable for CSAT, and a
# repeated or different click only updates the same invitation.
@require_http_methods(["GET", "POST"])
def survey_answer_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        claim = survey_token_read(token)
    except TokenInvalid:
        return render(request, "surveys/invalid.html", status=400)
    if claim.tenant_id != request.tenant.pk:
        raise Http404("No such survey here.")  # another portal's link: not ours to know
    invite = (
        SurveyInvite.objects.for_tenant(request.tenant)
        .filter(pk=claim.invite_id)
        .exclude(status__in=[SurveyInvite.Status.SCHEDULED, SurveyInvite.Status.CANCELLED])
        .select_related("item__tenant")
        .first()
    )
    if invite is None:
        raise Http404("No such survey here.")
    survey_answer(tenant=request.tenant, invite=invite, score=claim.score)
    status, saved = 200, False
    if request.method == "POST":
        form = SurveyCommentForm(request.POST)
        if form.is_valid():
            survey_comment(
                tenant=request.tenant, invite=invite, comment=form.cleaned_data["comment"]
            )
            saved = True
        else:
            status = 400
    else:
        form = SurveyCommentForm(initial={"comment": invite.comment})
    context = {"invite": invite, "item": invite.item, "form": form, "saved": saved}
    return render(request, "surveys/answer.html", context, status=status)
