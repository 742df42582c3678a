"""Normalising user text before it is stored."""

import unicodedata

# Bidirectional overrides and isolates reorder how text is displayed (U+202E makes
# "gpj.exe" read as "exe.jpg"); nothing legitimate in a title or name needs them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def single_line(value: str) -> str:
    """Collapse every run of whitespace (CR, LF, tabs, U+2028...) into one space and strip.

    Titles and names travel into email subjects and headers, where a line break
    would inject headers or break sending.
    """
    cleaned = "".join(
        " " if ch.isspace() or unicodedata.category(ch) in {"Cc", "Zl", "Zp"} else ch
        for ch in value
        if ch not in _BIDI_CONTROLS
    )
    return " ".join(cleaned.split())


def multi_line(value: str) -> str:
    """Normalise line endings to LF, drop NUL and other control characters but tabs and LF."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch) != "Cc").strip()
