import pytest

from tenants.models import Tenant
from tests.conftest import HOST_A, HOST_B, PLATFORM_HOST, make_client
from tests.factories import DomainFactory


@pytest.mark.django_db
class TestHostResolution:
    def test_each_tenant_host_shows_only_its_own_items(self, item_a, item_b):
        page_a = make_client(HOST_A).get("/").content.decode()
        page_b = make_client(HOST_B).get("/").content.decode()

        assert "Export invoices as CSV" in page_a
        assert "SENTINEL-b-item" not in page_a
        assert "SENTINEL-b-item" in page_b
        assert "Export invoices as CSV" not in page_b

    def test_unknown_host_gets_the_no_portal_page(self, tenant_a):
        response = make_client("nosuch.portal.test").get("/")

        assert response.status_code == 404
        assert "No portal at this address" in response.content.decode()
        assert "nosuch.portal.test" in response.content.decode()

    @pytest.mark.parametrize(
        "host", ["a.a.portal.test", "evil.test", "portal.test.evil.test", "xportal.test"]
    )
    def test_hosts_that_only_resemble_a_tenant_are_unknown(self, tenant_a, host):
        response = make_client(host).get("/")

        assert response.status_code == 404
        assert "No portal at this address" in response.content.decode()

    def test_host_match_ignores_case_and_port(self, item_a):
        response = make_client("A.Portal.Test:8443").get("/")

        assert response.status_code == 200
        assert "Export invoices as CSV" in response.content.decode()

    def test_verified_custom_domain_serves_the_tenant(self, item_a, tenant_a):
        DomainFactory(tenant=tenant_a, host="feedback.customer-a.test", is_verified=True)

        response = make_client("feedback.customer-a.test").get("/")

        assert response.status_code == 200
        assert "Export invoices as CSV" in response.content.decode()

    def test_unverified_custom_domain_is_unknown(self, item_a, tenant_a):
        DomainFactory(tenant=tenant_a, host="pending.customer-a.test", is_verified=False)

        response = make_client("pending.customer-a.test").get("/")

        assert response.status_code == 404

    def test_suspended_tenant_shows_portal_paused(self, item_a, tenant_a):
        Tenant.objects.filter(pk=tenant_a.pk).update(status=Tenant.Status.SUSPENDED)

        for path in ["/", f"/items/{item_a.key}/", "/accounts/login/", "/admin/"]:
            response = make_client(HOST_A).get(path)
            assert response.status_code == 403
            assert "This portal is paused" in response.content.decode()
            assert "Export invoices" not in response.content.decode()

    def test_base_host_shows_neutral_landing_without_tenant_names(self, tenant_a, tenant_b):
        response = make_client(PLATFORM_HOST).get("/")

        assert response.status_code == 200
        body = response.content.decode()
        assert "Hypercare Portal" in body
        assert "Tenant A" not in body
        assert "Tenant B" not in body

    def test_malformed_host_header_is_a_400_not_a_500(self, tenant_a):
        response = make_client("bad host!").get("/")

        assert response.status_code == 400
