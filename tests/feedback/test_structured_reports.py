"""Kind-specific submit forms, secret masking, and the per-kind first step."""

import pytest

from feedback.models import Component, FeedbackItem
from feedback.redaction import redact_secrets
from tests.factories import TenantFactory

SUBMIT = "/items/new/"


def only_item(tenant):
    return FeedbackItem.objects.for_tenant(tenant).get()


@pytest.mark.django_db
class TestKindChooser:
    @pytest.mark.parametrize("kind", ["", "wish", "<script>"])
    def test_without_a_valid_kind_the_first_step_lists_every_kind(self, client_user1, kind):
        response = client_user1.get(SUBMIT, {"kind": kind})

        body = response.content.decode()
        assert response.status_code == 200
        assert body.count('class="kind-card"') == 8
        assert 'href="?kind=integration"' in body
        assert "<script>" not in body.split("<main")[1]

    def test_posting_an_unknown_kind_saves_nothing(self, client_user1, tenant_a):
        response = client_user1.post(SUBMIT, {"kind": "wish", "title": "A perfectly fine title"})

        assert response.status_code == 200
        assert FeedbackItem.objects.for_tenant(tenant_a).count() == 0

    @pytest.mark.parametrize(
        ("kind", "fields"),
        [
            (
                "bug",
                [
                    "title",
                    "description",
                    "steps_to_reproduce",
                    "expected_result",
                    "actual_result",
                    "environment",
                    "impact",
                ],
            ),
            (
                "integration",
                [
                    "title",
                    "description",
                    "api_endpoint",
                    "http_method",
                    "http_status",
                    "request_id",
                    "error_code",
                    "api_sample",
                    "impact",
                ],
            ),
            ("idea", ["title", "description"]),
            ("question", ["title", "description"]),
        ],
    )
    def test_each_kind_asks_for_its_own_fields(self, client_user1, kind, fields):
        response = client_user1.get(SUBMIT, {"kind": kind})

        # Every kind ends with the optional attachments, then the invisible honeypot.
        assert list(response.context["form"].fields) == [*fields, "attachments", "website"]

    def test_components_are_offered_when_the_tenant_has_some(self, client_user1, tenant_a):
        Component.objects.create(tenant=tenant_a, name="Mobile app", position=1)
        Component.objects.create(tenant=tenant_a, name="Checkout", position=2)
        Component.objects.create(tenant=TenantFactory(slug="other"), name="Other tenant's")

        response = client_user1.get(SUBMIT, {"kind": "idea"})

        choices = [label for _value, label in response.context["form"].fields["component"].choices]
        assert choices == ["Not sure", "Mobile app", "Checkout"]

    def test_another_tenants_component_is_refused(self, client_user1, tenant_a):
        Component.objects.create(tenant=tenant_a, name="Mobile app")
        foreign = Component.objects.create(tenant=TenantFactory(slug="other"), name="Theirs")

        response = client_user1.post(
            SUBMIT, {"kind": "idea", "title": "Offline mode please", "component": foreign.pk}
        )

        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode()
        assert FeedbackItem.objects.for_tenant(tenant_a).count() == 0


@pytest.mark.django_db
class TestBugReport:
    def test_bug_needs_steps_and_actual_result(self, client_user1, tenant_a):
        response = client_user1.post(SUBMIT, {"kind": "bug", "title": "Checkout button broken"})

        errors = response.context["form"].errors
        assert response.status_code == 400
        assert sorted(errors) == ["actual_result", "steps_to_reproduce"]
        assert FeedbackItem.objects.for_tenant(tenant_a).count() == 0

    def test_bug_details_are_stored_and_shown(self, client_user1, client_user2, tenant_a):
        client_user1.post(
            SUBMIT,
            {
                "kind": "bug",
                "title": "Checkout button broken",
                "steps_to_reproduce": "1. Add a book\r\n2. Press Pay",
                "expected_result": "Order confirmation",
                "actual_result": "Nothing happens",
                "environment": "Safari 17 on macOS 14",
                "impact": "blocked",
            },
        )

        item = only_item(tenant_a)
        assert (
            item.steps_to_reproduce,
            item.expected_result,
            item.actual_result,
            item.environment,
            item.impact,
        ) == (
            "1. Add a book\n2. Press Pay",
            "Order confirmation",
            "Nothing happens",
            "Safari 17 on macOS 14",
            "blocked",
        )
        body = client_user2.get(f"/items/{item.key}/").content.decode()
        assert "1. Add a book<br>2. Press Pay" in body
        assert "I cannot work / it is down" in body
        assert "Safari 17 on macOS 14" in body


