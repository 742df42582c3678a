"""Mask secrets in what developers paste (headers, URLs, JSON, form bodies) before storing it."""

from __future__ import annotations

import re

MASK = "[REDACTED]"

# Names of parameters that carry secrets (the names themselves are not secrets).
_SECRET_NAMES = "|".join(
    [
        r"api[_-]?key|apikey|access[_-]?token|refresh[_-]?token|id[_-]?token|auth[_-]?token",
        r"token|client[_-]?secret|secret|password|passwd|pwd|session[_-]?id|sessionid",
        r"signature|sig|private[_-]?key",
    ]
)

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    # Header lines: Authorization / Proxy-Authorization / Cookie / Set-Cookie / X-Api-Key ...
    (
        re.compile(
            r"(?im)^(\s*[\"']?(?:proxy-)?authorization|\s*[\"']?(?:set-)?cookie"
            r"|\s*[\"']?x-[a-z-]*(?:api-?key|token|secret|auth)[a-z-]*)([\"']?\s*[:=]\s*)(.+)$"
        ),
        r"\1\2" + MASK,
    ),
    # Bearer / Basic / Token credentials anywhere (curl -H, logs).
    (re.compile(r"(?i)\b(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 " + MASK),
    # JSON: "password": "...", "api_key": "..."
    (
        re.compile(rf"(?i)([\"'](?:{_SECRET_NAMES})[\"']\s*:\s*)([\"'])(?:\\.|(?!\2).)*\2"),
        r"\1\2" + MASK + r"\2",
    ),
    # Query strings and form bodies: api_key=..., &password=...
    (re.compile(rf"(?i)\b((?:{_SECRET_NAMES})=)[^&\s\"'<>]+"), r"\1" + MASK),
    # Credentials inside URLs: https://user:pass@host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s/:@]+:)[^\s/@]+@"), r"\1" + MASK + "@"),
    # Well-known token shapes: JWTs, GitHub, Slack, Stripe-like and AWS access keys.
    (re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}"), MASK),
    (re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{20,}|xox[abpr]-[A-Za-z0-9-]{10,})"), MASK),
    (re.compile(r"\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{10,}"), MASK),
    (re.compile(r"\bAKIA[0-9A-Z]{16}\b"), MASK),
]


def redact_secrets(text: str) -> str:
    """Return `text` with credentials replaced by [REDACTED]; everything else unchanged."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
