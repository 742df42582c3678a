"""Signed, expiring link tokens (unsubscribe, confirm a submission, answer a survey).

Each names its tenant and the one object it acts on, nothing else; each kind has its
own salt, so a token of one kind is never accepted as another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core import signing

from tenants.models import Tenant, User

UNSUBSCRIBE_TOKEN_MAX_AGE = timedelta(days=60)
CONFIRMATION_TOKEN_MAX_AGE = timedelta(days=7)
SURVEY_TOKEN_MAX_AGE = timedelta(days=30)
_UNSUBSCRIBE_SALT = "feedback.notifications.unsubscribe"
_CONFIRM_SALT = "feedback.anonymous-submission.confirm"
_SURVEY_SALT = "feedback.surveys.score"


class TokenInvalid(Exception):
    """The token is forged, damaged or expired."""


def _make(payload: dict[str, int], salt: str) -> str:
    return signing.dumps(payload, salt=salt, compress=True)


def _read(token: str, salt: str, max_age: timedelta, fields: tuple[str, ...]) -> list[int]:
    """The integer fields of a token, in order; TokenInvalid if forged, damaged or expired."""
    try:
        data: Any = signing.loads(token, salt=salt, max_age=max_age)
        return [int(data[field]) for field in fields]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise TokenInvalid from error


@dataclass(frozen=True)
class UnsubscribeClaim:
    tenant_id: int
    user_id: int


def unsubscribe_token_make(*, tenant: Tenant, user: User) -> str:
    """A token for the one-click unsubscribe link of `user` in `tenant`."""
    return _make({"t": tenant.pk, "u": user.pk}, _UNSUBSCRIBE_SALT)


def unsubscribe_token_read(token: str) -> UnsubscribeClaim:
    """The tenant and user a token was made for; TokenInvalid if forged, damaged or expired."""
    tenant_id, user_id = _read(token, _UNSUBSCRIBE_SALT, UNSUBSCRIBE_TOKEN_MAX_AGE, ("t", "u"))
    return UnsubscribeClaim(tenant_id=tenant_id, user_id=user_id)


@dataclass(frozen=True)
class ConfirmationClaim:
    tenant_id: int
    item_id: int


def confirmation_token_make(*, item: Any) -> str:
    """The link token that publishes an anonymous submission (item of one tenant)."""
    return _make({"t": item.tenant_id, "i": item.pk}, _CONFIRM_SALT)


def confirmation_token_read(token: str) -> ConfirmationClaim:
    """The tenant and item a confirmation token names; TokenInvalid if forged or expired."""
    tenant_id, item_id = _read(token, _CONFIRM_SALT, CONFIRMATION_TOKEN_MAX_AGE, ("t", "i"))
    return ConfirmationClaim(tenant_id=tenant_id, item_id=item_id)


@dataclass(frozen=True)
class SurveyClaim:
    tenant_id: int
    invite_id: int
    score: int


def survey_token_make(*, invite: Any, score: int) -> str:
    """The one-click link token recording `score` for one survey invitation."""
    return _make({"t": invite.tenant_id, "i": invite.pk, "s": int(score)}, _SURVEY_SALT)


def survey_token_read(token: str) -> SurveyClaim:
    """The tenant, invitation and score a token names; TokenInvalid if forged or expired."""
    tenant_id, invite_id, score = _read(token, _SURVEY_SALT, SURVEY_TOKEN_MAX_AGE, ("t", "i", "s"))
    if not 1 <= score <= 5:
        raise TokenInvalid
    return SurveyClaim(tenant_id=tenant_id, invite_id=invite_id, score=score)
