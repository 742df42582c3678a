"""Queries per page stay the same with 10 and with 200 rows behind it."""

import pytest

from feedback.releases import release_note_publish, release_note_save
from feedback.services import vote_cast
from feedback.subscriptions import item_follow
from tests.conftest import HOST_A, make_client
from tests.factories import submit_item


def fill(tenant, user1, user2, size):
    items = [submit_item(tenant, user1, title=f"Feedback item {n:03d}") for n in range(size)]
    for item in items:
        vote_cast(tenant=tenant, item=item, user=user2)
        item_follow(tenant=tenant, item=item, user=user2)
    for n in range(size):
        note = release_note_save(
            tenant=tenant, title=f"Release {n}", body="**Fixes**", items=items[:3]
        )
        release_note_publish(tenant=tenant, note=note, actor=None)
    return items


@pytest.mark.django_db
@pytest.mark.parametrize("size", [10, 200])
class TestQueryCounts:
    def test_my_feedback(self, django_assert_num_queries, tenant_a, user1, user2, size):
        fill(tenant_a, user1, user2, size)
        client = make_client(HOST_A, user2)

        # tenant, session, user, staff membership, count, page of items
        with django_assert_num_queries(6):
            assert client.get("/my/?show=following").status_code == 200

    def test_release_list(self, django_assert_num_queries, tenant_a, user1, user2, size):
        fill(tenant_a, user1, user2, size)
        client = make_client(HOST_A)

        # tenant, count, page of notes
        with django_assert_num_queries(3):
            assert client.get("/releases/").status_code == 200

    def test_release_page(self, django_assert_num_queries, tenant_a, user1, user2, size):
        fill(tenant_a, user1, user2, size)
        client = make_client(HOST_A)

        # tenant, note, its visible items
        with django_assert_num_queries(3):
            assert client.get("/releases/release-0/").status_code == 200

    def test_release_feed(self, django_assert_num_queries, tenant_a, user1, user2, size):
        fill(tenant_a, user1, user2, size)
        client = make_client(HOST_A)

        # tenant, the newest notes
        with django_assert_num_queries(2):
            assert client.get("/releases/feed.atom").status_code == 200
