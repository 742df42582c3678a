"""Create the demo tenants ACME and Globex with users, staff and feedback. Idempotent."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from feedback.models import Comment, Component, FeedbackItem, ReleaseNote, Tag
from feedback.releases import release_note_publish, release_note_save
from feedback.services import comment_post, item_change_status, item_submit, vote_cast
from tenants.models import Membership, Tenant, User
from tenants.resolver import tenant_base_url
from tenants.services import membership_grant, tenant_create

DEMO_PASSWORD = "hypercare-demo"  # noqa: S105 - printed demo login, local only
PLATFORM_ADMIN_EMAIL = "admin@hypercare.test"

K = FeedbackItem.Kind
S = FeedbackItem.Status

# (kind, status, title, description) per tenant; realistic first weeks after a go-live.
DEMO_ITEMS: dict[str, list[tuple[str, str, str, str]]] = {
    "acme": [
        (
            K.BUG,
            S.IN_PROGRESS,
            "Login times out after SSO redirect on Safari",
            "Steps: open the app in Safari 17, choose 'Sign in with SSO', approve in Okta.\n"
            "Expected: back in the app, signed in.\n"
            "Actual: spinner for 30 s, then 'Session expired'.",
        ),
        (
            K.PERFORMANCE,
            S.TRIAGED,
            "Order history takes 12 seconds to load",
            "Customers with more than 500 orders wait 10-15 seconds for the history page.",
        ),
        (
            K.INTEGRATION,
            S.PLANNED,
            "POST /v2/orders returns 500 when the cart has a gift card",
            "Request id req_8f2a1c. The same payload without the gift card line succeeds.",
        ),
        (
            K.IDEA,
            S.PLANNED,
            "Export invoices as CSV",
            "Our accountant needs a monthly CSV of invoices.",
        ),
        (
            K.IDEA,
            S.NEW,
            "Dark mode for the dashboard",
            "Staring at a white screen during night shifts hurts.",
        ),
        (
            K.USABILITY,
            S.NEW,
            "The 'Save' button is hidden below the fold on laptops",
            "On a 13\" laptop the order form's Save button needs scrolling; "
            "people think it is gone.",
        ),
        (
            K.DOCUMENTATION,
            S.RESOLVED,
            "Webhook signature docs use the wrong header name",
            "The docs say X-Signature but the requests carry X-Acme-Signature.",
        ),
        (
            K.BUG,
            S.NEW,
            "Email receipts show the total in the wrong currency",
            "Customers in Switzerland receive receipts in EUR although they paid in CHF.",
        ),
        (
            K.QUESTION,
            S.RESOLVED,
            "How do I move my saved addresses from the old app?",
            "I had 6 delivery addresses in the old app and none of them are here.",
        ),
        (K.IDEA, S.NEW, "Let me reorder a previous order in one click", ""),
        (
            K.PERFORMANCE,
            S.NEW,
            "Search suggestions lag while typing on Android",
            "Pixel 7, app 4.0.2.",
        ),
        (
            K.BUG,
            S.TRIAGED,
            "Push notifications arrive twice",
            "Every order update arrives as two notifications.",
        ),
        (
            K.INTEGRATION,
            S.NEW,
            "Rate limit headers missing on the inventory API",
            "GET /v2/inventory does not send X-RateLimit-Remaining, so our sync cannot back off.",
        ),
        (
            K.IDEA,
            S.DECLINED,
            "Bring back the classic layout",
            "The old layout was faster for power users.",
        ),
        (K.USABILITY, S.TRIAGED, "Date picker cannot be used with the keyboard", ""),
        (K.IDEA, S.NEW, "Two-factor authentication with an authenticator app", ""),
        (
            K.SECURITY,
            S.TRIAGED,
            "Password reset link does not expire",
            "A reset link from last week still works.",
        ),
        (K.DOCUMENTATION, S.NEW, "Missing example for pagination in the API guide", ""),
    ],
    "globex": [
        (
            K.BUG,
            S.IN_PROGRESS,
            "Dashboard charts are empty after the migration",
            "Since Monday's go-live all charts on the sales dashboard show 'No data'.",
        ),
        (K.IDEA, S.PLANNED, "Schedule reports to be emailed every Monday", ""),
        (
            K.INTEGRATION,
            S.TRIAGED,
            "SAP connector fails with 401 after token refresh",
            "Error code AUTH_EXPIRED, request id 7c1e-44. Happens every 60 minutes.",
        ),
        (K.PERFORMANCE, S.NEW, "Bulk import of 10,000 rows never finishes", ""),
        (
            K.USABILITY,
            S.NEW,
            "Too many clicks to approve an expense",
            "Approving takes five clicks; it used to take one.",
        ),
        (K.QUESTION, S.RESOLVED, "Where did the audit log go?", ""),
        (K.IDEA, S.NEW, "Slack notifications for approvals", ""),
        (
            K.BUG,
            S.NEW,
            "PDF export cuts off the last column",
            "Landscape tables lose the 'Total' column.",
        ),
        (K.DOCUMENTATION, S.NEW, "Admin guide still shows the old menu", ""),
        (K.IDEA, S.NEW, "Custom fields on expense reports", ""),
        (K.BUG, S.TRIAGED, "Time zone shown as UTC for all users", ""),
        (K.IDEA, S.NEW, "Mobile app for approvals on the go", ""),
    ],
}

STATUS_MESSAGES = {
    S.PLANNED: "Thanks for reporting! This is planned for the next release.",
    S.IN_PROGRESS: "We reproduced it and a fix is being worked on.",
    S.RESOLVED: "Fixed in today's release. Please tell us if you still see it.",
    S.DECLINED: "We decided against this for now; see the comments for why.",
}
TAGS_BY_KIND = {
    K.BUG: "Regression",
    K.PERFORMANCE: "Speed",
    K.INTEGRATION: "API",
    K.USABILITY: "UX",
    K.DOCUMENTATION: "Docs",
}
COMPONENTS = {
    "acme": ["Web shop", "Mobile app", "Checkout", "Public API"],
    "globex": ["Dashboard", "Approvals", "Connectors", "Reports"],
}

DEMO_TENANTS = [
    {"slug": "acme", "name": "ACME Shop", "ticket_prefix": "ACME", "brand_color": "#c2410c"},
    {
        "slug": "globex",
        "name": "Globex Finance",
        "ticket_prefix": "GLOBEX",
        "brand_color": "#0f766e",
    },
]
DEMO_CUSTOMERS = ["ana", "ben", "chen", "dara", "emil", "fatima", "gus", "hana", "ivan", "jo"]


class Command(BaseCommand):
    help = "Create demo tenants (acme, globex) with users, staff and feedback. Safe to run twice."

    def handle(self, *args: Any, **options: Any) -> None:
        self._user(None, PLATFORM_ADMIN_EMAIL, "Platform admin", superuser=True)
        platform_url = (
            f"{settings.PORTAL_SCHEME}://{settings.PORTAL_BASE_DOMAIN}{settings.PORTAL_PUBLIC_PORT}"
        )
        logins: list[tuple[str, str, str]] = [
            ("platform admin", PLATFORM_ADMIN_EMAIL, f"{platform_url}/admin/")
        ]
        for spec in DEMO_TENANTS:
            with transaction.atomic():
                tenant, staff = self._seed_tenant(spec)
            base = tenant_base_url(tenant)
            logins += [(f"{tenant.slug} {role}", email, f"{base}/admin/") for role, email in staff]
            logins.append((f"{tenant.slug} customer", f"ana@{tenant.slug}.test", f"{base}/"))
        self._print_summary(logins)

    def _user(
        self, tenant: Tenant | None, email: str, name: str, *, superuser: bool = False
    ) -> tuple[User, bool]:
        existing = User.objects.for_tenant(tenant).filter(email__iexact=email).first()
        if existing:
            return existing, False
        if superuser:
            return User.objects.create_superuser(email, DEMO_PASSWORD, display_name=name), True
        return User.objects.create_user(
            email, DEMO_PASSWORD, tenant=tenant, display_name=name
        ), True

    def _seed_tenant(self, spec: dict[str, str]) -> tuple[Tenant, list[tuple[str, str]]]:
        tenant = Tenant.objects.filter(slug=spec["slug"]).first()
        if tenant is None:
            tenant = tenant_create(**spec)
            # ACME shows the anonymous flow (email + confirmation link); Globex needs accounts.
            tenant.allow_anonymous_feedback = spec["slug"] == "acme"
            tenant.save(update_fields=["allow_anonymous_feedback"])
        slug = tenant.slug
        staff = [("owner", f"owner@{slug}.test"), ("agent", f"agent@{slug}.test")]
        for role, email in staff:
            user, _ = self._user(tenant, email, f"{role.title()} at {tenant.name}")
            if not Membership.objects.for_tenant(tenant).filter(user=user).exists():
                membership_grant(tenant=tenant, user=user, role=role)
        agent = User.objects.for_tenant(tenant).get(email=f"agent@{slug}.test")
        tags = {
            name: Tag.objects.for_tenant(tenant).get_or_create(
                tenant=tenant, slug=slugify(name), defaults={"name": name}
            )[0]
            for name in set(TAGS_BY_KIND.values())
        }
        for position, name in enumerate(COMPONENTS[slug], start=1):
            Component.objects.for_tenant(tenant).get_or_create(
                tenant=tenant, name=name, defaults={"position": position}
            )
        customers = [
            self._user(tenant, f"{name}@{slug}.test", name.title())[0] for name in DEMO_CUSTOMERS
        ]
        rng = random.Random(slug)  # same demo data on every machine
        now = timezone.now()
        existing_titles = set(
            FeedbackItem.objects.for_tenant(tenant).values_list("title", flat=True)
        )
        specs = DEMO_ITEMS[slug]
        for index, (kind, status, title, description) in enumerate(specs):
            if title in existing_titles:
                continue
            reporter = customers[index % len(customers)]
            item = item_submit(
                tenant=tenant, reporter=reporter, kind=kind, title=title, description=description
            )
            for voter in rng.sample(customers, rng.randint(0, len(customers) - 1)):
                vote_cast(tenant=tenant, item=item, user=voter)
            # Spread creation over the first three weeks after go-live.
            FeedbackItem.objects.for_tenant(tenant).filter(pk=item.pk).update(
                created_at=now - timedelta(days=len(specs) - index, hours=rng.randint(0, 20)),
            )
            if status != S.NEW:
                item_change_status(
                    tenant=tenant,
                    item=item,
                    actor=agent,
                    to_status=status,
                    message=STATUS_MESSAGES.get(status, ""),
                )
            if kind in TAGS_BY_KIND:
                item.tags.add(tags[TAGS_BY_KIND[kind]])
        self._seed_conversation(tenant, agent, customers)
        self._seed_release_note(tenant)
        return tenant, staff

    def _seed_conversation(self, tenant: Tenant, agent: User, customers: list[User]) -> None:
        """A public reply and an internal note on the most voted item, once."""
        top = FeedbackItem.objects.for_tenant(tenant).order_by("-vote_count", "number").first()
        if top is None or Comment.objects.for_tenant(tenant).filter(item=top).exists():
            return
        membership = Membership.objects.for_tenant(tenant).get(user=agent)
        comment_post(
            tenant=tenant,
            item=top,
            author=customers[1],
            body="Same here since the update. **Every morning** around 9:00.",
        )
        comment_post(
            tenant=tenant,
            item=top,
            author=agent,
            body="Thanks for the details! We can reproduce it and are testing a fix.",
            membership=membership,
        )
        comment_post(
            tenant=tenant,
            item=top,
            author=agent,
            body="Root cause: token refresh races with the SSO redirect. Fix in 4.1.1.",
            is_internal=True,
            membership=membership,
        )

    def _seed_release_note(self, tenant: Tenant) -> None:
        """One published release note shipping the resolved items, once."""
        if ReleaseNote.objects.for_tenant(tenant).exists():
            return
        resolved = list(FeedbackItem.objects.for_tenant(tenant).filter(status=S.RESOLVED))
        note = release_note_save(
            tenant=tenant,
            title="Release 4.1: first fixes after go-live",
            body="Thank you for your reports in the first weeks!\n\n"
            "- Fixes the issues listed below\n- Faster loading of long lists",
            items=resolved,
        )
        release_note_publish(tenant=tenant, note=note, actor=None)

    def _print_summary(self, logins: list[tuple[str, str, str]]) -> None:
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        for tenant in Tenant.objects.filter(slug__in=[t["slug"] for t in DEMO_TENANTS]):
            self.stdout.write(f"  {tenant.name:<16} {tenant_base_url(tenant)}/")
        self.stdout.write(f"Demo logins (password: {DEMO_PASSWORD}):")
        for label, email, url in logins:
            self.stdout.write(f"  {label:<18} {email:<26} {url}")
        if getattr(settings, "EMAIL_FILE_PATH", None) and "filebased" in settings.EMAIL_BACKEND:
            self.stdout.write(f"Emails are written as files to {settings.EMAIL_FILE_PATH}/")
