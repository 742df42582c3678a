"""The cross-tenant harness: every route that names an object, tried with tenant B's objects.

Portal routes are listed in ROUTES by hand. Admin routes (change, delete, history) are
generated for every model on the tenant admin site; each such model needs a victim in
`VICTIM_FACTORIES`. `test_every_route_is_covered` fails for any URL pattern that is
neither covered nor listed in NOT_OBJECT_ROUTES with the reason it needs no check.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from tenants.admin_sites import tenant_admin_site

SENTINEL = "SENTINEL-b-item"


@dataclass
class Victims:
    """Objects of tenant B that tenant A's visitors must never reach, by model label."""

    item: Any
    objects: dict[str, models.Model]

    def of(self, label: str) -> models.Model:
        return self.objects[label]

    @property
    def comment(self) -> Any:
        return self.objects["feedback.comment"]


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    kwargs: Callable[[Victims], dict[str, Any]]
    data: dict[str, Any] | None = None

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}"


def _build_victims(item_b: Any, staff_b: Any) -> dict[str, models.Model]:
    from django.utils import timezone
    from PIL.PngImagePlugin import PngInfo

    from feedback.attachments import attachments_add
    from feedback.models import Component, OutboundMessage, StatusChange, SurveyInvite, Tag
    from feedback.services import comment_post, item_change_status
    from tenants.models import Membership
    from tests.factories import png_upload

    tenant = item_b.tenant
    membership = Membership.objects.for_tenant(tenant).get(user=staff_b)
    # The sentinel sits in the file's name and in its bytes (a PNG text chunk).
    text_chunk = PngInfo()
    text_chunk.add_text("Comment", SENTINEL)
    [attachment] = attachments_add(
        tenant=tenant,
        item=item_b,
        uploaded_by=staff_b,
        files=[png_upload(f"{SENTINEL}.png", pnginfo=text_chunk)],
    )
    tag = Tag.objects.create(tenant=tenant, name=f"{SENTINEL} tag", slug="sentinel-tag")
    item_b.tags.add(tag)
    item_change_status(
        tenant=tenant, item=item_b, actor=staff_b, to_status="triaged", message=SENTINEL
    )
    return {
        "feedback.feedbackitem": item_b,
        "feedback.tag": tag,
        "feedback.component": Component.objects.create(tenant=tenant, name=f"{SENTINEL} part"),
        "feedback.statuschange": StatusChange.objects.for_tenant(tenant).get(item=item_b),
        "tenants.membership": membership,
        "feedback.comment": comment_post(
            tenant=tenant,
            item=item_b,
            author=staff_b,
            body=f"{SENTINEL} internal note of B",
            is_internal=True,
            membership=membership,
        ),
        "feedback.attachment": attachment,
        "feedback.releasenote": _published_note(tenant, item_b),
        "feedback.outboundmessage": OutboundMessage.objects.for_tenant(tenant).get(
            item=item_b, event_type=OutboundMessage.Event.ACKNOWLEDGMENT
        ),
        "feedback.surveyinvite": SurveyInvite.objects.create(
            tenant=tenant,
            item=item_b,
            user=item_b.reporter,
            scheduled_at=timezone.now(),
            status=SurveyInvite.Status.SENT,
            comment=f"{SENTINEL} survey comment",
        ),
    }


def _published_note(tenant: Any, item_b: Any) -> Any:
    from feedback.releases import release_note_publish, release_note_save

    note = release_note_save(
        tenant=tenant,
        title=f"{SENTINEL} release",
        body=f"{SENTINEL} shipped",
        slug="sentinel-b-release",
        items=[item_b],
    )
    return release_note_publish(tenant=tenant, note=note, actor=None)


def build_victims(item_b: Any, staff_b: Any) -> Victims:
    return Victims(item=item_b, objects=_build_victims(item_b, staff_b))


def _unsubscribe_token(victims: Victims) -> dict[str, Any]:
    from feedback.notifications.tokens import unsubscribe_token_make

    item = victims.item
    return {"token": unsubscribe_token_make(tenant=item.tenant, user=item.reporter)}


def _survey_token(victims: Victims) -> dict[str, Any]:
    from feedback.notifications.tokens import survey_token_make

    return {"token": survey_token_make(invite=victims.of("feedback.surveyinvite"), score=1)}


def _admin_routes() -> list[Route]:
    routes = []
    for model in tenant_admin_site._registry:
        label = model._meta.label_lower
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"

        def object_id(victims: Victims, label: str = label) -> dict[str, Any]:
            return {"object_id": victims.of(label).pk}

        routes += [
            Route(f"{prefix}_change", "get", object_id),
            Route(f"{prefix}_change", "post", object_id, data={"title": "hacked", "role": "owner"}),
            Route(f"{prefix}_delete", "get", object_id),
            Route(f"{prefix}_delete", "post", object_id, data={"post": "yes"}),
            Route(f"{prefix}_history", "get", object_id),
        ]
    return routes


