"""Password reset per tenant, and claiming a passwordless account."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tenants.models import User
from tenants.services import user_for_email
from tests.conftest import HOST_A, make_client
from tests.factories import PASSWORD

NEW_PASSWORD = "a-much-better-passphrase-42"


def reset_link(message):
    return re.search(r"http://a\.portal\.test(/accounts/reset/[^\s]+/)", message.body).group(1)


@pytest.mark.django_db
class TestPasswordReset:
    def test_same_answer_whether_or_not_the_address_exists(self, anon_a, user1, mailoutbox):
        known = anon_a.post("/accounts/password-reset/", {"email": "user1@a.test"}, follow=True)
        unknown = anon_a.post("/accounts/password-reset/", {"email": "nobody@a.test"}, follow=True)

        assert (
            known.redirect_chain
            == unknown.redirect_chain
            == [("/accounts/password-reset/sent/", 302)]
        )

        def main_part(response):
            return response.content.decode().split("<main", 1)[1]

        assert main_part(known) == main_part(unknown)
        assert [m.to for m in mailoutbox] == [["user1@a.test"]]
        assert mailoutbox[0].subject == "Set your password for Tenant A feedback"
        [(html, mimetype)] = mailoutbox[0].alternatives
        assert mimetype == "text/html"
        assert "background:#3b5bdb" in html  # the tenant's colour, the shared email layout
        assert reset_link(mailoutbox[0]) in html

    def test_only_the_host_tenants_account_is_mailed(self, anon_a, user_b, mailoutbox):
        anon_a.post("/accounts/password-reset/", {"email": "user1@b.test"})

        assert mailoutbox == []

    def test_link_sets_the_password_and_signs_in(self, anon_a, user1, mailoutbox):
        anon_a.post("/accounts/password-reset/", {"email": "user1@a.test"})
        link = reset_link(mailoutbox[0])

        form_page = anon_a.get(link, follow=True)
        response = anon_a.post(
            form_page.redirect_chain[-1][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )

        assert response["Location"] == "/accounts/reset/done/"
        user1.refresh_from_db()
        assert user1.check_password(NEW_PASSWORD) is True
        assert anon_a.get("/").context["user"] == user1

    def test_passwordless_account_from_an_anonymous_submission_is_claimed(
        self, anon_a, tenant_a, mailoutbox
    ):
        user_for_email(tenant=tenant_a, email="visitor@example.test")

        anon_a.post("/accounts/password-reset/", {"email": "Visitor@Example.test"})
        link = reset_link(mailoutbox[0])
        page = anon_a.get(link, follow=True)
        anon_a.post(
            page.redirect_chain[-1][0],
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )

        visitor = User.objects.for_tenant(tenant_a).get(email="visitor@example.test")
        assert visitor.check_password(NEW_PASSWORD) is True

    def test_another_tenants_reset_link_does_nothing_here(self, tenant_a, user_b):
        uid = urlsafe_base64_encode(force_bytes(user_b.pk))
        token = default_token_generator.make_token(user_b)

        client = make_client(HOST_A)
        page = client.get(f"/accounts/reset/{uid}/{token}/", follow=True)
        client.post(
            f"/accounts/reset/{uid}/set-password/",
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )

        assert "This link does not work" in page.content.decode()
        user_b.refresh_from_db()
        assert user_b.check_password(PASSWORD) is True

    def test_reset_requests_are_limited_per_address(self, anon_a, user1, mailoutbox):
        statuses = [
            anon_a.post("/accounts/password-reset/", {"email": "user1@a.test"}).status_code
            for _ in range(4)
        ]

        assert statuses == [302, 302, 302, 429]
        assert len(mailoutbox) == 3
