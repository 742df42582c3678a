"""Rate limits and the honeypot: floods get a clear 429, spoofed headers change nothing."""

import pytest

from feedback.models import Comment, FeedbackItem, Vote
from portal.ratelimit import Limit, client_ip, limit_hit
from tenants.models import User
from tests.conftest import HOST_A, HOST_B, make_client
from tests.factories import PASSWORD, submit_item


@pytest.fixture
def tight_limits(settings):
    settings.RATE_LIMITS = {
        "submit": {"user": "3/3600", "ip": "5/3600"},
        "vote": {"user": "4/60"},
        "comment": {"user": "2/60"},
        "signup": {"ip": "2/3600"},
        "login": {"ip": "5/60", "account": "10/3600"},
        "follow": {"user": "30/60"},
        "upload": {"user": "20/3600"},
    }
    return settings.RATE_LIMITS


@pytest.mark.django_db
class TestLimits:
    def test_fourth_submission_in_an_hour_gets_429_with_retry_after(
        self, tight_limits, client_user1, tenant_a
    ):
        statuses = [
            client_user1.post(
                "/items/new/", {"kind": "idea", "title": f"Idea number {n} here"}
            ).status_code
            for n in range(4)
        ]

        response = client_user1.post("/items/new/", {"kind": "idea", "title": "One more idea"})
        assert statuses == [302, 302, 302, 429]
        assert response.status_code == 429
        assert 0 < int(response["Retry-After"]) <= 3600
        assert "Please slow down" in response.content.decode()
        assert FeedbackItem.objects.for_tenant(tenant_a).count() == 3

    def test_votes_are_limited_per_user(self, tight_limits, client_user2, tenant_a, user1):
        items = [submit_item(tenant_a, user1, title=f"Votable idea {n}") for n in range(5)]

        statuses = [client_user2.post(f"/items/{i.key}/vote/").status_code for i in items]

        assert statuses == [302, 302, 302, 302, 429]
        assert Vote.objects.for_tenant(tenant_a).filter(user__email="user2@a.test").count() == 4

    def test_comments_are_limited_per_user(self, tight_limits, client_user2, item_a):
        statuses = [
            client_user2.post(f"/items/{item_a.key}/comments/", {"body": f"c{n}"}).status_code
            for n in range(3)
        ]

        assert statuses == [302, 302, 429]
        assert Comment.objects.for_tenant(item_a.tenant).count() == 2

    def test_limits_are_per_tenant(self, tight_limits, tenant_a, tenant_b):
        for _ in range(2):
            make_client(HOST_A).post("/accounts/signup/", {"email": "", "password": ""})

        assert make_client(HOST_A).post("/accounts/signup/", {}).status_code == 429
        assert make_client(HOST_B).post("/accounts/signup/", {}).status_code == 200

    def test_gets_are_never_limited(self, tight_limits, client_user1):
        assert {client_user1.get("/items/new/?kind=idea").status_code for _ in range(10)} == {200}


@pytest.mark.django_db
class TestLoginLimitsBC17:
    def test_spoofed_forwarded_headers_do_not_reset_the_ip_limit(self, tight_limits, user1):
        statuses = []
        for n in range(10):
            response = make_client(HOST_A).post(
                "/accounts/login/",
                {"username": "user1@a.test", "password": "wrong"},
                HTTP_X_FORWARDED_FOR=f"{n}.{n}.{n}.{n}",
                HTTP_X_REAL_IP=f"{n}.{n}.{n}.{n}",
                HTTP_FORWARDED=f"for={n}.{n}.{n}.{n}",
                HTTP_CF_CONNECTING_IP=f"{n}.{n}.{n}.{n}",
            )
            statuses.append(response.status_code)

        assert statuses == [200] * 5 + [429] * 5

    def test_account_limit_holds_across_many_addresses(self, tight_limits, user1):
        statuses = [
            make_client(HOST_A, REMOTE_ADDR=f"10.0.0.{n}")
            .post("/accounts/login/", {"username": "USER1@a.test", "password": "wrong"})
            .status_code
            for n in range(12)
        ]

        assert statuses == [200] * 10 + [429] * 2

    def test_behind_one_trusted_proxy_the_last_hop_is_the_client(
        self, settings, tight_limits, user1
    ):
        settings.PORTAL_TRUSTED_PROXY_COUNT = 1
        lb = {"REMOTE_ADDR": "10.1.1.1"}
        attacker = [
            make_client(HOST_A, **lb)
            .post(
                "/accounts/login/",
                {"username": "x@a.test", "password": "no"},
                HTTP_X_FORWARDED_FOR=f"9.9.9.{n}, 203.0.113.66",
            )
            .status_code
            for n in range(6)
        ]
        victim = make_client(HOST_A, **lb).post(
            "/accounts/login/",
            {"username": "user1@a.test", "password": PASSWORD},
            HTTP_X_FORWARDED_FOR="198.51.100.7",
        )

        assert attacker == [200] * 5 + [429]
        assert victim.status_code == 302

    def test_admin_login_is_limited_too(self, tight_limits, staff1):
        statuses = [
            make_client(HOST_A)
            .post("/admin/login/", {"username": "staff1@a.test", "password": "wrong"})
            .status_code
            for _ in range(6)
        ]

        assert statuses == [200] * 5 + [429]


def test_client_ip_uses_remote_addr_without_trusted_proxies(rf, settings):
    settings.PORTAL_TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="1.2.3.4")

    assert client_ip(request) == "192.0.2.1"


def test_limit_hit_counts_within_a_window(db):
    limit = Limit(count=2, seconds=60)

    results = [limit_hit(tenant_id=1, scope="t", identity="x", limit=limit) for _ in range(3)]

    assert results[:2] == [None, None]
    assert 0 < results[2] <= 60


@pytest.mark.django_db
class TestHoneypot:
    def test_filled_honeypot_on_submit_saves_nothing(self, client_user1, tenant_a):
        response = client_user1.post(
            "/items/new/",
            {"kind": "idea", "title": "Buy cheap watches now", "website": "http://spam.test"},
        )

        assert response.status_code == 400
        assert "looked like an automated submission" in response.content.decode()
        assert FeedbackItem.objects.for_tenant(tenant_a).count() == 0

    def test_filled_honeypot_on_signup_creates_no_account(self, anon_a):
        response = anon_a.post(
            "/accounts/signup/",
            {"email": "bot@spam.test", "password": PASSWORD, "website": "x"},
        )

        assert "looked like an automated submission" in response.content.decode()
        assert User.objects.filter(email="bot@spam.test").count() == 0

    def test_the_honeypot_is_hidden_from_people_and_assistive_tech(self, client_user1):
        body = client_user1.get("/items/new/?kind=idea").content.decode()

        assert '<div class="hp" aria-hidden="true">' in body
        assert 'tabindex="-1"' in body


@pytest.mark.django_db
def test_successful_logins_do_not_use_up_the_limit(tight_limits, user1):
    statuses = [
        make_client(HOST_A)
        .post("/accounts/login/", {"username": "user1@a.test", "password": PASSWORD})
        .status_code
        for _ in range(8)
    ]

    assert statuses == [302] * 8
