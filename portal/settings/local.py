"""The embedded default: what `python3 dev.py serve` runs. Never for production."""

from .base import *  # noqa: F403
from .base import SECRET_KEY, VAR_DIR

# A fixed development key is fine here: production.py refuses to start with it.
SECRET_KEY = SECRET_KEY or "django-insecure-local-only-hypercare-portal-development-key"
PORTAL_PUBLIC_PORT = PORTAL_PUBLIC_PORT or ":8000"  # noqa: F405

PORTAL_PLATFORM_HOSTS = PORTAL_PLATFORM_HOSTS or ["127.0.0.1"]  # noqa: F405
PORTAL_LIST_TENANTS_ON_LANDING = True

VAR_DIR.mkdir(parents=True, exist_ok=True)

# Tasks run in-process here: one INFO line per email would bury the server's output.
LOGGING["loggers"].update(  # noqa: F405
    {"celery": {"level": "WARNING"}, "kombu": {"level": "ERROR"}}
)
