import pytest

from feedback.models import Component, FeedbackItem, StatusChange, Tag
from tenants.models import Membership, User
from tests.admin_forms import change_form_data
from tests.conftest import HOST_A, HOST_B, PLATFORM_HOST, make_client
from tests.factories import PASSWORD, MembershipFactory, UserFactory, submit_item

CHANGELIST = "/admin/feedback/feedbackitem/"
# The item form carries the comment inlines; an empty management form for each.
COMMENT_INLINES_UNCHANGED = {
    "comments-TOTAL_FORMS": "0",
    "comments-INITIAL_FORMS": "0",
    "comments-2-TOTAL_FORMS": "0",
    "comments-2-INITIAL_FORMS": "0",
}


def changelist_titles(response):
    return sorted(row.title for row in response.context["cl"].result_list)


@pytest.mark.django_db
class TestTenantAdmin:
    def test_agent_sees_and_edits_only_own_tenant_items(self, client_staff1, item_a, item_b):
        response = client_staff1.get(CHANGELIST)

        assert response.status_code == 200
        assert changelist_titles(response) == ["Export invoices as CSV"]
        assert "SENTINEL-b-item" not in response.content.decode()

    def test_agent_changes_status_of_own_item_with_a_public_message(
        self, client_staff1, item_a, staff1
    ):
        url = f"{CHANGELIST}{item_a.pk}/change/"
        page = client_staff1.get(url)

        response = client_staff1.post(
            url,
            change_form_data(
                page,
                title="Export invoices as CSV files",
                severity="S2",
                new_status="planned",
                status_message="Scheduled for the 4.1 release.",
            ),
        )

        assert response.status_code == 302
        item_a.refresh_from_db()
        assert (item_a.status, item_a.title, item_a.severity, item_a.vote_count) == (
            "planned",
            "Export invoices as CSV files",
            "S2",
            1,
        )
        change = StatusChange.objects.for_tenant(item_a.tenant).get(item=item_a)
        assert (change.from_status, change.to_status, change.actor, change.message) == (
            "new",
            "planned",
            staff1,
            "Scheduled for the 4.1 release.",
        )

    def test_status_choices_follow_the_workflow(self, client_staff1, item_a):
        page = client_staff1.get(f"{CHANGELIST}{item_a.pk}/change/")

        choices = [
            value for value, _ in page.context["adminform"].form.fields["new_status"].choices
        ]
        assert choices == ["", "triaged", "planned", "in_progress", "resolved", "declined"]

    def test_a_status_outside_the_workflow_is_a_form_error(self, client_staff1, item_a):
        url = f"{CHANGELIST}{item_a.pk}/change/"
        page = client_staff1.get(url)

        response = client_staff1.post(url, change_form_data(page, new_status="closed"))

        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        item_a.refresh_from_db()
        assert item_a.status == "new"
        assert StatusChange.objects.for_tenant(item_a.tenant).count() == 0

    def test_security_report_cannot_be_made_public(self, client_staff1, tenant_a, user1):
        item = submit_item(tenant_a, user1, kind="security", title="Reset link never expires")
        url = f"{CHANGELIST}{item.pk}/change/"
        page = client_staff1.get(url)

        response = client_staff1.post(url, change_form_data(page, is_public="on"))

        assert "Security reports always stay private." in response.content.decode()
        item.refresh_from_db()
        assert item.is_public is False

    def test_tags_and_components_offered_are_this_tenants(self, client_staff1, item_a, tenant_b):
        Tag.objects.create(tenant=item_a.tenant, name="Checkout", slug="checkout")
        Tag.objects.create(tenant=tenant_b, name="Theirs", slug="theirs")
        Component.objects.create(tenant=tenant_b, name="Their app")

        form = client_staff1.get(f"{CHANGELIST}{item_a.pk}/change/").context["adminform"].form

        assert [t.name for t in form.fields["tags"].queryset] == ["Checkout"]
        assert list(form.fields["component"].queryset) == []

    def test_staff_of_a_logs_into_admin_on_a_host(self, staff1):
        client = make_client(HOST_A)

        response = client.post(
            "/admin/login/?next=/admin/", {"username": "staff1@a.test", "password": PASSWORD}
        )

        assert response.status_code == 302
        assert client.get("/admin/").status_code == 200

    def test_portal_user_without_role_cannot_enter_admin(self, client_user1, item_a):
        response = client_user1.get(CHANGELIST)

        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")

    def test_staff_of_b_cannot_enter_a_admin_with_b_credentials(self, staff_b, tenant_a):
        response = make_client(HOST_A).post(
            "/admin/login/", {"username": "staff@b.test", "password": PASSWORD}
        )

        assert response.status_code == 200
        assert "Please enter the correct" in response.content.decode()

    def test_viewer_can_read_but_not_change(self, tenant_a, item_a):
        viewer = MembershipFactory(tenant=tenant_a, role=Membership.Role.VIEWER).user
        client = make_client(HOST_A, viewer)

        assert client.get(CHANGELIST).status_code == 200
        response = client.post(
            f"{CHANGELIST}{item_a.pk}/change/",
            {"kind": "idea", "status": "closed", "title": "changed by viewer"},
        )

        assert response.status_code == 403
        item_a.refresh_from_db()
        assert item_a.status == "new"

    def test_agent_cannot_delete_owner_can(self, client_staff1, tenant_a, item_a):
        delete_url = f"{CHANGELIST}{item_a.pk}/delete/"
        assert client_staff1.post(delete_url, {"post": "yes"}).status_code == 403
        assert FeedbackItem.objects.for_tenant(tenant_a).count() == 1

        owner = MembershipFactory(tenant=tenant_a, role=Membership.Role.OWNER).user
        assert make_client(HOST_A, owner).post(delete_url, {"post": "yes"}).status_code == 302
        assert FeedbackItem.objects.for_tenant(tenant_a).count() == 0

    def test_membership_user_choices_are_this_tenants_users(self, tenant_a, user1, user_b):
        owner = MembershipFactory(tenant=tenant_a, role=Membership.Role.OWNER).user

        response = make_client(HOST_A, owner).get("/admin/tenants/membership/add/")

        choices = list(response.context["adminform"].form.fields["user"].queryset)
        assert user1 in choices
        assert user_b not in choices

    def test_adding_a_user_twice_is_a_form_error_not_a_crash(self, tenant_a, staff1):
        owner = MembershipFactory(tenant=tenant_a, role=Membership.Role.OWNER).user

        response = make_client(HOST_A, owner).post(
            "/admin/tenants/membership/add/", {"user": staff1.pk, "role": "viewer"}
        )

        assert response.status_code == 200
        assert "already exists" in response.content.decode()
        assert Membership.objects.for_tenant(tenant_a).filter(user=staff1).get().role == "agent"

    def test_posting_another_tenants_user_is_rejected(self, tenant_a, user_b):
        owner = MembershipFactory(tenant=tenant_a, role=Membership.Role.OWNER).user

        response = make_client(HOST_A, owner).post(
            "/admin/tenants/membership/add/", {"user": user_b.pk, "role": "owner"}
        )

        assert response.status_code == 200
        assert "Select a valid choice" in response.content.decode()
        assert Membership.objects.unscoped().filter(user=user_b).count() == 0

    def test_agent_cannot_grant_roles(self, client_staff1, user1):
        response = client_staff1.post(
            "/admin/tenants/membership/add/", {"user": user1.pk, "role": "owner"}
        )

        assert response.status_code == 403
        assert Membership.objects.unscoped().filter(user=user1).count() == 0


