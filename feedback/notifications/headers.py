"""The one place where user text becomes an email header value (BC-11)."""

from __future__ import annotations

from email.utils import formataddr, parseaddr

from portal.text import single_line

SUBJECT_MAX_LENGTH = 180


def header_text(value: object, *, max_length: int = SUBJECT_MAX_LENGTH) -> str:
    """One line of text for a header: CR, LF, U+2028 and every other break become a space.

    Titles are already single-lined when stored; this runs again because headers are
    also built from names, tenant settings and anything added later.
    """
    text = single_line(str(value))
    if len(text) > max_length:
        text = text[: max_length - 1].rstrip() + "…"
    return text


def address_header(display_name: str, address: str) -> str:
    """`"Name" <address>` with the name single-lined and quoted as RFC 5322 needs."""
    return formataddr((header_text(display_name, max_length=80), header_text(address)))


def from_address(tenant_name: str, default_from: str) -> str:
    """The default sender address shown under the tenant's name."""
    _, address = parseaddr(default_from)
    return address_header(tenant_name, address or default_from)
