"""Shared fixtures. Every fixture set has two tenants: a (the actor) and b (the victim)."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from tests.factories import MembershipFactory, TenantFactory, UserFactory, submit_item

HOST_A = "a.portal.test"
HOST_B = "b.portal.test"
PLATFORM_HOST = "portal.test"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a fresh folder per test, never to the project's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _clear_own_cache() -> None:
    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*"))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; tenant ids repeat from test to test."""
    _clear_own_cache()
    yield
    _clear_own_cache()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the services schedule on commit (the hand-over to Celery, eager here)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def tenant_a(db):
    return TenantFactory(slug="a", name="Tenant A", ticket_prefix="AAA")


@pytest.fixture
def tenant_b(db):
    return TenantFactory(slug="b", name="Tenant B", ticket_prefix="BBB")


@pytest.fixture
def user1(tenant_a):
    return UserFactory(tenant=tenant_a, email="user1@a.test", display_name="User One")


@pytest.fixture
def user2(tenant_a):
    return UserFactory(tenant=tenant_a, email="user2@a.test", display_name="User Two")


@pytest.fixture
def staff1(tenant_a):
    return MembershipFactory(
        tenant=tenant_a, user=UserFactory(tenant=tenant_a, email="staff1@a.test")
    ).user


@pytest.fixture
def user_b(tenant_b):
    return UserFactory(tenant=tenant_b, email="user1@b.test")


@pytest.fixture
def staff_b(tenant_b):
    return MembershipFactory(
        tenant=tenant_b, user=UserFactory(tenant=tenant_b, email="staff@b.test")
    ).user


def make_client(host, user=None, **kwargs):
    client = Client(HTTP_HOST=host, **kwargs)
    if user is not None:
        client.force_login(user, backend="tenants.auth.TenantEmailBackend")
    return client


@pytest.fixture
def anon_a(tenant_a):
    return make_client(HOST_A)


@pytest.fixture
def client_user1(user1):
    return make_client(HOST_A, user1)


@pytest.fixture
def client_user2(user2):
    return make_client(HOST_A, user2)


@pytest.fixture
def client_staff1(staff1):
    return make_client(HOST_A, staff1)


@pytest.fixture
def item_a(tenant_a, user1):
    return submit_item(tenant_a, user1, title="Export invoices as CSV")


@pytest.fixture
def item_b(tenant_b, user_b):
    return submit_item(tenant_b, user_b, title="SENTINEL-b-item Bravo-only")
