"""The production cache backend against real Redis."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache

pytestmark = pytest.mark.services


def test_cache_is_redis_when_redis_url_is_set():
    assert os.environ.get("REDIS_URL"), "the services suite needs REDIS_URL"
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def test_values_round_trip_through_redis():
    cache.set("services-check", {"tenant": 7, "value": "ok"}, timeout=30)

    assert cache.get("services-check") == {"tenant": 7, "value": "ok"}
    cache.delete("services-check")
    assert cache.get("services-check") is None
