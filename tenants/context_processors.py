from django.http import HttpRequest

from tenants.roles import membership_for


def tenant(request: HttpRequest) -> dict:
    current = getattr(request, "tenant", None)
    return {
        "tenant": current,
        "staff_membership": membership_for(request) if current else None,
    }
