from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.attachments import attachments_add
from feedback.models import FeedbackItem
from feedback.services import comment_post, vote_cast
from tests.conftest import HOST_A, make_client
from tests.factories import MembershipFactory, UserFactory, png_upload, submit_item


def titles_on(response):
    return [item.title for item in response.context["page"].object_list]


def add_comments(tenant, item, author, count, staff=None):
    """`count` public comments by `author`, and as many internal notes when `staff` is given."""
    for n in range(count):
        comment_post(tenant=tenant, item=item, author=author, body=f"Comment **{n}**")
    if staff is not None:
        membership = staff.memberships.get()
        for n in range(count):
            comment_post(
                tenant=tenant,
                item=item,
                author=staff,
                body=f"Note {n}",
                is_internal=True,
                membership=membership,
            )


def make_items(tenant, reporter, count, start=0):
    items = [
        submit_item(tenant, reporter, title=f"Feedback item {start + n:03d}") for n in range(count)
    ]
    # Distinct creation times, oldest first, so "new" has one right answer.
    now = timezone.now()
    for offset, item in enumerate(items):
        FeedbackItem.objects.for_tenant(tenant).filter(pk=item.pk).update(
            created_at=now - timedelta(minutes=count - offset)
        )
    return items


@pytest.mark.django_db
class TestList:
    def test_top_sorts_by_votes_then_newest(self, anon_a, tenant_a, user1, user2):
        older, _newer, popular = make_items(tenant_a, user1, 3)
        vote_cast(tenant=tenant_a, item=popular, user=user2)
        vote_cast(tenant=tenant_a, item=older, user=user2)
        FeedbackItem.objects.for_tenant(tenant_a).filter(pk=older.pk).update(
            created_at=timezone.now() - timedelta(days=3)
        )

        response = anon_a.get("/?sort=top")

        assert titles_on(response) == [
            "Feedback item 002",
            "Feedback item 000",
            "Feedback item 001",
        ]

    def test_new_sorts_by_creation_time(self, anon_a, tenant_a, user1):
        make_items(tenant_a, user1, 3)

        response = anon_a.get("/?sort=new")

        assert titles_on(response) == [
            "Feedback item 002",
            "Feedback item 001",
            "Feedback item 000",
        ]

    def test_unknown_sort_and_kind_fall_back_to_defaults(self, anon_a, tenant_a, user1):
        make_items(tenant_a, user1, 2)

        response = anon_a.get("/?sort=password&kind=<script>&page=abc")

        assert response.status_code == 200
        assert response.context["sort"] == "top"
        assert response.context["kind"] == ""
        assert len(titles_on(response)) == 2

    def test_kind_filter(self, anon_a, tenant_a, user1):
        submit_item(tenant_a, user1, title="Crash on start", kind="bug")
        submit_item(tenant_a, user1, title="Please add dark mode", kind="idea")

        assert titles_on(anon_a.get("/?kind=bug")) == ["Crash on start"]

    def test_pages_cover_every_item_exactly_once_with_tied_sort_keys(self, anon_a, tenant_a, user1):
        items = make_items(tenant_a, user1, 45)
        # Same votes and same timestamp for every item: only the id breaks ties.
        FeedbackItem.objects.for_tenant(tenant_a).update(created_at=timezone.now())

        seen = []
        for page in (1, 2, 3):
            seen += titles_on(anon_a.get(f"/?sort=top&page={page}"))

        assert len(seen) == 45
        assert sorted(seen) == sorted(item.title for item in items)

    def test_page_beyond_the_end_shows_the_last_page(self, anon_a, tenant_a, user1):
        make_items(tenant_a, user1, 21)

        response = anon_a.get("/?page=99999")

        assert response.context["page"].number == 2
        assert titles_on(response) == ["Feedback item 000"]

    def test_private_items_are_listed_for_their_reporter_and_staff_only(
        self, tenant_a, user1, client_user1, client_user2, client_staff1, anon_a
    ):
        submit_item(tenant_a, user1, title="Admin token visible in URL", kind="security")
        submit_item(tenant_a, user1, title="Public idea for everyone")

        assert titles_on(anon_a.get("/")) == ["Public idea for everyone"]
        assert titles_on(client_user2.get("/")) == ["Public idea for everyone"]
        assert sorted(titles_on(client_user1.get("/"))) == [
            "Admin token visible in URL",
            "Public idea for everyone",
        ]
        assert len(titles_on(client_staff1.get("/"))) == 2

    def test_empty_portal_invites_the_first_feedback(self, anon_a):
        body = anon_a.get("/").content.decode()

        assert "Nothing here yet" in body
        assert 'href="/items/new/"' in body

    def test_titles_are_escaped(self, anon_a, tenant_a, user1):
        submit_item(tenant_a, user1, title='<img src=x onerror="alert(1)">')

        body = anon_a.get("/").content.decode()

        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in body
        assert "<img src=x" not in body


