"""Test settings: fast hasher, in-memory email, eager Celery.

DATABASE_URL and REDIS_URL still apply, so the `services` suite runs these same
settings against real PostgreSQL and Redis.
"""

import os

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = "test-only-secret-key-not-for-anything-else-0123456789abcdef"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = not env.bool("CELERY_WORKER_TESTS", default=False)
PORTAL_BASE_DOMAIN = "portal.test"
PORTAL_PUBLIC_PORT = ""
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405
WHITENOISE_AUTOREFRESH = True
if CACHES["default"]["BACKEND"].endswith("RedisCache"):  # noqa: F405
    # Parallel test workers share one Redis: each keeps to its own key prefix, and
    # tests clear only their own keys (never FLUSHDB, which would also drop a broker's
    # queued tasks).
    CACHES["default"]["KEY_PREFIX"] = "hc-test-" + os.environ.get("PYTEST_XDIST_WORKER", "main")  # noqa: F405
