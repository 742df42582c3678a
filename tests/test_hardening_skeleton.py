"""Regressions from the first break-it session: each was a 500, a broken rule or a leak."""

import pytest

from feedback.models import FeedbackItem, Vote
from feedback.services import item_submit, vote_cast
from tenants.models import Domain, Membership, Tenant, User
from tests.admin_forms import change_form_data
from tests.conftest import HOST_A, PLATFORM_HOST, make_client
from tests.factories import PASSWORD, DomainFactory, MembershipFactory


@pytest.fixture
def root_client(db):
    root = User.objects.create_superuser("root@hypercare.test", PASSWORD)
    return make_client(PLATFORM_HOST, root)


@pytest.mark.django_db
class TestPlatformAdminTenants:
    def test_add_tenant_page_works_and_creates_a_tenant(self, root_client):
        assert root_client.get("/admin/tenants/tenant/add/").status_code == 200

        response = root_client.post(
            "/admin/tenants/tenant/add/",
            {
                "slug": "c",
                "name": "C",
                "status": "active",
                "ticket_prefix": "CCC",
                "brand_color": "#3b5bdb",
                "attachment_max_bytes": 10 * 1024 * 1024,
                "csat_delay_hours": 48,
            },
        )

        assert response.status_code == 302
        assert Tenant.objects.get(slug="c").name == "C"
        assert Tenant.objects.get(slug="c").csat_delay_hours == 48

    def test_suspend_a_tenant_with_staff_and_verify_its_domain(self, root_client, staff1, tenant_a):
        domain = DomainFactory(tenant=tenant_a, host="feedback.a.test", is_verified=False)
        url = f"/admin/tenants/tenant/{tenant_a.pk}/change/"
        page = root_client.get(url)
        data = change_form_data(page, status="suspended")
        data["-1-0-is_verified"] = "on"  # the inlines are prefixed -1 (domains), -2 (staff)

        response = root_client.post(url, data)

        assert response.status_code == 302
        tenant_a.refresh_from_db()
        domain.refresh_from_db()
        assert (tenant_a.status, domain.is_verified) == ("suspended", True)

    def test_staff_of_another_tenant_cannot_be_added(self, root_client, tenant_a, user_b):
        url = f"/admin/tenants/tenant/{tenant_a.pk}/change/"
        data = change_form_data(root_client.get(url))
        data.update(
            {
                "-2-TOTAL_FORMS": "1",
                "-2-0-user": user_b.pk,
                "-2-0-role": "owner",
            }
        )

        response = root_client.post(url, data)

        assert response.status_code == 200
        assert Membership.objects.unscoped().filter(user=user_b).count() == 0

    def test_membership_clean_refuses_a_foreign_user(self, tenant_a, user_b):
        with pytest.raises(Exception, match="Staff must be a user of this tenant"):
            Membership(tenant=tenant_a, user=user_b, role="owner").full_clean()


@pytest.mark.django_db
def test_deleting_a_voter_keeps_the_count_exact(root_client, item_a, user2):
    vote_cast(tenant=item_a.tenant, item=item_a, user=user2)

    response = root_client.post(f"/admin/tenants/user/{user2.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    item_a.refresh_from_db()
    assert item_a.vote_count == 2
    assert Vote.objects.for_tenant(item_a.tenant).filter(item=item_a).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    "key", ["AAA-\u00b2", "AAA-\u2460", "AAA-\u0661", "AAA-\U0001d7d9", "AAA-01", "AAA-0001"]
)
def test_unicode_and_padded_digits_are_not_ticket_numbers(anon_a, client_user1, item_a, key):
    assert anon_a.get(f"/items/{key}/").status_code == 404
    assert client_user1.post(f"/items/{key}/vote/").status_code == 404


@pytest.mark.django_db
class TestRedirectLoops:
    def test_signed_in_login_with_next_login_goes_home(self, client_user1):
        response = client_user1.get("/accounts/login/?next=/accounts/login/")

        assert (response.status_code, response["Location"]) == (302, "/")

    def test_signed_in_signup_with_next_signup_goes_home(self, client_user1):
        response = client_user1.get("/accounts/signup/?next=/accounts/signup/")

        assert (response.status_code, response["Location"]) == (302, "/")


