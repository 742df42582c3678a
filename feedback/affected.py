"""Integration reports that cluster by API surface, and "me too" (AffectedReport).

A service (write) and the selectors (reads) of this topic, kept together in their own
module; they follow the conventions of feedback.services and feedback.selectors.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower

from feedback.models import AffectedReport, FeedbackItem
from feedback.models.affected import APP_NAME_MAX_LENGTH, APP_VERSION_MAX_LENGTH
from feedback.redaction import redact_secrets
from feedback.selectors import items_visible_to
from feedback.services import VotingClosed, vote_cast
from portal.text import single_line
from tenants.models import Tenant, User

OPEN_STATUSES = (
    FeedbackItem.Status.NEW,
    FeedbackItem.Status.TRIAGED,
    FeedbackItem.Status.PLANNED,
    FeedbackItem.Status.IN_PROGRESS,
)
CLUSTER_OFFER_LIMIT = 3


@dataclass(frozen=True)
class AffectedSummary:
    developers: int
    apps: int


def _line(value: str, max_length: int) -> str:
    return redact_secrets(single_line(value))[:max_length]


def affected_report_record(
    *,
    tenant: Tenant,
    item: FeedbackItem,
    reporter: User,
    request_id: str = "",
    app_name: str = "",
    app_version: str = "",
) -> tuple[AffectedReport, bool]:
    """Record that `item` affects `reporter` too and cast their vote; True if new.

    A second report by the same reporter updates its request id and app (blank values
    keep what was there). Raises VotingClosed for a closed, declined or duplicate item
    and ValueError for an item or reporter of another tenant.
    """
    if item.tenant_id != tenant.pk or reporter.tenant_id != tenant.pk:
        raise ValueError("The item and the reporter must belong to the tenant.")
    if not item.is_voting_open:
        raise VotingClosed(item.status)
    values = {
        "request_id": _line(request_id, 120),
        "app_name": _line(app_name, APP_NAME_MAX_LENGTH),
        "app_version": _line(app_version, APP_VERSION_MAX_LENGTH),
    }
    reports = AffectedReport.objects.for_tenant(tenant).filter(item=item, reporter=reporter)
    with transaction.atomic():
        report = reports.select_for_update().first()
        created = report is None
        if created:
            try:
                with transaction.atomic():
                    report = AffectedReport.objects.create(
                        tenant=tenant, item=item, reporter=reporter, **values
                    )
            except IntegrityError:  # a concurrent request by the same reporter won
                report = reports.select_for_update().get()
                created = False
        if not created:
            changed = [field for field, value in values.items() if value]
            for field in changed:
                setattr(report, field, values[field])
            report.save(update_fields=[*changed, "updated_at"])
        vote_cast(tenant=tenant, item=item, user=reporter)
    return report, created


def affected_summary(*, tenant: Tenant, item: FeedbackItem) -> AffectedSummary:
    """How many developers (reports) and distinct apps (by name, any case) `item` affects."""
    counts = (
        AffectedReport.objects.for_tenant(tenant)
        .filter(item=item)
        .aggregate(
            developers=Count("pk"),
            apps=Count(Lower("app_name"), distinct=True, filter=~Q(app_name="")),
        )
    )
    return AffectedSummary(developers=counts["developers"], apps=counts["apps"])


def affected_report_of(
    *, tenant: Tenant, item: FeedbackItem, reporter: User | AnonymousUser
) -> AffectedReport | None:
    """The viewer's own report on `item`, or None (always None for anonymous visitors)."""
    if not reporter.is_authenticated:
        return None
    return AffectedReport.objects.for_tenant(tenant).filter(item=item, reporter=reporter).first()


def _endpoint_variants(endpoint: str) -> list[str]:
    """The endpoint as item_submit stores it, with and without a trailing slash."""
    cleaned = redact_secrets(single_line(endpoint)).rstrip("/")
    return [cleaned, f"{cleaned}/"] if cleaned else []


def open_items_on_api_surface(
    *,
    tenant: Tenant,
    viewer: User | AnonymousUser,
    api_endpoint: str,
    http_method: str,
    http_status: int | None = None,
    error_code: str = "",
    is_staff: bool = False,
) -> QuerySet[FeedbackItem]:
    """Open items the viewer may see about the same call: endpoint, method, and the same
    status code or error code. Empty without an endpoint, a method and one of the codes."""
    none = FeedbackItem.objects.for_tenant(tenant).none()
    endpoints = _endpoint_variants(api_endpoint)
    error_code = redact_secrets(single_line(error_code))
    if not endpoints or not http_method or (http_status is None and not error_code):
        return none
    same_outcome = Q()
    if http_status is not None:
        same_outcome |= Q(http_status=http_status)
    if error_code:
        same_outcome |= Q(error_code=error_code)
    return (
        items_visible_to(tenant=tenant, viewer=viewer, is_staff=is_staff)
        .filter(
            same_outcome,
            api_endpoint__in=endpoints,
            http_method=http_method.upper(),
            status__in=OPEN_STATUSES,
        )
        .select_related("tenant")
        .order_by("-vote_count", "-id")[:CLUSTER_OFFER_LIMIT]
    )
