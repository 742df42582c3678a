"""Ticket keys: ACME-42 for item number 42 of the tenant whose prefix is ACME."""

from __future__ import annotations

import re

_MAX_DIGITS = 9
_URL_NUMBER = re.compile(rf"[1-9][0-9]{{0,{_MAX_DIGITS - 1}}}")
_KEY = re.compile(rf"\s*(?:([A-Za-z][A-Za-z0-9]*)-|#)?([0-9]{{1,{_MAX_DIGITS}}})\s*")


def parse_ticket_number(text: str, prefix: str) -> int | None:
    """The number in "ACME-42", "acme-42", "#42" or "42" for `prefix`; None otherwise."""
    match = _KEY.fullmatch(text)
    if not match or (match.group(1) and match.group(1).upper() != prefix):
        return None
    return int(match.group(2))


def number_from_url_key(key: str, prefix: str) -> int | None:
    """The number of a canonical URL key (exact prefix, no leading zeros); None otherwise."""
    head, _, number = key.rpartition("-")
    # ASCII digits only: superscripts and other scripts' digits pass str.isdigit().
    if head != prefix or not _URL_NUMBER.fullmatch(number):
        return None
    return int(number)
