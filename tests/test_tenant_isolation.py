"""Tenant A's visitors (anonymous, portal user, staff agent) against tenant B's objects."""

import pytest
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver

from feedback.models import Comment, FeedbackItem, Vote
from feedback.services import comment_post
from tenants.models import Membership
from tests.conftest import HOST_A, make_client
from tests.isolation import NOT_OBJECT_ROUTES, ROUTES, SENTINEL, Victims


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(
                pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        else:
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name or prefix + str(pattern.pattern)


def test_every_route_is_covered():
    covered = {route.name for route in ROUTES} | set(NOT_OBJECT_ROUTES)

    uncovered = sorted(set(_walk(get_resolver("portal.urls").url_patterns)) - covered)

    assert uncovered == [], "add these routes to tests/isolation.py"


@pytest.fixture
def victims(item_b, staff_b):
    membership = Membership.objects.for_tenant(item_b.tenant).get(user=staff_b)
    comment = comment_post(
        tenant=item_b.tenant,
        item=item_b,
        author=staff_b,
        body=f"{SENTINEL} internal note of B",
        is_internal=True,
        membership=membership,
    )
    return Victims(item=item_b, membership=membership, comment=comment)


@pytest.fixture(params=["anonymous", "portal user", "staff agent", "staff owner"])
def actor_client(request, tenant_a, user1):
    from tests.factories import MembershipFactory

    if request.param == "anonymous":
        return make_client(HOST_A)
    if request.param == "portal user":
        return make_client(HOST_A, user1)
    role = "agent" if request.param == "staff agent" else "owner"
    return make_client(HOST_A, MembershipFactory(tenant=tenant_a, role=role).user)


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_tenant_a_cannot_reach_tenant_b(route, actor_client, victims, tenant_a):
    url = reverse(route.name, kwargs=route.kwargs(victims))
    votes_before = Vote.objects.for_tenant(victims.item.tenant).count()
    comments_before = list(
        Comment.objects.for_tenant(victims.item.tenant).values_list("pk", "body", "edited_at")
    )

    response = getattr(actor_client, route.method)(url, route.data or {})

    body = response.content.decode()
    if response.status_code == 302:  # anonymous: sent to a login page, nothing revealed
        assert "login" in response["Location"]
    else:
        assert response.status_code == 404
    assert SENTINEL not in body
    item = FeedbackItem.objects.for_tenant(victims.item.tenant).get(pk=victims.item.pk)
    assert item.title == victims.item.title
    assert item.status == "new"
    assert Vote.objects.for_tenant(victims.item.tenant).count() == votes_before
    membership = Membership.objects.for_tenant(victims.item.tenant).get(pk=victims.membership.pk)
    assert membership.role == "agent"
    assert (
        list(Comment.objects.for_tenant(victims.item.tenant).values_list("pk", "body", "edited_at"))
        == comments_before
    )
    assert Comment.objects.for_tenant(tenant_a).count() == 0