def _confirmation_token(victims: Victims) -> dict[str, Any]:
    from feedback.notifications.tokens import confirmation_token_make

    return {"token": confirmation_token_make(item=victims.item)}


ROUTES: list[Route] = [
    Route("item-confirm", "get", _confirmation_token),
    Route("item-confirm", "post", _confirmation_token),
    Route("release-detail", "get", lambda v: {"slug": v.of("feedback.releasenote").slug}),
    Route("item-detail", "get", lambda v: {"key": v.item.key}),
    Route("item-vote", "post", lambda v: {"key": v.item.key}),
    Route("item-unvote", "post", lambda v: {"key": v.item.key}),
    Route("item-follow", "post", lambda v: {"key": v.item.key}),
    Route("item-unfollow", "post", lambda v: {"key": v.item.key}),
    Route(
        "item-vote-for-customer",
        "post",
        lambda v: {"key": v.item.key},
        data={"email": "victim-voter@b.test"},
    ),
    Route("item-attachments-add", "post", lambda v: {"key": v.item.key}),
    Route(
        "item-attachment",
        "get",
        lambda v: {"key": v.item.key, "pk": v.of("feedback.attachment").pk},
    ),
    Route(
        "item-attachment-thumbnail",
        "get",
        lambda v: {"key": v.item.key, "pk": v.of("feedback.attachment").pk},
    ),
    *_admin_routes(),
    Route("comment-post", "post", lambda v: {"key": v.item.key}, data={"body": "hacked"}),
    Route("comment-edit", "get", lambda v: {"key": v.item.key, "comment_id": v.comment.pk}),
    Route(
        "comment-edit",
        "post",
        lambda v: {"key": v.item.key, "comment_id": v.comment.pk},
        data={"body": "hacked"},
    ),
    Route("comment-delete", "post", lambda v: {"key": v.item.key, "comment_id": v.comment.pk}),
    Route("item-affected", "post", lambda v: {"key": v.item.key}, data={"request_id": "hacked"}),
    # B's signed unsubscribe link on A's host: 404, B's preference untouched.
    Route("notification-unsubscribe", "get", _unsubscribe_token),
    Route("notification-unsubscribe", "post", _unsubscribe_token),
    # B's signed survey link on A's host: 404, B's invitation unanswered.
    Route("survey-answer", "get", _survey_token),
    Route("survey-answer", "post", _survey_token, data={"comment": "hacked"}),
]

# URL patterns (by name, or by pattern text when unnamed) that take no object of a tenant.
NOT_OBJECT_ROUTES: dict[str, str] = {
    "admin:index": "lists only the current tenant's models",
    "admin:login": "no object",
    "admin:logout": "no object",
    "admin:password_change": "acts on the signed-in user only",
    "admin:password_change_done": "no object",
    "admin:autocomplete": "searches through the scoped model admins",
    "admin:jsi18n": "static catalogue",
    "admin:app_list": "app label, not an object",
    "admin/(?P<url>.*)$": "admin catch-all: 404 or redirect to login",
    "login": "no object",
    "logout": "no object",
    "signup": "no object",
    "password-reset": "emails only the host tenant's account for the address",
    "password-reset-sent": "static page",
    "password-reset-complete": "static page",
    "password-reset-confirm": (
        "the uid is looked up inside the host tenant; another tenant's link shows the "
        "invalid-link page and changes nothing (tests/tenants/test_password_reset.py)"
    ),
    "health": "no object",
    "home": "lists the host's tenant only",
    "roadmap": "lists the host's tenant only (test_roadmap)",
    "release-list": "lists the host's tenant only (test_release_notes)",
    "release-feed": "lists the host's tenant only (test_release_notes)",
    "my-feedback": "the signed-in user's own items in the host's tenant",
    "item-submit": "creates in the host's tenant",
    "item-similar": "searches the host's tenant only (tests/feedback/test_similar.py)",
    "notification-preferences": "the signed-in user's own preference in the host's tenant",
    "admin:feedback_outboundmessage_send_test": "sends to a typed-in address, as the host tenant",
}
_ADMIN_COLLECTION = re.compile(r"^admin:\w+_(changelist|add)$")
_ADMIN_OBJECT_REDIRECT = re.compile(r"^admin/\w+/\w+/<path:object_id>/$")


def is_exempt(name: str) -> bool:
    """Admin list/add pages are scoped lists (tested in test_admin); /<id>/ only redirects."""
    return (
        name in NOT_OBJECT_ROUTES
        or bool(_ADMIN_COLLECTION.match(name))
        or bool(_ADMIN_OBJECT_REDIRECT.match(name))
    )