@pytest.mark.django_db
class TestQueryCounts:
    """Queries per page stay the same whatever the amount of data."""

    @pytest.mark.parametrize("size", [10, 200])
    def test_list_for_anonymous(self, django_assert_num_queries, tenant_a, user1, staff1, size):
        for item in make_items(tenant_a, user1, size):
            add_comments(tenant_a, item, user1, 2, staff=staff1)
        client = make_client(HOST_A)

        # tenant, count, page of items (comment counts are a subquery), their tags, tag menu
        with django_assert_num_queries(5):
            response = client.get("/")
        assert response.status_code == 200
        assert {item.comment_count for item in response.context["page"].object_list} == {2}

    @pytest.mark.parametrize("size", [10, 200])
    def test_list_for_signed_in_user(
        self, django_assert_num_queries, tenant_a, user1, staff1, size
    ):
        for item in make_items(tenant_a, user1, size):
            add_comments(tenant_a, item, user1, 1, staff=staff1)
        for _ in range(size):
            voter = UserFactory(tenant=tenant_a)
            vote_cast(
                tenant=tenant_a,
                item=FeedbackItem.objects.for_tenant(tenant_a).first(),
                user=voter,
            )
        client = make_client(HOST_A, user1)

        # tenant, session, user, staff membership, count, items, their tags, tag menu
        with django_assert_num_queries(8):
            assert client.get("/").status_code == 200

    @pytest.mark.parametrize("size", [10, 200])
    def test_list_for_staff(self, django_assert_num_queries, tenant_a, user1, staff1, size):
        for item in make_items(tenant_a, user1, size):
            add_comments(tenant_a, item, user1, 1, staff=staff1)
        client = make_client(HOST_A, staff1)

        # tenant, session, user, staff membership, count, items, their tags, tag menu
        with django_assert_num_queries(8):
            response = client.get("/")
        assert response.status_code == 200
        assert {item.comment_count for item in response.context["page"].object_list} == {2}

    @pytest.mark.parametrize(("size", "attachments"), [(10, 0), (200, 5)])
    def test_detail(self, django_assert_num_queries, tenant_a, user1, size, attachments):
        items = make_items(tenant_a, user1, size)
        for batch in range(0, attachments, 3):
            attachments_add(
                tenant=tenant_a,
                item=items[0],
                uploaded_by=user1,
                files=[png_upload(f"{n}.png") for n in range(batch, min(batch + 3, attachments))],
            )
        client = make_client(HOST_A, user1)

        # tenant, session, user, staff membership, item, its tags, its status history,
        # its attachments, comments (the reporter's upload form needs no query of its own)
        with django_assert_num_queries(9):
            response = client.get(f"/items/{items[0].key}/")
        assert response.status_code == 200
        assert len(response.context["attachments"]) == attachments

    @pytest.mark.parametrize("size", [10, 200])
    def test_detail_with_comments(self, django_assert_num_queries, tenant_a, user1, staff1, size):
        item = submit_item(tenant_a, user1, title="Much discussed item")
        for _ in range(size):
            # A different author per comment: authors come with the comments, not one by one.
            add_comments(tenant_a, item, UserFactory(tenant=tenant_a), 1)
            other_staff = MembershipFactory(tenant=tenant_a).user
            comment_post(
                tenant=tenant_a,
                item=item,
                author=other_staff,
                body="Note",
                is_internal=True,
                membership=other_staff.memberships.get(),
            )

        for client, shown in (
            (make_client(HOST_A, user1), size),
            (make_client(HOST_A, staff1), 2 * size),
        ):
            # tenant, session, user, staff membership, item with comment count, its tags,
            # its status history, its attachments, comments, the comments' attachments
            with django_assert_num_queries(10):
                response = client.get(f"/items/{item.key}/")
            assert response.status_code == 200
            assert len(response.context["comments"]) == shown
            assert response.context["item"].comment_count == shown

    @pytest.mark.parametrize("size", [10, 200])
    def test_detail_with_comments_for_anonymous(
        self, django_assert_num_queries, tenant_a, user1, size
    ):
        item = submit_item(tenant_a, user1, title="Much discussed item")
        for _ in range(size):
            add_comments(tenant_a, item, UserFactory(tenant=tenant_a), 1)
        client = make_client(HOST_A)

        # tenant, item with comment count, its tags, its history, its attachments,
        # comments, the comments' attachments
        with django_assert_num_queries(7):
            response = client.get(f"/items/{item.key}/")
        assert response.status_code == 200
        assert response.content.decode().count('class="comment"') == size


@pytest.mark.django_db
class TestDetail:
    def test_detail_shows_the_item(self, anon_a, item_a):
        body = anon_a.get("/items/AAA-1/").content.decode()

        assert "Export invoices as CSV" in body
        assert "AAA-1" in body
        assert "Reported by User One" in body
        assert "1 vote" in body

    @pytest.mark.parametrize(
        "key", ["AAA-2", "AAA-0", "aaa-1", "AAA-x", "AAA--1", "AAA-1234567890123", "1", "BBB-1"]
    )
    def test_unknown_keys_are_not_found(self, anon_a, item_a, key):
        response = anon_a.get(f"/items/{key}/")

        assert response.status_code == 404
        assert "We could not find that page" in response.content.decode()
