"""Sending one outbox row at most once, and saying in plain words why it failed."""

from __future__ import annotations

import logging
import smtplib
import socket
import ssl
from datetime import timedelta

from django.conf import settings
from django.core.mail import BadHeaderError
from django.db.models import F
from django.utils import timezone

from feedback.notifications.emails import EventGone, email_build
from feedback.notifications.models import OutboundMessage

logger = logging.getLogger(__name__)
Status = OutboundMessage.Status

MAX_ATTEMPTS = 5
# Rows stuck in "sending" this long belong to a worker that died mid-send.
SENDING_STALE_AFTER = timedelta(minutes=15)


def retry_delay(attempts: int) -> int:
    """Seconds before the next try: 1, 2, 4, 8 minutes."""
    return 60 * 2 ** max(attempts - 1, 0)


def smtp_error_in_words(error: BaseException) -> str:
    """What went wrong with the mail server, for the delivery log and the test email."""
    host = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return f"The mail server {host} rejected the user name or password (EMAIL_HOST_USER)."
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "The mail server refused the recipient address."
    if isinstance(error, smtplib.SMTPSenderRefused):
        return f"The mail server refused the sender address {error.sender!r} (DEFAULT_FROM_EMAIL)."
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return f"The mail server {host} closed the connection unexpectedly."
    if isinstance(error, smtplib.SMTPResponseException):
        reason = error.smtp_error.decode(errors="replace") if error.smtp_error else ""
        return f"The mail server {host} answered {error.smtp_code}: {reason}".strip()
    if isinstance(error, ConnectionRefusedError):
        return (
            f"Nothing accepts mail at {host}: the connection was refused. "
            "Check EMAIL_HOST and EMAIL_PORT."
        )
    if isinstance(error, socket.gaierror):
        return f"The mail server name {settings.EMAIL_HOST!r} could not be found (DNS)."
    if isinstance(error, TimeoutError | socket.timeout):
        return f"The mail server {host} did not answer in time."
    if isinstance(error, ssl.SSLError):
        return f"The secure connection to {host} failed: check EMAIL_USE_TLS / EMAIL_USE_SSL."
    if isinstance(error, OSError):
        return f"Could not reach the mail server {host}: {error.strerror or error}."
    return f"Sending failed: {error}"


def _is_transient(error: BaseException) -> bool:
    # A refused recipient stays refused; connection trouble and 4xx answers pass.
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return not 500 <= error.smtp_code < 600 or isinstance(
            error, smtplib.SMTPAuthenticationError | smtplib.SMTPSenderRefused
        )
    return isinstance(error, smtplib.SMTPException | OSError)


def message_deliver(*, tenant_id: int, message_id: int) -> int | None:
    """Send one pending row; returns seconds until a retry is due, or None when done.

    The conditional UPDATE pending -> sending is the claim: of two copies of this task
    (a duplicate, a retry, the sweep) only the one that flips the row sends.
    """
    rows = OutboundMessage.objects.for_tenant(tenant_id)
    now = timezone.now()
    # next_attempt_at doubles as "claimed at" while sending (see stale_sending_fail).
    claimed = rows.filter(pk=message_id, status=Status.PENDING).update(
        status=Status.SENDING, attempts=F("attempts") + 1, next_attempt_at=now
    )
    if not claimed:
        return None
    message = rows.select_related("tenant", "recipient", "item__tenant").get(pk=message_id)
    try:
        email_build(message).send()
    except EventGone as error:
        _finish(rows, message_id, Status.FAILED, str(error))
    except BadHeaderError as error:  # cannot happen with header_text; never loop on it
        logger.error("Outbound message %s has a bad header: %s", message_id, error)
        _finish(rows, message_id, Status.FAILED, "A header of this email was invalid.")
    except Exception as error:
        words = smtp_error_in_words(error)
        if not _is_transient(error):
            if not isinstance(error, smtplib.SMTPException):
                logger.exception("Outbound message %s could not be built or sent", message_id)
            _finish(rows, message_id, Status.FAILED, words)
            return None
        if message.attempts >= MAX_ATTEMPTS:
            words = f"{words} Gave up after {message.attempts} attempts."
            _finish(rows, message_id, Status.FAILED, words)
            return None
        delay = retry_delay(message.attempts)
        rows.filter(pk=message_id, status=Status.SENDING).update(
            status=Status.PENDING,
            last_error=words,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
        )
        return delay
    else:
        rows.filter(pk=message_id).update(status=Status.SENT, sent_at=timezone.now(), last_error="")
    return None


def _finish(rows, message_id: int, status: str, error: str) -> None:
    rows.filter(pk=message_id).update(status=status, last_error=error)


def stale_sending_fail(*, before: object) -> int:
    """Mark rows whose worker died mid-send as failed: resending could mean twice."""
    # The sweep serves every tenant: a deliberate cross-tenant update by age only.
    return (
        OutboundMessage.objects.unscoped()
        .filter(status=Status.SENDING, next_attempt_at__lt=before)
        .update(
            status=Status.FAILED,
            last_error="The worker stopped while sending; the email may not have arrived.",
        )
    )
