import pytest

from feedback.models import FeedbackItem
from feedback.services import item_submit
from tests.conftest import HOST_A, make_client
from tests.factories import submit_item

SUBMIT = "/items/new/"


@pytest.mark.django_db
class TestSubmitPage:
    def test_anonymous_visitor_is_sent_to_login_first(self, anon_a):
        response = anon_a.get(SUBMIT)

        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/items/new/"

    def test_submit_gives_the_next_ticket_key_and_counts_the_reporters_vote(
        self, client_user1, tenant_a, user1
    ):
        submit_item(tenant_a, user1, title="First item in tenant A")

        response = client_user1.post(
            SUBMIT,
            {
                "kind": "bug",
                "title": "  Checkout\r\nfails  on Safari ",
                "description": "Steps:\r\n1. pay",
                "steps_to_reproduce": "1. Add a book\r\n2. Pay",
                "actual_result": "Spinner forever",
            },
            follow=True,
        )

        item = FeedbackItem.objects.for_tenant(tenant_a).get(number=2)
        assert response.redirect_chain == [("/items/AAA-2/", 302)]
        assert "Your feedback is AAA-2" in response.content.decode()
        assert item.key == "AAA-2"
        assert item.title == "Checkout fails on Safari"
        assert item.description == "Steps:\n1. pay"
        assert item.kind == "bug"
        assert item.status == "new"
        assert item.reporter == user1
        assert item.vote_count == 1

    def test_ticket_numbers_are_counted_per_tenant(self, tenant_a, tenant_b, user1, user_b):
        keys = [
            submit_item(tenant_a, user1).key,
            submit_item(tenant_b, user_b).key,
            submit_item(tenant_a, user1).key,
        ]

        assert keys == ["AAA-1", "BBB-1", "AAA-2"]

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"kind": "idea", "title": ""}, "This field is required."),
            ({"kind": "idea", "title": "short"}, "Please describe it in at least 8 characters."),
            ({"kind": "idea", "title": "x" * 161}, "Ensure this value has at most 160 characters"),
            (
                {"kind": "idea", "title": "A fine title", "description": "y" * 20_001},
                "Ensure this value has at most 20000 characters",
            ),
        ],
    )
    def test_invalid_input_shows_the_problem_and_saves_nothing(
        self, client_user1, tenant_a, data, message
    ):
        response = client_user1.post(SUBMIT, data)

        assert response.status_code == 400
        assert message in response.content.decode()
        assert FeedbackItem.objects.for_tenant(tenant_a).count() == 0

    def test_security_reports_are_always_private(self, client_user1, client_user2, tenant_a):
        client_user1.post(SUBMIT, {"kind": "security", "title": "Password reset never expires"})

        item = FeedbackItem.objects.for_tenant(tenant_a).get()
        assert item.is_public is False
        assert client_user2.get(f"/items/{item.key}/").status_code == 404
        assert "Password reset" not in client_user2.get("/").content.decode()
        assert client_user1.get(f"/items/{item.key}/").status_code == 200

    def test_the_service_refuses_an_unknown_kind_and_a_blank_title(self, tenant_a, user1):
        with pytest.raises(ValueError, match="Unknown kind"):
            item_submit(tenant=tenant_a, reporter=user1, kind="wish", title="Fine title")
        with pytest.raises(ValueError, match="A title is required"):
            item_submit(tenant=tenant_a, reporter=user1, kind="idea", title=" \r\n ")

        assert FeedbackItem.objects.for_tenant(tenant_a).count() == 0

    def test_submit_form_requires_csrf(self, user1):
        client = make_client(HOST_A, user1, enforce_csrf_checks=True)

        response = client.post(SUBMIT, {"kind": "idea", "title": "Forged submission"})

        assert response.status_code == 403
        assert FeedbackItem.objects.for_tenant(user1.tenant).count() == 0
