import re

import pytest

from tenants.models import Tenant
from tests.conftest import HOST_A, make_client


@pytest.mark.django_db
class TestSecurityHeaders:
    def test_csp_nonce_matches_the_tenant_colour_style(self, tenant_a):
        Tenant.objects.filter(pk=tenant_a.pk).update(brand_color="#c2410c")

        response = make_client(HOST_A).get("/")

        policy = response["Content-Security-Policy"]
        nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
        body = response.content.decode()
        assert f'<style nonce="{nonce}">:root {{ --brand: #c2410c; }}</style>' in body
        assert "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "'nonce'" not in policy

    @pytest.mark.parametrize(("host", "status"), [("nosuch.portal.test", 404), (HOST_A, 200)])
    def test_every_answer_carries_the_security_headers(self, tenant_a, host, status):
        response = make_client(host).get("/")

        assert response.status_code == status
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert "default-src 'self'" in response["Content-Security-Policy"]

    def test_paused_page_has_security_headers(self, tenant_a):
        Tenant.objects.filter(pk=tenant_a.pk).update(status=Tenant.Status.SUSPENDED)

        response = make_client(HOST_A).get("/")

        assert response.status_code == 403
        assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_landing_links_use_the_port_the_visitor_used(tenant_a, settings):
    settings.PORTAL_LIST_TENANTS_ON_LANDING = True

    body = make_client("portal.test:8100").get("/").content.decode()

    assert 'href="http://a.portal.test:8100/"' in body