@pytest.mark.django_db
class TestRoleHierarchy:
    MEMBERSHIPS = "/admin/tenants/membership/"

    @pytest.fixture
    def owner(self, tenant_a):
        return MembershipFactory(tenant=tenant_a, role="owner")

    @pytest.fixture
    def admin_member(self, tenant_a):
        return MembershipFactory(tenant=tenant_a, role="admin")

    def test_admin_cannot_touch_an_owner(self, tenant_a, owner, admin_member):
        client = make_client(HOST_A, admin_member.user)

        assert client.get(f"{self.MEMBERSHIPS}{owner.pk}/change/").status_code == 200  # view
        post = client.post(
            f"{self.MEMBERSHIPS}{owner.pk}/change/", {"user": owner.user_id, "role": "viewer"}
        )
        delete = client.post(f"{self.MEMBERSHIPS}{owner.pk}/delete/", {"post": "yes"})

        assert (post.status_code, delete.status_code) == (403, 403)
        owner.refresh_from_db()
        assert owner.role == "owner"

    def test_admin_cannot_make_anyone_owner(self, tenant_a, admin_member, user1):
        client = make_client(HOST_A, admin_member.user)

        promote_self = client.post(
            f"{self.MEMBERSHIPS}{admin_member.pk}/change/",
            {"user": admin_member.user_id, "role": "owner"},
        )
        grant = client.post(f"{self.MEMBERSHIPS}add/", {"user": user1.pk, "role": "owner"})

        assert "Select a valid choice" in promote_self.content.decode()
        assert "Select a valid choice" in grant.content.decode()
        admin_member.refresh_from_db()
        assert admin_member.role == "admin"
        assert Membership.objects.for_tenant(tenant_a).filter(user=user1).count() == 0

    def test_last_owner_can_be_neither_demoted_nor_removed(self, tenant_a, owner):
        client = make_client(HOST_A, owner.user)

        demote = client.post(
            f"{self.MEMBERSHIPS}{owner.pk}/change/", {"user": owner.user_id, "role": "admin"}
        )
        delete = client.post(f"{self.MEMBERSHIPS}{owner.pk}/delete/", {"post": "yes"})

        assert "This is the last owner" in demote.content.decode()
        assert delete.status_code == 403
        owner.refresh_from_db()
        assert owner.role == "owner"

    def test_an_owner_can_step_down_when_another_owner_exists(self, tenant_a, owner):
        MembershipFactory(tenant=tenant_a, role="owner")
        client = make_client(HOST_A, owner.user)

        response = client.post(
            f"{self.MEMBERSHIPS}{owner.pk}/change/", {"user": owner.user_id, "role": "admin"}
        )

        assert response.status_code == 302
        owner.refresh_from_db()
        assert owner.role == "admin"


@pytest.mark.django_db
class TestBadQueryStrings:
    @pytest.mark.parametrize(
        "url",
        [
            "/admin/feedback/feedbackitem/?title__regex=(",
            "/admin/feedback/feedbackitem/?title__iregex=a",
            "/admin/feedback/feedbackitem/?status=%00",
            "/admin/tenants/membership/?role=%00",
            "/?q=%00",
            "/?kind=bug&%00=1",
        ],
    )
    def test_answered_with_400(self, client_staff1, url):
        assert client_staff1.get(url).status_code == 400


@pytest.mark.django_db
class TestServicesCheckTheTenant:
    def test_vote_on_another_tenants_item_is_refused(self, tenant_a, user1, item_b):
        with pytest.raises(ValueError, match="must belong to the tenant"):
            vote_cast(tenant=tenant_a, item=item_b, user=user1)

        assert Vote.objects.unscoped().filter(item=item_b).count() == 1

    def test_submit_with_another_tenants_reporter_is_refused(self, tenant_a, user_b):
        with pytest.raises(ValueError, match="reporter must be a user of the tenant"):
            item_submit(tenant=tenant_a, reporter=user_b, kind="idea", title="Sneaky item")

        assert FeedbackItem.objects.for_tenant(tenant_a).count() == 0


@pytest.mark.django_db
def test_display_name_loses_bidi_and_control_characters(tenant_a):
    make_client(HOST_A).post(
        "/accounts/signup/",
        {"email": "x@a.test", "display_name": "Ev\u202eil\x1b[31m Name\x7f", "password": PASSWORD},
    )

    assert User.objects.get(email="x@a.test").display_name == "Evil [31m Name"


@pytest.mark.django_db
def test_domain_unique_across_tenants_in_platform_admin(root_client, tenant_a, tenant_b):
    Domain.objects.create(tenant=tenant_b, host="taken.example.test", is_verified=True)
    url = f"/admin/tenants/tenant/{tenant_a.pk}/change/"
    data = change_form_data(root_client.get(url))
    data.update({"-1-TOTAL_FORMS": "1", "-1-0-host": "taken.example.test"})

    response = root_client.post(url, data)

    assert "Domain with this Host already exists" in response.content.decode()
    assert Domain.objects.unscoped().filter(tenant=tenant_a).count() == 0