@pytest.mark.django_db
class TestPlatformAdmin:
    def test_superuser_on_base_host_sees_every_tenant(self, item_a, item_b):
        root = User.objects.create_superuser("root@hypercare.test", PASSWORD)

        response = make_client(PLATFORM_HOST, root).get(CHANGELIST)

        assert response.status_code == 200
        assert changelist_titles(response) == [
            "Export invoices as CSV",
            "SENTINEL-b-item Bravo-only",
        ]

    def test_superuser_manages_tenants(self, tenant_a, tenant_b):
        root = User.objects.create_superuser("root@hypercare.test", PASSWORD)

        response = make_client(PLATFORM_HOST, root).get("/admin/tenants/tenant/")

        assert [t.slug for t in response.context["cl"].result_list] == ["a", "b"]

    def test_tenant_staff_cannot_use_the_platform_admin(self, staff1, item_a):
        client = make_client(PLATFORM_HOST)

        response = client.post("/admin/login/", {"username": "staff1@a.test", "password": PASSWORD})

        assert response.status_code == 200
        assert client.get(CHANGELIST).status_code == 302

    def test_new_item_in_a_appears_in_a_admin_not_b(self, tenant_a, tenant_b, user1):
        submit_item(tenant_a, user1, title="Only in tenant A admin")
        agent_b = MembershipFactory(tenant=tenant_b, user=UserFactory(tenant=tenant_b)).user

        response = make_client(HOST_B, agent_b).get(CHANGELIST)

        assert changelist_titles(response) == []


@pytest.mark.django_db
@pytest.mark.parametrize("term", ["AAA-2", "aaa-2", "#2", "2"])
def test_admin_finds_an_item_by_its_ticket_key(client_staff1, tenant_a, user1, term):
    submit_item(tenant_a, user1, title="First of two items")
    submit_item(tenant_a, user1, title="Second of two items")

    response = client_staff1.get(CHANGELIST, {"q": term})

    assert changelist_titles(response) == ["Second of two items"]
