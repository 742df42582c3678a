"""Which status may follow which. Duplicate is reached only by merging."""

from __future__ import annotations

from feedback.models import FeedbackItem

Status = FeedbackItem.Status

TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.TRIAGED, Status.PLANNED, Status.IN_PROGRESS, Status.RESOLVED, Status.DECLINED}
    ),
    Status.TRIAGED: frozenset(
        {Status.PLANNED, Status.IN_PROGRESS, Status.RESOLVED, Status.DECLINED}
    ),
    Status.PLANNED: frozenset(
        {Status.TRIAGED, Status.IN_PROGRESS, Status.RESOLVED, Status.DECLINED}
    ),
    Status.IN_PROGRESS: frozenset({Status.PLANNED, Status.RESOLVED}),
    # Reopening: a fix that did not hold goes back to work.
    Status.RESOLVED: frozenset({Status.CLOSED, Status.IN_PROGRESS, Status.TRIAGED}),
    Status.CLOSED: frozenset({Status.TRIAGED}),
    Status.DECLINED: frozenset({Status.TRIAGED}),
    Status.DUPLICATE: frozenset(),
}

# Statuses shown on the public roadmap, in column order.
ROADMAP_STATUSES = (Status.PLANNED, Status.IN_PROGRESS, Status.RESOLVED)
OPEN_STATUSES = frozenset({Status.NEW, Status.TRIAGED, Status.PLANNED, Status.IN_PROGRESS})


def allowed_next_statuses(current: str) -> list[str]:
    """The statuses `current` may move to, in workflow order."""
    allowed = TRANSITIONS.get(current, frozenset())
    return [status for status in Status.values if status in allowed]


def is_allowed(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())
