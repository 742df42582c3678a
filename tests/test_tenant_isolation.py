"""Tenant A's visitors (anonymous, portal user, staff agent) against tenant B's objects."""

import pytest
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver

from feedback.models import (
    Attachment,
    Comment,
    FeedbackItem,
    NotificationPreference,
    StatusChange,
    Subscription,
    Tag,
    Vote,
)
from tenants.admin_sites import tenant_admin_site
from tenants.models import Membership, User
from tests.conftest import HOST_A, make_client
from tests.isolation import ROUTES, SENTINEL, build_victims, is_exempt


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
    covered = {route.name for route in ROUTES}

    uncovered = sorted(
        name
        for name in set(_walk(get_resolver("portal.urls").url_patterns))
        if name not in covered and not is_exempt(name)
    )

    assert uncovered == [], "add these routes to tests/isolation.py"


@pytest.mark.django_db
def test_every_tenant_admin_model_has_a_victim(item_b, staff_b):
    victims = build_victims(item_b, staff_b)

    missing = sorted(
        model._meta.label_lower
        for model in tenant_admin_site._registry
        if model._meta.label_lower not in victims.objects
    )

    assert missing == [], "add a victim for these models to tests/isolation.py"


@pytest.fixture
def victims(item_b, staff_b):
    return build_victims(item_b, staff_b)


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
    tenant = victims.item.tenant
    item = FeedbackItem.objects.for_tenant(tenant).get(pk=victims.item.pk)
    assert (item.title, item.status) == (victims.item.title, "triaged")
    assert Vote.objects.for_tenant(tenant).count() == votes_before
    assert (
        Membership.objects.for_tenant(tenant).get(pk=victims.of("tenants.membership").pk).role
        == "agent"
    )
    assert Tag.objects.for_tenant(tenant).count() == 1
    assert StatusChange.objects.for_tenant(tenant).count() == 1
    assert (
        list(Comment.objects.for_tenant(tenant).values_list("pk", "body", "edited_at"))
        == comments_before
    )
    assert Comment.objects.for_tenant(tenant_a).count() == 0
    assert Subscription.objects.for_tenant(tenant).filter(item=item).count() == 1
    assert User.objects.filter(email="victim-voter@b.test").count() == 0
    assert Attachment.objects.for_tenant(tenant).count() == 1
    assert NotificationPreference.objects.for_tenant(tenant).count() == 0
