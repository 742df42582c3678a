"""Integration reports cluster by API surface; "me too" records an AffectedReport."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from feedback.models import AffectedReport, FeedbackItem, Vote
from tests.conftest import HOST_A, make_client
from tests.factories import UserFactory, submit_item

SUBMIT = "/items/new/"
SURFACE = {"api_endpoint": "/v2/orders", "http_method": "POST", "http_status": 500}


def integration_item(tenant, reporter, title="Creating an order returns 500", **surface):
    return submit_item(tenant, reporter, title=title, kind="integration", **(surface or SURFACE))


def set_fields(item, **fields):
    FeedbackItem.objects.for_tenant(item.tenant).filter(pk=item.pk).update(**fields)


def new_report(**changes):
    data = {
        "kind": "integration",
        "title": "Orders endpoint fails for me",
        "api_endpoint": "/v2/orders/",
        "http_method": "POST",
        "http_status": "500",
        "request_id": "req-9f2",
    }
    return {**data, **changes}


def items_of(tenant):
    return list(FeedbackItem.objects.for_tenant(tenant).order_by("number").values_list("number"))


@pytest.mark.django_db
class TestClusterOffer:
    def test_matching_open_item_is_offered_first_and_nothing_is_created(
        self, client_user2, tenant_a, user1
    ):
        integration_item(tenant_a, user1)

        response = client_user2.post(SUBMIT, new_report())

        body = response.content.decode()
        assert response.status_code == 200
        assert "This looks like AAA-1: add your report to it, or submit a new item anyway" in body
        assert '<form method="post" action="/items/AAA-1/affected/"' in body
        assert '<input type="hidden" name="request_id" value="req-9f2">' in body
        assert '<input type="hidden" name="confirm_new" value="1">' in body
        assert "Submit a new item anyway" in body
        assert items_of(tenant_a) == [(1,)]

    def test_submitting_anyway_is_an_explicit_choice(self, client_user2, tenant_a, user1):
        integration_item(tenant_a, user1)

        response = client_user2.post(SUBMIT, new_report(confirm_new="1"))

        assert response.status_code == 302
        assert response["Location"] == "/items/AAA-2/"
        assert items_of(tenant_a) == [(1,), (2,)]

    def test_the_same_error_code_with_another_status_matches(self, client_user2, tenant_a, user1):
        integration_item(tenant_a, user1, error_code="ORDER_LOCKED", **SURFACE)

        response = client_user2.post(
            SUBMIT, new_report(http_status="409", error_code="ORDER_LOCKED")
        )

        assert response.status_code == 200
        assert "This looks like AAA-1" in response.content.decode()

    @pytest.mark.parametrize(
        "changes",
        [
            {"http_method": "GET"},
            {"http_status": "502"},
            {"api_endpoint": "/v2/orders/items"},
            {"http_status": ""},
        ],
    )
    def test_another_call_is_submitted_directly(self, client_user2, tenant_a, user1, changes):
        integration_item(tenant_a, user1)

        response = client_user2.post(SUBMIT, new_report(**changes))

        assert response.status_code == 302
        assert items_of(tenant_a) == [(1,), (2,)]

    @pytest.mark.parametrize("status", ["resolved", "closed", "declined", "duplicate"])
    def test_a_closed_item_is_not_offered(self, client_user2, tenant_a, user1, status):
        set_fields(integration_item(tenant_a, user1), status=status)

        response = client_user2.post(SUBMIT, new_report())

        assert response.status_code == 302
        assert items_of(tenant_a) == [(1,), (2,)]

    @pytest.mark.parametrize("status", ["triaged", "planned", "in_progress"])
    def test_every_open_status_is_offered(self, client_user2, tenant_a, user1, status):
        set_fields(integration_item(tenant_a, user1), status=status)

        assert "This looks like AAA-1" in client_user2.post(SUBMIT, new_report()).content.decode()

    def test_another_tenants_item_is_not_offered(self, client_user2, tenant_a, tenant_b, user_b):
        integration_item(tenant_b, user_b, title="SENTINEL-b-item orders")

        response = client_user2.post(SUBMIT, new_report())

        assert response.status_code == 302
        assert "SENTINEL" not in response.content.decode()
        assert items_of(tenant_a) == [(1,)]

    def test_someone_elses_private_item_is_not_offered(self, client_user2, tenant_a, user1):
        set_fields(integration_item(tenant_a, user1), is_public=False)

        response = client_user2.post(SUBMIT, new_report())

        assert response.status_code == 302
        assert items_of(tenant_a) == [(1,), (2,)]

    def test_other_kinds_are_never_held_back(self, client_user2, tenant_a, user1):
        integration_item(tenant_a, user1)

        response = client_user2.post(
            SUBMIT, {"kind": "idea", "title": "Orders endpoint fails for me"}
        )

        assert response.status_code == 302


@pytest.mark.django_db
class TestMeToo:
    @pytest.fixture
    def item(self, tenant_a, user1):
        return integration_item(tenant_a, user1)

    def reports(self, item):
        return list(
            AffectedReport.objects.for_tenant(item.tenant)
            .order_by("id")
            .values_list("reporter__email", "request_id", "app_name", "app_version")
        )

    def vote_count(self, item):
        return FeedbackItem.objects.for_tenant(item.tenant).get(pk=item.pk).vote_count

    def test_me_too_records_the_report_and_the_vote(self, client_user2, item):
        response = client_user2.post(
            f"/items/{item.key}/affected/",
            {"request_id": "req-1", "app_name": "Acme iOS", "app_version": "4.0.2"},
        )

        assert response.status_code == 302
        assert response["Location"] == "/items/AAA-1/#affected"
        assert self.reports(item) == [("user2@a.test", "req-1", "Acme iOS", "4.0.2")]
        assert self.vote_count(item) == 2
        body = client_user2.get("/items/AAA-1/").content.decode()
        assert "1 developer and 1 app affected" in body
        assert "Update my report" in body
        assert 'value="Acme iOS"' in body

    def test_a_second_me_too_updates_the_request_id_and_counts_stay(
        self, client_user2, tenant_a, item
    ):
        client_user2.post(f"/items/{item.key}/affected/", {"request_id": "req-1", "app_name": "A"})

        response = client_user2.post(f"/items/{item.key}/affected/", {"request_id": "req-2"})

        assert response.status_code == 302
        assert self.reports(item) == [("user2@a.test", "req-2", "A", "")]
        assert self.vote_count(item) == 2
        assert Vote.objects.for_tenant(tenant_a).filter(item=item).count() == 2
        assert (
            "1 developer and 1 app affected" in client_user2.get("/items/AAA-1/").content.decode()
        )

    def test_counts_are_distinct_developers_and_distinct_named_apps(self, anon_a, tenant_a, item):
        for app in ["Acme iOS", "acme ios", "", "Acme Android"]:
            client = make_client(HOST_A, UserFactory(tenant=tenant_a))
            client.post(f"/items/{item.key}/affected/", {"app_name": app})

        body = anon_a.get("/items/AAA-1/").content.decode()

        assert "4 developers and 2 apps affected" in body
        assert self.vote_count(item) == 5

    def test_no_reports_yet(self, anon_a, item):
        body = anon_a.get("/items/AAA-1/").content.decode()

        assert "0 developers and 0 apps affected" in body
        assert "to tell us this affects you too" in body

    def test_other_kinds_show_no_affected_section(self, client_user2, tenant_a, user1):
        idea = submit_item(tenant_a, user1, title="Dark mode for reports")

        body = client_user2.get(f"/items/{idea.key}/").content.decode()
        response = client_user2.post(f"/items/{idea.key}/affected/", {"request_id": "x"})

        assert "affected" not in body.split("<main")[1].split('id="comments"')[0]
        assert response.status_code == 404
        assert AffectedReport.objects.for_tenant(tenant_a).count() == 0

    def test_anonymous_is_sent_to_login_and_nothing_is_recorded(self, anon_a, item):
        response = anon_a.post(f"/items/{item.key}/affected/", {"request_id": "x"})

        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/items/AAA-1/"
        assert self.reports(item) == []

    def test_csrf_is_required(self, user2, item):
        client = make_client(HOST_A, user2, enforce_csrf_checks=True)

        response = client.post(f"/items/{item.key}/affected/", {"request_id": "x"})

        assert response.status_code == 403
        assert self.reports(item) == []

    def test_get_is_not_allowed(self, client_user2, item):
        assert client_user2.get(f"/items/{item.key}/affected/").status_code == 405

    def test_closed_item_takes_no_reports(self, client_user2, item):
        set_fields(item, status="closed")

        response = client_user2.post(
            f"/items/{item.key}/affected/", {"request_id": "x"}, follow=True
        )

        assert "AAA-1 is closed; it takes no reports." in response.content.decode()
        assert self.reports(item) == []
        assert self.vote_count(item) == 1

    def test_too_long_values_are_refused(self, client_user2, item):
        response = client_user2.post(f"/items/{item.key}/affected/", {"app_name": "x" * 121})

        assert response.status_code == 302
        assert self.reports(item) == []

    def test_secrets_in_the_request_id_are_masked(self, client_user2, item):
        client_user2.post(
            f"/items/{item.key}/affected/",
            {"request_id": "Bearer abcdefghijklmnopqrstuvwxyz123456"},
        )

        assert "abcdefghijklmnopqrstuvwxyz123456" not in self.reports(item)[0][1]

    def test_another_tenants_item_is_not_found(self, client_user1, tenant_b, user_b):
        victim = integration_item(tenant_b, user_b, title="SENTINEL-b-item orders")

        response = client_user1.post("/items/BBB-1/affected/", {"request_id": "hacked"})
        own_prefix = client_user1.post("/items/AAA-1/affected/", {"request_id": "hacked"})

        assert response.status_code == 404
        assert own_prefix.status_code == 404
        assert "SENTINEL" not in response.content.decode()
        assert AffectedReport.objects.for_tenant(tenant_b).count() == 0
        assert FeedbackItem.objects.for_tenant(tenant_b).get(pk=victim.pk).vote_count == 1


@pytest.mark.django_db
class TestAdminColumn:
    URL = "/admin/feedback/feedbackitem/"

    def test_staff_sort_by_affected(self, client_staff1, tenant_a, user1):
        few = integration_item(tenant_a, user1, title="Few affected")
        many = integration_item(tenant_a, user1, title="Many affected")
        none = submit_item(tenant_a, user1, title="Nobody affected yet")
        for item, count in [(few, 1), (many, 3)]:
            for _ in range(count):
                client = make_client(HOST_A, UserFactory(tenant=tenant_a))
                client.post(f"/items/{item.key}/affected/")

        # "affected" is list_display[7].
        response = client_staff1.get(self.URL, {"o": "-7"})

        rows = [(i.number, i.affected_count) for i in response.context["cl"].result_list]
        assert rows == [(many.number, 3), (few.number, 1), (none.number, 0)]
        assert '<td class="field-affected">3</td>' in response.content.decode()

    @pytest.mark.parametrize("size", [2, 12])
    def test_changelist_queries_do_not_grow_with_rows(self, client_staff1, tenant_a, user1, size):
        for number in range(size):
            item = integration_item(tenant_a, user1, title=f"Orders failing {number}")
            make_client(HOST_A, UserFactory(tenant=tenant_a)).post(f"/items/{item.key}/affected/")

        with CaptureQueriesContext(connection) as queries:
            response = client_staff1.get(self.URL, {"o": "-7"})

        assert response.status_code == 200
        assert len(queries) == 7
