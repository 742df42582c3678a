"""The cross-tenant harness: every route that names an object, tried with tenant B's objects.

Add a Route here for every new URL pattern or API operation that takes an id, key or
slug. `test_every_route_is_covered` fails for a pattern that is neither here nor in
NOT_OBJECT_ROUTES (with the reason it needs no isolation check).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SENTINEL = "SENTINEL-b-item"


@dataclass(frozen=True)
class Victims:
    """Objects of tenant B that tenant A's visitors must never reach."""

    item: Any
    membership: Any
    comment: Any


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    kwargs: Callable[[Victims], dict[str, Any]]
    data: dict[str, Any] | None = None

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.name}"


ROUTES: list[Route] = [
    Route("item-detail", "get", lambda v: {"key": v.item.key}),
    Route("item-vote", "post", lambda v: {"key": v.item.key}),
    Route("item-unvote", "post", lambda v: {"key": v.item.key}),
    Route("comment-post", "post", lambda v: {"key": v.item.key}, data={"body": "hacked"}),
    Route("comment-edit", "get", lambda v: {"key": v.item.key, "comment_id": v.comment.pk}),
    Route(
        "comment-edit",
        "post",
        lambda v: {"key": v.item.key, "comment_id": v.comment.pk},
        data={"body": "hacked"},
    ),
    Route("comment-delete", "post", lambda v: {"key": v.item.key, "comment_id": v.comment.pk}),
    Route("admin:feedback_feedbackitem_change", "get", lambda v: {"object_id": v.item.pk}),
    Route(
        "admin:feedback_feedbackitem_change",
        "post",
        lambda v: {"object_id": v.item.pk},
        data={"kind": "idea", "status": "closed", "title": "hacked", "is_public": "on"},
    ),
    Route("admin:feedback_feedbackitem_delete", "get", lambda v: {"object_id": v.item.pk}),
    Route(
        "admin:feedback_feedbackitem_delete",
        "post",
        lambda v: {"object_id": v.item.pk},
        data={"post": "yes"},
    ),
    Route("admin:feedback_feedbackitem_history", "get", lambda v: {"object_id": v.item.pk}),
    Route("admin:tenants_membership_change", "get", lambda v: {"object_id": v.membership.pk}),
    Route(
        "admin:tenants_membership_change",
        "post",
        lambda v: {"object_id": v.membership.pk},
        data={"role": "viewer"},
    ),
    Route(
        "admin:tenants_membership_delete",
        "post",
        lambda v: {"object_id": v.membership.pk},
        data={"post": "yes"},
    ),
    Route("admin:tenants_membership_history", "get", lambda v: {"object_id": v.membership.pk}),
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
    "admin:tenants_membership_changelist": "scoped list, covered by test_admin",
    "admin:tenants_membership_add": "creates in the host's tenant",
    "admin:feedback_feedbackitem_changelist": "scoped list, covered by test_admin",
    "admin:feedback_feedbackitem_add": "disabled: items are created through the portal",
    "admin/tenants/membership/<path:object_id>/": "redirects to the change route above",
    "admin/feedback/feedbackitem/<path:object_id>/": "redirects to the change route above",
    "admin/(?P<url>.*)$": "admin catch-all: 404 or redirect to login",
    "login": "no object",
    "logout": "no object",
    "signup": "no object",
    "health": "no object",
    "home": "lists the host's tenant only",
    "item-submit": "creates in the host's tenant",
}
