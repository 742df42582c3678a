"""Signed, expiring unsubscribe tokens: they name the tenant and the user, nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing

from tenants.models import Tenant, User

_SALT = "feedback.notifications.unsubscribe"
UNSUBSCRIBE_TOKEN_MAX_AGE = timedelta(days=60)


class TokenInvalid(Exception):
    """The token is forged, damaged or expired."""


@dataclass(frozen=True)
class UnsubscribeClaim:
    tenant_id: int
    user_id: int


def unsubscribe_token_make(*, tenant: Tenant, user: User) -> str:
    """A token for the one-click unsubscribe link of `user` in `tenant`."""
    return signing.dumps({"t": tenant.pk, "u": user.pk}, salt=_SALT, compress=True)


def unsubscribe_token_read(token: str) -> UnsubscribeClaim:
    """The tenant and user a token was made for; TokenInvalid if forged, damaged or expired."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=UNSUBSCRIBE_TOKEN_MAX_AGE)
        return UnsubscribeClaim(tenant_id=int(data["t"]), user_id=int(data["u"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise TokenInvalid from error


_CONFIRM_SALT = "feedback.anonymous-submission.confirm"
CONFIRMATION_TOKEN_MAX_AGE = timedelta(days=7)


@dataclass(frozen=True)
class ConfirmationClaim:
    tenant_id: int
    item_id: int


def confirmation_token_make(*, item: object) -> str:
    """The link token that publishes an anonymous submission (item of one tenant)."""
    return signing.dumps({"t": item.tenant_id, "i": item.pk}, salt=_CONFIRM_SALT, compress=True)


def confirmation_token_read(token: str) -> ConfirmationClaim:
    """The tenant and item a confirmation token names; TokenInvalid if forged or expired."""
    try:
        data = signing.loads(token, salt=_CONFIRM_SALT, max_age=CONFIRMATION_TOKEN_MAX_AGE)
        return ConfirmationClaim(tenant_id=int(data["t"]), item_id=int(data["i"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise TokenInvalid from error


_SURVEY_SALT = "feedback.surveys.score"
SURVEY_TOKEN_MAX_AGE = timedelta(days=30)


@dataclass(frozen=True)
class SurveyClaim:
    tenant_id: int
    invite_id: int
    score: int


def survey_token_make(*, invite: object, score: int) -> str:
    """The one-click link token recording `score` for one survey invitation."""
    return signing.dumps(
        {"t": invite.tenant_id, "i": invite.pk, "s": int(score)}, salt=_SURVEY_SALT, compress=True
    )


def survey_token_read(token: str) -> SurveyClaim:
    """The tenant, invitation and score a token names; TokenInvalid if forged or expired."""
    try:
        data = signing.loads(token, salt=_SURVEY_SALT, max_age=SURVEY_TOKEN_MAX_AGE)
        claim = SurveyClaim(
            tenant_id=int(data["t"]), invite_id=int(data["i"]), score=int(data["s"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise TokenInvalid from error
    if not 1 <= claim.score <= 5:
        raise TokenInvalid
    return claim
