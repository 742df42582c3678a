"""BC-20: deleted, hidden (spam) and merged items stay out of every portal list and count."""

import pytest

from feedback.merging import item_merge
from feedback.models import FeedbackItem, Tag
from feedback.moderation import items_restore, items_set_hidden, items_soft_delete
from feedback.services import item_change_status
from tests.conftest import HOST_A, make_client
from tests.factories import MembershipFactory, submit_item

CHANGELIST = "/admin/feedback/feedbackitem/"


@pytest.fixture
def dark_mode(tenant_a, user1, staff1):
    items = {
        name: submit_item(tenant_a, user1, title=title)
        for name, title in [
            ("I1", "Dark mode request"),
            ("I2", "Dark mode export"),
            ("I3", "Dark mode theme"),
            ("I4", "Dark mode API"),
        ]
    }
    tag = Tag.objects.create(tenant=tenant_a, name="ui", slug="ui")
    for item in items.values():
        item.tags.add(tag)
    only = FeedbackItem.objects.for_tenant(tenant_a)
    items_soft_delete(tenant=tenant_a, items=only.filter(pk=items["I2"].pk))
    items_set_hidden(tenant=tenant_a, items=only.filter(pk=items["I3"].pk), hidden=True)
    item_merge(tenant=tenant_a, duplicate=items["I4"], canonical=items["I1"], actor=staff1)
    for name in ("I1", "I2", "I3"):
        # Put them all on the roadmap: moderation must still win.
        item_change_status(tenant=tenant_a, item=items[name], actor=staff1, to_status="planned")
    return items


def keys_on(response):
    return sorted(item.key for item in response.context["page"].object_list)


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "user1", "staff"])
class TestOnlyTheLiveItemShows:
    @pytest.fixture
    def client(self, who, tenant_a, user1, staff1):
        return {
            "anonymous": make_client(HOST_A),
            "user1": make_client(HOST_A, user1),
            "staff": make_client(HOST_A, staff1),
        }[who]

    def test_search_tag_and_lists(self, client, dark_mode):
        assert keys_on(client.get("/", {"q": "dark"})) == ["AAA-1"]
        assert keys_on(client.get("/", {"tag": "ui"})) == ["AAA-1"]
        assert keys_on(client.get("/", {"sort": "trending"})) == ["AAA-1"]
        assert keys_on(client.get("/", {"status": "planned"})) == ["AAA-1"]

    def test_roadmap(self, client, dark_mode):
        planned = client.get("/roadmap/").context["columns"][0][2]

        assert [item.key for item in planned] == ["AAA-1"]

    def test_pages_of_deleted_and_hidden_items_are_gone(self, client, dark_mode):
        for key in ("AAA-2", "AAA-3"):
            assert client.get(f"/items/{key}/").status_code == 404
            assert client.post(f"/items/{key}/vote/").status_code in {302, 404}
            assert client.post(f"/items/{key}/comments/", {"body": "hi"}).status_code in {302, 404}
        body = client.get("/").content.decode()
        assert "Dark mode export" not in body
        assert "Dark mode theme" not in body

    def test_merged_item_redirects_to_the_original(self, client, dark_mode):
        response = client.get("/items/AAA-4/")

        assert (response.status_code, response["Location"]) == (302, "/items/AAA-1/")


@pytest.mark.django_db
def test_signed_in_votes_and_comments_on_removed_items_are_404(client_user2, dark_mode):
    tenant = dark_mode["I2"].tenant
    for key, item in [("AAA-2", dark_mode["I2"]), ("AAA-3", dark_mode["I3"])]:
        assert client_user2.post(f"/items/{key}/vote/").status_code == 404
        assert client_user2.post(f"/items/{key}/comments/", {"body": "hi"}).status_code == 404
        assert FeedbackItem.objects.for_tenant(tenant).get(pk=item.pk).vote_count == 1


@pytest.mark.django_db
def test_my_feedback_leaves_out_removed_items(client_user1, dark_mode):
    page = client_user1.get("/my/", {"show": "reported"}).context["page"]

    assert sorted(i.key for i in page.object_list) == ["AAA-1", "AAA-4"]


@pytest.mark.django_db
def test_restore_brings_it_back_without_reindexing(anon_a, tenant_a, dark_mode):
    items_restore(tenant=tenant_a, items=FeedbackItem.objects.for_tenant(tenant_a).filter(number=2))

    assert keys_on(anon_a.get("/", {"q": "dark"})) == ["AAA-1", "AAA-2"]
    assert anon_a.get("/items/AAA-2/").status_code == 200


@pytest.mark.django_db
def test_hard_delete_leaves_nothing(anon_a, tenant_a, dark_mode):
    FeedbackItem.objects.for_tenant(tenant_a).filter(number=2).delete()

    assert keys_on(anon_a.get("/", {"q": "dark"})) == ["AAA-1"]
    assert anon_a.get("/items/AAA-2/").status_code == 404


@pytest.mark.django_db
class TestAdminModeration:
    def test_filters_show_deleted_and_hidden(self, client_staff1, dark_mode):
        def keys(portal):
            response = client_staff1.get(CHANGELIST, {"portal": portal})
            return sorted(obj.number for obj in response.context["cl"].result_list)

        assert keys("deleted") == [2]
        assert keys("hidden") == [3]
        assert keys("shown") == [1, 4]

    def test_actions_trash_restore_hide(self, client_staff1, tenant_a, dark_mode):
        items = FeedbackItem.objects.for_tenant(tenant_a)
        pk1 = dark_mode["I1"].pk

        client_staff1.post(CHANGELIST, {"action": "move_to_trash", "_selected_action": [pk1]})
        assert items.get(pk=pk1).deleted_at is not None
        client_staff1.post(CHANGELIST, {"action": "restore_from_trash", "_selected_action": [pk1]})
        assert items.get(pk=pk1).deleted_at is None
        client_staff1.post(CHANGELIST, {"action": "hide_as_spam", "_selected_action": [pk1]})
        assert items.get(pk=pk1).is_hidden is True

    def test_viewers_have_no_moderation_actions(self, tenant_a, dark_mode):
        viewer = MembershipFactory(tenant=tenant_a, role="viewer").user
        client = make_client(HOST_A, viewer)

        response = client.post(
            CHANGELIST, {"action": "move_to_trash", "_selected_action": [dark_mode["I1"].pk]}
        )

        assert response.status_code in {200, 302, 403}
        assert FeedbackItem.objects.for_tenant(tenant_a).get(number=1).deleted_at is None

    def test_another_tenants_ids_in_an_action_change_nothing(
        self, client_staff1, item_b, dark_mode
    ):
        client_staff1.post(CHANGELIST, {"action": "move_to_trash", "_selected_action": [item_b.pk]})

        item_b.refresh_from_db()
        assert item_b.deleted_at is None