@pytest.mark.django_db
class TestIntegrationReport:
    def test_integration_report_keeps_the_api_surface_and_masks_secrets(
        self, client_user1, tenant_a
    ):
        response = client_user1.post(
            SUBMIT,
            {
                "kind": "integration",
                "title": "POST orders fails with gift cards",
                "api_endpoint": "/v2/orders?api_key=sk_live_abcdefghijklmnop",
                "http_method": "POST",
                "http_status": "500",
                "request_id": "req_8f2a1c",
                "error_code": "INTERNAL",
                "api_sample": (
                    "POST /v2/orders HTTP/1.1\r\n"
                    "Authorization: Bearer eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl\r\n"
                    "Cookie: sessionid=abc123; csrftoken=x\r\n"
                    '\r\n{"card": "GC-1", "password": "hunter2"}'
                ),
                "description": "curl -u bob:pw https://bob:hunter2@api.acme.test/v2/orders",
            },
        )

        assert response.status_code == 302
        item = only_item(tenant_a)
        assert (item.http_method, item.http_status, item.request_id, item.error_code) == (
            "POST",
            500,
            "req_8f2a1c",
            "INTERNAL",
        )
        assert item.api_endpoint == "/v2/orders?api_key=[REDACTED]"
        assert item.api_sample == (
            "POST /v2/orders HTTP/1.1\n"
            "Authorization: [REDACTED]\n"
            "Cookie: [REDACTED]\n"
            '\n{"card": "GC-1", "password": "[REDACTED]"}'
        )
        assert item.description == "curl -u bob:pw https://bob:[REDACTED]@api.acme.test/v2/orders"

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("http_status", "99", "Ensure this value is greater than or equal to 100."),
            ("http_status", "600", "Ensure this value is less than or equal to 599."),
            ("http_status", "abc", "Enter a whole number."),
            ("http_method", "BREW", "Select a valid choice."),
        ],
    )
    def test_invalid_api_details_are_form_errors(
        self, client_user1, tenant_a, field, value, message
    ):
        data = {
            "kind": "integration",
            "title": "Inventory sync fails",
            "api_endpoint": "/v2/inventory",
            "http_method": "GET",
            field: value,
        }

        response = client_user1.post(SUBMIT, data)

        assert response.status_code == 400
        assert message in response.content.decode()
        assert FeedbackItem.objects.for_tenant(tenant_a).count() == 0


@pytest.mark.parametrize(
    ("raw", "masked"),
    [
        ("Authorization: Bearer abcdefghijklmnop", "Authorization: [REDACTED]"),
        ("proxy-authorization: Basic dXNlcjpwYXNz", "proxy-authorization: [REDACTED]"),
        ("Set-Cookie: session=abc; HttpOnly", "Set-Cookie: [REDACTED]"),
        ("X-Api-Key: 1234567890", "X-Api-Key: [REDACTED]"),
        (
            "curl -H 'Authorization: Bearer abcdefgh123'",
            "curl -H 'Authorization: Bearer [REDACTED]'",
        ),
        ("GET /v1/x?token=abc&page=2", "GET /v1/x?token=[REDACTED]&page=2"),
        ("user=bob&password=hunter2", "user=bob&password=[REDACTED]"),
        ('{"client_secret":"s3cr3t","id":7}', '{"client_secret":"[REDACTED]","id":7}'),
        ("https://bob:hunter2@api.test/", "https://bob:[REDACTED]@api.test/"),
        ("key AKIAABCDEFGHIJKLMNOP used", "key [REDACTED] used"),
        ("token ghp_abcdefghijklmnopqrstuvwxyz012345", "token [REDACTED]"),
        ("status 500, request id req_8f2a1c", "status 500, request id req_8f2a1c"),
        ("the password field is empty", "the password field is empty"),
    ],
)
def test_redact_secrets(raw, masked):
    assert redact_secrets(raw) == masked


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("AAA-20", 20),
        ("aaa-20", 20),
        (" #20 ", 20),
        ("20", 20),
        ("BBB-20", None),
        ("AAA-", None),
        ("AAA-1234567890", None),
        ("export", None),
        ("", None),
    ],
)
def test_parse_ticket_number(text, number):
    from feedback.keys import parse_ticket_number

    assert parse_ticket_number(text, "AAA") == number
