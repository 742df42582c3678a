"""Anonymous submission: an email instead of an account, published by a signed link."""

import re

import pytest
from django.core import signing

from feedback.models import FeedbackItem
from feedback.notifications.tokens import confirmation_token_make
from tenants.models import Tenant, User
from tests.conftest import HOST_A, make_client

SUBMIT = "/items/new/"


@pytest.fixture
def open_tenant(tenant_a):
    Tenant.objects.filter(pk=tenant_a.pk).update(allow_anonymous_feedback=True)
    tenant_a.refresh_from_db()
    return tenant_a


@pytest.fixture
def submit(django_capture_on_commit_callbacks, anon_a):
    def run(**data):
        with django_capture_on_commit_callbacks(execute=True):
            return anon_a.post(SUBMIT, {"kind": "idea", "title": "Offline mode please", **data})

    return run


def confirm_link(message):
    return re.search(r"http://a\.portal\.test(/items/confirm/[^/\s]+/)", message.body).group(1)


@pytest.mark.django_db
class TestAnonymousSubmission:
    def test_closed_tenant_sends_visitors_to_login(self, anon_a, tenant_a):
        response = anon_a.get(SUBMIT + "?kind=idea")

        assert response["Location"] == "/accounts/login/?next=/items/new/%3Fkind%3Didea"

    def test_form_asks_for_an_email_first(self, anon_a, open_tenant):
        fields = list(anon_a.get(SUBMIT + "?kind=idea").context["form"].fields)

        assert fields[0] == "email"
        assert fields[-1] == "website"

    def test_item_waits_hidden_and_only_a_confirmation_is_mailed(
        self, submit, mailoutbox, anon_a, open_tenant
    ):
        response = submit(email="Visitor@Example.test")

        assert "Check your email" in response.content.decode()
        item = FeedbackItem.objects.for_tenant(open_tenant).get()
        assert (item.key, item.awaiting_confirmation, item.reporter.email) == (
            "AAA-1",
            True,
            "visitor@example.test",
        )
        assert item.reporter.has_usable_password() is False
        assert anon_a.get("/items/AAA-1/").status_code == 404
        assert "Offline mode please" not in anon_a.get("/").content.decode()
        assert [m.subject for m in mailoutbox] == [
            "[AAA-1] Please confirm your feedback: Offline mode please"
        ]
        assert mailoutbox[0].to == ["visitor@example.test"]

    def test_confirming_publishes_once_and_sends_the_acknowledgment(
        self, submit, mailoutbox, django_capture_on_commit_callbacks, anon_a, open_tenant
    ):
        submit(email="visitor@example.test")
        link = confirm_link(mailoutbox[0])

        assert "Publish your feedback?" in anon_a.get(link).content.decode()
        assert FeedbackItem.objects.for_tenant(open_tenant).get().awaiting_confirmation is True
        with django_capture_on_commit_callbacks(execute=True):
            first = anon_a.post(link, follow=True)
            again = anon_a.post(link, follow=True)

        assert "AAA-1 is published" in first.content.decode()
        assert "AAA-1 was already confirmed" in again.content.decode()
        assert anon_a.get("/items/AAA-1/").status_code == 200
        assert [m.subject for m in mailoutbox] == [
            "[AAA-1] Please confirm your feedback: Offline mode please",
            "[AAA-1] We received your feedback: Offline mode please",
        ]

    @pytest.mark.parametrize(
        "email", ["not-an-email", "user1@a.test\r\nCc: x@evil.test", "", "a@b.test, c@d.test"]
    )
    def test_bad_addresses_are_form_errors_and_nothing_is_stored(
        self, submit, mailoutbox, open_tenant, email
    ):
        response = submit(email=email)

        assert response.status_code == 400
        assert FeedbackItem.objects.for_tenant(open_tenant).count() == 0
        assert User.objects.for_tenant(open_tenant).count() == 0
        assert mailoutbox == []

    def test_forged_and_expired_links_change_nothing(self, submit, mailoutbox, anon_a, open_tenant):
        submit(email="visitor@example.test")
        item = FeedbackItem.objects.for_tenant(open_tenant).get()
        forged = confirmation_token_make(item=item)[:-3] + "abc"
        expired = signing.TimestampSigner(salt="feedback.anonymous-submission.confirm")
        old = signing.dumps(
            {"t": open_tenant.pk, "i": item.pk}, salt="feedback.anonymous-submission.confirm"
        )

        from unittest import mock

        with mock.patch("django.core.signing.time.time", return_value=10**10):
            expired_response = anon_a.post(f"/items/confirm/{old}/")
        forged_response = anon_a.post(f"/items/confirm/{forged}/")

        assert (forged_response.status_code, expired_response.status_code) == (400, 400)
        assert "This link does not work" in forged_response.content.decode()
        assert FeedbackItem.objects.for_tenant(open_tenant).get().awaiting_confirmation is True
        assert expired is not None

    def test_signed_in_users_submit_as_before(self, client_user1, open_tenant):
        response = client_user1.post(SUBMIT, {"kind": "idea", "title": "Signed in idea"})

        assert response["Location"] == "/items/AAA-1/"
        assert FeedbackItem.objects.for_tenant(open_tenant).get().awaiting_confirmation is False

    def test_staff_find_unconfirmed_items_in_the_admin_only(
        self, submit, client_staff1, open_tenant
    ):
        submit(email="visitor@example.test")

        assert client_staff1.get("/items/AAA-1/").status_code == 404
        response = client_staff1.get("/admin/feedback/feedbackitem/")
        assert [obj.key for obj in response.context["cl"].result_list] == ["AAA-1"]


@pytest.mark.django_db
def test_another_portals_link_is_not_found_here(open_tenant, item_b):
    token = confirmation_token_make(item=item_b)

    assert make_client(HOST_A).post(f"/items/confirm/{token}/").status_code == 404


@pytest.mark.django_db
def test_confirmed_security_report_says_it_is_private(
    submit, mailoutbox, django_capture_on_commit_callbacks, anon_a, open_tenant
):
    submit(email="visitor@example.test", kind="security", title="Reset link never expires")
    link = confirm_link(mailoutbox[0])

    with django_capture_on_commit_callbacks(execute=True):
        response = anon_a.post(link)

    assert response.status_code == 200
    assert "AAA-1</strong> is a private report" in response.content.decode()
    assert FeedbackItem.objects.for_tenant(open_tenant).get().awaiting_confirmation is False


@pytest.mark.django_db
def test_one_address_gets_at_most_three_confirmation_mails_an_hour(submit, mailoutbox, open_tenant):
    statuses = [
        submit(email="target@example.test", title=f"Spam attempt number {n}").status_code
        for n in range(4)
    ]

    assert statuses == [200, 200, 200, 429]
    assert len(mailoutbox) == 3
    assert FeedbackItem.objects.for_tenant(open_tenant).count() == 3
