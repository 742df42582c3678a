"""Similar items for a title being typed: "someone already reported this, vote instead".

Portable part (SQLite and PostgreSQL): titles are reduced to word stems (case and accents
folded, stop words dropped, a small suffix stemmer so "log", "login" and "logging" meet)
and scored by the overlap of stems (Dice coefficient) in Python, over a bounded set of
candidates that the database finds by substring. On PostgreSQL, pg_trgm's similarity
also picks candidates and scores them, which tolerates typos ("exprot").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.db.models import Q

from feedback.models import FeedbackItem
from feedback.selectors import items_visible_to
from tenants.models import Tenant, User

SUGGESTION_LIMIT = 5
# Rows scored in Python per request: bounds the work whatever the tenant's size.
CANDIDATE_LIMIT = 300
# Only the first words of a pasted essay count; the rest would only widen the search.
MAX_QUERY_STEMS = 12
MAX_QUERY_LENGTH = 300
# PostgreSQL: trigram similarity that makes a row a candidate, and one that suggests it
# on its own (pg_trgm's default threshold for the % operator).
TRIGRAM_CANDIDATE_MINIMUM = 0.15
TRIGRAM_SUGGESTION_MINIMUM = 0.3

# Whitespace-separated, so the list stays a readable block.
_STOP_WORDS_TEXT = """
    a about after again all also am an and any are as at be been before being but by can
    cannot cant could did didnt do does doesnt dont during each for from get gets got had
    has have having he her here his how i if im in into is isnt it its ive just me more
    most my no nor not now of off on once only or other our out over please same she should
    so some such than that the their them then there these they this those through to too
    under until up very was wasnt we were werent what when where which while who why will
    with wont would you your
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
# Words the suffix rules cannot bring together.
IRREGULAR_STEMS = {
    "login": "log",
    "logins": "log",
    "logon": "log",
    "signin": "sign",
    "signon": "sign",
    "crashed": "crash",
}
_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = "'\u2019"  # ASCII and typographic apostrophes


def fold(text: str) -> str:
    """Lower case without accents ("Café" -> "cafe"); apostrophes dropped ("can't" -> "cant")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(
        ch for ch in decomposed if unicodedata.category(ch) != "Mn" and ch not in _APOSTROPHES
    )


def stem(word: str) -> str:
    """A deliberately small English stemmer: plural, -ing, -ed, a final -e."""
    if word in IRREGULAR_STEMS:
        return IRREGULAR_STEMS[word]
    if len(word) <= 3 or not word.isalpha():
        return word
    base = word
    if word.endswith("ies") and len(word) > 4:
        base = word[:-3] + "y"
    elif word.endswith(("ing", "ed")) and not word.endswith("eed"):
        cut = word[:-3] if word.endswith("ing") else word[:-2]
        if len(cut) >= 3 and any(vowel in cut for vowel in "aeiouy"):  # not str(ing)
            base = cut
            # logging -> logg -> log; but not "fall" -> "fal"
            if len(base) >= 4 and base[-1] == base[-2] and base[-1] not in "aeioulsz":
                base = base[:-1]
    elif word.endswith(("sses", "shes", "ches", "xes", "zes")):
        base = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        base = word[:-1]
    if len(base) >= 4 and base.endswith("e"):
        base = base[:-1]  # save, saves, saved, saving -> sav
    return base


def significant_words(text: str) -> list[str]:
    """The folded words of `text` that carry meaning, in order, without repeats."""
    words: list[str] = []
    for word in _WORD.findall(fold(text)):
        if (len(word) >= 2 or word.isdigit()) and word not in STOP_WORDS and word not in words:
            words.append(word)
    return words


def stems(text: str) -> frozenset[str]:
    """The set of word stems of `text`."""
    return frozenset(stem(word) for word in significant_words(text))


def overlap_score(query_stems: frozenset[str], title_stems: frozenset[str]) -> float:
    """Dice coefficient of the two stem sets: 1.0 for the same words, 0.0 for none shared."""
    if not query_stems or not title_stems:
        return 0.0
    shared = len(query_stems & title_stems)
    return 2 * shared / (len(query_stems) + len(title_stems))


@dataclass(frozen=True)
class SimilarItem:
    """What a suggestion shows: enough to recognise the item and go vote for it."""

    key: str
    title: str
    kind: str
    status: str
    status_label: str
    vote_count: int
    score: float


def _search_terms(text: str) -> tuple[frozenset[str], list[str]]:
    """Stems to score with, and substrings to find candidates with."""
    raw_words = [word for word in _WORD.findall(text.casefold()) if word not in STOP_WORDS]
    query_stems: list[str] = []
    terms: list[str] = []
    for word in significant_words(text):
        word_stem = stem(word)
        if word_stem in query_stems:
            continue
        query_stems.append(word_stem)
        terms.append(word_stem)
        if word_stem.endswith("y") and len(word_stem) > 3:
            terms.append(word_stem[:-1])  # query -> quer, also finds "queries"
        if len(query_stems) == MAX_QUERY_STEMS:
            break
    # The words as typed too, so "café" still finds "Café" where the database does not fold.
    terms += [word for word in raw_words if fold(word) != word][:MAX_QUERY_STEMS]
    return frozenset(query_stems), list(dict.fromkeys(terms))


def items_similar(
    *,
    tenant: Tenant,
    viewer: User | AnonymousUser,
    title: str,
    kind: str = "",
    is_staff: bool = False,
    limit: int = SUGGESTION_LIMIT,
) -> list[SimilarItem]:
    """Up to `limit` items of `tenant` the viewer may see whose titles resemble `title`.

    Best match first; on equal scores items of the same `kind`, then more votes, then
    newer. Duplicates are never suggested (their votes live on the canonical item). Any
    text is accepted; text without a meaningful word gives [] without a query.
    """
    text = title.replace("\x00", "")[:MAX_QUERY_LENGTH]
    query_stems, terms = _search_terms(text)
    if not query_stems:
        return []
    queryset = items_visible_to(tenant=tenant, viewer=viewer, is_staff=is_staff).exclude(
        status=FeedbackItem.Status.DUPLICATE
    )
    contains_any = Q()
    for term in terms:
        contains_any |= Q(title__icontains=term)
    fields = ["number", "title", "kind", "status", "vote_count"]
    if connections[queryset.db].vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        folded_query = " ".join(significant_words(text))
        queryset = (
            queryset.annotate(trigram=TrigramSimilarity("title", folded_query))
            .filter(contains_any | Q(trigram__gte=TRIGRAM_CANDIDATE_MINIMUM))
            .order_by("-trigram", "-vote_count", "-id")
        )
        fields.append("trigram")
    else:
        queryset = queryset.filter(contains_any).order_by("-vote_count", "-id")
    scored = []
    for row in queryset.values(*fields)[:CANDIDATE_LIMIT]:
        score = overlap_score(query_stems, stems(row["title"]))
        trigram = row.get("trigram") or 0.0
        if trigram >= TRIGRAM_SUGGESTION_MINIMUM:
            score = max(score, trigram)
        if score > 0:
            scored.append((score, row))
    scored.sort(
        key=lambda pair: (
            -pair[0],
            pair[1]["kind"] != kind,
            -pair[1]["vote_count"],
            -pair[1]["number"],
        )
    )
    return [
        SimilarItem(
            key=f"{tenant.ticket_prefix}-{row['number']}",
            title=row["title"],
            kind=row["kind"],
            status=row["status"],
            status_label=FeedbackItem.Status(row["status"]).label,
            vote_count=row["vote_count"],
            score=round(score, 3),
        )
        for score, row in scored[:limit]
    ]
