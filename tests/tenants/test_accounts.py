import pytest

from tenants.models import User
from tests.conftest import HOST_A, HOST_B, make_client
from tests.factories import PASSWORD, UserFactory

SIGNUP = "/accounts/signup/"
LOGIN = "/accounts/login/"


@pytest.mark.django_db
class TestSignUp:
    def test_signup_creates_an_account_in_this_tenant_and_signs_in(self, tenant_a):
        client = make_client(HOST_A)

        response = client.post(
            SIGNUP,
            {
                "email": "New.Person@Example.test",
                "display_name": "New\r\nPerson",
                "password": PASSWORD,
            },
        )

        assert response.status_code == 302
        assert response["Location"] == "/"
        user = User.objects.get(email="new.person@example.test")
        assert user.tenant == tenant_a
        assert user.display_name == "New Person"
        assert client.get("/").context["user"] == user

    def test_same_address_can_sign_up_on_another_tenant(self, user1, tenant_b):
        response = make_client(HOST_B).post(SIGNUP, {"email": "user1@a.test", "password": PASSWORD})

        assert response.status_code == 302
        assert User.objects.filter(email="user1@a.test").count() == 2

    def test_taken_address_in_same_tenant_is_a_form_error(self, user1):
        response = make_client(HOST_A).post(SIGNUP, {"email": "USER1@a.test", "password": PASSWORD})

        assert response.status_code == 200
        assert "An account with this email already exists here" in response.content.decode()
        assert User.objects.filter(email__iexact="user1@a.test").count() == 1

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"email": "not-an-email", "password": PASSWORD}, "Enter a valid email address."),
            ({"email": "x@a.test", "password": "123"}, "This password is too short."),
            ({"email": "", "password": PASSWORD}, "This field is required."),
        ],
    )
    def test_invalid_signup_shows_the_problem_and_creates_nothing(self, tenant_a, data, message):
        response = make_client(HOST_A).post(SIGNUP, data)

        assert response.status_code == 200
        assert message in response.content.decode()
        assert User.objects.count() == 0

    def test_signup_redirects_only_to_same_host_next(self, tenant_a):
        response = make_client(HOST_A).post(
            SIGNUP + "?next=https://evil.test/", {"email": "x@a.test", "password": PASSWORD}
        )

        assert response["Location"] == "/"


@pytest.mark.django_db
class TestLogin:
    def test_login_with_own_tenant_credentials(self, user1):
        response = make_client(HOST_A).post(
            LOGIN, {"username": "USER1@a.test", "password": PASSWORD, "next": "/items/new/"}
        )

        assert response.status_code == 302
        assert response["Location"] == "/items/new/"

    def test_credentials_of_another_tenant_do_not_log_in(self, user_b, tenant_a):
        response = make_client(HOST_A).post(
            LOGIN, {"username": "user1@b.test", "password": PASSWORD}
        )

        assert response.status_code == 200
        assert "do not match an account on this portal" in response.content.decode()

    def test_wrong_password_is_a_form_error(self, user1):
        response = make_client(HOST_A).post(LOGIN, {"username": "user1@a.test", "password": "nope"})

        assert response.status_code == 200
        assert "do not match an account on this portal" in response.content.decode()

    @pytest.mark.parametrize(
        "next_url", ["https://evil.test/", "//evil.test/", "/\\evil.test", "http://b.portal.test/"]
    )
    def test_login_never_redirects_off_host(self, user1, next_url):
        response = make_client(HOST_A).post(
            LOGIN, {"username": "user1@a.test", "password": PASSWORD, "next": next_url}
        )

        assert response.status_code == 302
        assert response["Location"] == "/"

    def test_platform_superuser_cannot_log_in_on_a_tenant_portal(self, tenant_a):
        User.objects.create_superuser("root@hypercare.test", PASSWORD)

        response = make_client(HOST_A).post(
            LOGIN, {"username": "root@hypercare.test", "password": PASSWORD}
        )

        assert response.status_code == 200

    def test_a_session_from_tenant_b_is_anonymous_on_tenant_a(self, user_b, tenant_a):
        client = make_client(HOST_B, user_b)
        assert client.get("/").context["user"] == user_b

        response = client.get("/", HTTP_HOST=HOST_A)  # same cookie jar, other tenant's host

        assert response.context["user"].is_authenticated is False

    def test_logout_is_post_only_and_ends_the_session(self, user1):
        client = make_client(HOST_A, user1)

        assert client.get("/accounts/logout/").status_code == 405
        response = client.post("/accounts/logout/")

        assert response.status_code == 302
        assert client.get("/").context["user"].is_authenticated is False

    def test_inactive_user_cannot_log_in(self, tenant_a):
        UserFactory(tenant=tenant_a, email="gone@a.test", is_active=False)

        response = make_client(HOST_A).post(
            LOGIN, {"username": "gone@a.test", "password": PASSWORD}
        )

        assert response.status_code == 200
