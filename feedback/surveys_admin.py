"""Tenant admin: survey results (CSAT %, response rate, comments) and a safe CSV export."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse

from feedback.models import SurveyInvite
from tenants.admin_sites import TenantScopedAdmin, tenant_admin_site

Status = SurveyInvite.Status
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """The cell text, with a leading ' when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def survey_stats(invites: QuerySet[SurveyInvite]) -> dict[str, Any]:
    """CSAT % (share of 4-5 among answers) and response rate (answers among those sent)."""
    counts = invites.aggregate(
        delivered=Count("pk", filter=Q(status__in=[Status.SENT, Status.ANSWERED])),
        answered=Count("pk", filter=Q(status=Status.ANSWERED, score__isnull=False)),
        satisfied=Count("pk", filter=Q(status=Status.ANSWERED, score__gte=4)),
    )
    answered, delivered = counts["answered"], counts["delivered"]
    return {
        **counts,
        "csat_percent": round(100 * counts["satisfied"] / answered, 1) if answered else None,
        "response_rate": round(100 * answered / delivered, 1) if delivered else None,
    }


@admin.register(SurveyInvite, site=tenant_admin_site)
class SurveyInviteAdmin(TenantScopedAdmin):
    """Read-only: invitations change only through scheduling, sending and answering."""

    list_display = ["item", "user", "kind", "status", "scheduled_at", "score", "comment"]
    list_filter = ["status", "kind", "score"]
    list_select_related = ["item__tenant", "user"]
    search_fields = ["comment"]
    readonly_fields = [
        "item",
        "user",
        "kind",
        "status",
        "scheduled_at",
        "score",
        "comment",
        "answered_at",
        "created_at",
    ]
    fields = readonly_fields
    actions = ["export_csv"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        stats = survey_stats(self.get_queryset(request))
        return super().changelist_view(request, {**(extra_context or {}), "survey_stats": stats})

    @admin.action(description="Export selected invitations as CSV")
    def export_csv(self, request: HttpRequest, queryset: QuerySet[SurveyInvite]) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="surveys.csv"'
        writer = csv.writer(response)
        writer.writerow(
            ["item", "title", "email", "kind", "status", "score", "comment", "answered_at"]
        )
        rows = queryset.select_related("item__tenant", "user").order_by("pk")
        for invite in rows.iterator(chunk_size=500):
            writer.writerow(
                [
                    csv_safe(cell)
                    for cell in (
                        invite.item.key,
                        invite.item.title,
                        invite.user.email,
                        invite.kind,
                        invite.status,
                        invite.score,
                        invite.comment,
                        invite.answered_at.isoformat() if invite.answered_at else "",
                    )
                ]
            )
        return response
