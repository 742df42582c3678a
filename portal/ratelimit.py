"""Fixed-window rate limits in the cache (Redis in production), keyed by tenant.

Limits are a safety net against floods and guessing, not an exact meter: a window
boundary can let through up to twice the limit in a burst.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Limit:
        """'10/60' means 10 per 60 seconds."""
        count, seconds = text.split("/")
        return cls(int(count), int(seconds))


def client_ip(request: HttpRequest) -> str:
    """The client's address. X-Forwarded-For is believed only for the entries appended
    by our own PORTAL_TRUSTED_PROXY_COUNT proxies; anything a client sends is ignored
    (BC-17: rotating a spoofed header must not reset the limit)."""
    proxies = settings.PORTAL_TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _window_key(
    *, tenant_id: int | None, scope: str, identity: str, limit: Limit
) -> tuple[str, int]:
    """The cache key of the current window and the seconds until it ends."""
    now = time.time()
    window = int(now // limit.seconds)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:24]
    key = f"ratelimit:{tenant_id or 0}:{scope}:{digest}:{window}"
    return key, max(1, int((window + 1) * limit.seconds - now))


def limit_hit(*, tenant_id: int | None, scope: str, identity: str, limit: Limit) -> int | None:
    """Count one hit; None while under the limit, else seconds until the window ends."""
    key, retry_after = _window_key(tenant_id=tenant_id, scope=scope, identity=identity, limit=limit)
    if cache.add(key, 1, timeout=limit.seconds + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window started
            cache.add(key, 1, timeout=limit.seconds + 5)
            count = 1
    return None if count <= limit.count else retry_after


def limit_reached(*, tenant_id: int | None, scope: str, identity: str, limit: Limit) -> int | None:
    """Like limit_hit without counting: for limits on failures (wrong passwords)."""
    key, retry_after = _window_key(tenant_id=tenant_id, scope=scope, identity=identity, limit=limit)
    return retry_after if (cache.get(key) or 0) >= limit.count else None


def too_many_requests(request: HttpRequest, retry_after: int, what: str) -> HttpResponse:
    """The 429 page: what was limited and when to try again."""
    minutes = (retry_after + 59) // 60
    wait = f"{retry_after} seconds" if retry_after < 120 else f"{minutes} minutes"
    response = render(request, "429.html", {"what": what, "wait": wait}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def check_limits(
    request: HttpRequest, scope: str, *, account: str | None = None, count: bool = True
) -> int | None:
    """Apply the per-IP and per-user (or per-account) limits configured for `scope`.

    With `count=False` only looks: whether the limit is already reached.
    """
    tenant = getattr(request, "tenant", None)
    tenant_id = tenant.pk if tenant else None
    limits = settings.RATE_LIMITS.get(scope, {})
    identities = {"ip": client_ip(request)}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        identities["user"] = f"user:{user.pk}"
    if account:
        identities["account"] = f"account:{account.strip().lower()}"
    for kind, text in limits.items():
        if kind not in identities:
            continue
        retry_after = (limit_hit if count else limit_reached)(
            tenant_id=tenant_id,
            scope=f"{scope}:{kind}",
            identity=identities[kind],
            limit=Limit.parse(text),
        )
        if retry_after is not None:
            return retry_after
    return None


def rate_limited(scope: str, what: str) -> Callable:
    """View decorator: POSTs beyond the `scope` limits get the 429 page."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                retry_after = check_limits(request, scope)
                if retry_after is not None:
                    return too_many_requests(request, retry_after, what)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
