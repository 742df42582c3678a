"""Following, votes recorded by staff, merging duplicates, trending, roadmap, my feedback."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.merging import MergeNotAllowed, item_merge
from feedback.models import FeedbackItem, StatusChange, Subscription, Vote
from feedback.services import item_change_status, vote_cast, vote_withdraw
from feedback.subscriptions import item_follow, item_unfollow
from tenants.models import User
from tests.admin_forms import change_form_data
from tests.conftest import HOST_A, make_client
from tests.factories import MembershipFactory, UserFactory, submit_item

S = FeedbackItem.Status


def followers(item):
    return sorted(
        Subscription.objects.for_tenant(item.tenant)
        .filter(item=item, is_active=True)
        .values_list("user__email", "reason")
    )


def count_of(item):
    return FeedbackItem.objects.for_tenant(item.tenant).get(pk=item.pk).vote_count


@pytest.mark.django_db
class TestFollowing:
    def test_reporter_and_voters_follow_automatically(self, item_a, user2):
        vote_cast(tenant=item_a.tenant, item=item_a, user=user2)

        assert followers(item_a) == [("user1@a.test", "reporter"), ("user2@a.test", "voter")]

    def test_unfollow_sticks_even_after_voting_again(self, item_a, user2):
        tenant = item_a.tenant
        vote_cast(tenant=tenant, item=item_a, user=user2)
        item_unfollow(tenant=tenant, item=item_a, user=user2)
        vote_withdraw(tenant=tenant, item=item_a, user=user2)
        vote_cast(tenant=tenant, item=item_a, user=user2)

        assert followers(item_a) == [("user1@a.test", "reporter")]

    def test_follow_and_unfollow_buttons(self, client_user2, item_a):
        page = client_user2.get(f"/items/{item_a.key}/").content.decode()
        assert "Follow for updates" in page

        client_user2.post(f"/items/{item_a.key}/follow/")
        page = client_user2.get(f"/items/{item_a.key}/").content.decode()
        assert "Following · stop updates" in page
        assert ("user2@a.test", "follower") in followers(item_a)

        client_user2.post(f"/items/{item_a.key}/unfollow/")
        assert followers(item_a) == [("user1@a.test", "reporter")]

    def test_anonymous_follow_goes_to_login(self, anon_a, item_a):
        response = anon_a.post(f"/items/{item_a.key}/follow/")

        assert response["Location"] == f"/accounts/login/?next=/items/{item_a.key}/"
        assert len(followers(item_a)) == 1

    def test_follow_refuses_a_user_of_another_tenant(self, item_a, user_b):
        with pytest.raises(ValueError, match="must belong to the tenant"):
            item_follow(tenant=item_a.tenant, item=item_a, user=user_b)


@pytest.mark.django_db
class TestVoteForCustomer:
    URL = "/items/AAA-1/vote-for-customer/"

    def test_staff_record_a_vote_for_a_new_customer(self, client_staff1, item_a, staff1):
        response = client_staff1.post(self.URL, {"email": " Caller@Customer.test "}, follow=True)

        assert "Vote recorded for caller@customer.test." in response.content.decode()
        customer = User.objects.for_tenant(item_a.tenant).get(email="caller@customer.test")
        assert customer.has_usable_password() is False
        vote = Vote.objects.for_tenant(item_a.tenant).get(item=item_a, user=customer)
        assert vote.recorded_by == staff1
        assert count_of(item_a) == 2

    def test_existing_customer_is_not_counted_twice(self, client_staff1, item_a, user2):
        client_staff1.post(self.URL, {"email": "user2@a.test"})
        response = client_staff1.post(self.URL, {"email": "USER2@a.test"}, follow=True)

        assert "user2@a.test had already voted for AAA-1." in response.content.decode()
        assert count_of(item_a) == 2

    def test_invalid_email_is_a_clear_message(self, client_staff1, item_a):
        response = client_staff1.post(self.URL, {"email": "not an email"}, follow=True)

        assert "Vote not recorded: Enter a valid email address." in response.content.decode()
        assert count_of(item_a) == 1

    def test_portal_users_and_viewers_get_404(self, client_user2, tenant_a, item_a):
        viewer = MembershipFactory(tenant=tenant_a, role="viewer").user

        assert client_user2.post(self.URL, {"email": "x@y.test"}).status_code == 404
        assert make_client(HOST_A, viewer).post(self.URL, {"email": "x@y.test"}).status_code == 404
        assert count_of(item_a) == 1


@pytest.mark.django_db
class TestMerge:
    @pytest.fixture
    def pair(self, tenant_a, user1, user2):
        canonical = submit_item(tenant_a, user1, title="Export invoices as CSV")
        duplicate = submit_item(tenant_a, user2, title="CSV export for invoices please")
        return canonical, duplicate

    def test_merge_moves_votes_and_followers_without_double_counting(
        self, tenant_a, pair, user1, user2, staff1
    ):
        canonical, duplicate = pair
        both = UserFactory(tenant=tenant_a, email="both@a.test")
        only_dup = UserFactory(tenant=tenant_a, email="dup@a.test")
        for user in (both, only_dup):
            vote_cast(tenant=tenant_a, item=duplicate, user=user)
        vote_cast(tenant=tenant_a, item=canonical, user=both)
        assert (count_of(canonical), count_of(duplicate)) == (2, 3)

        item_merge(tenant=tenant_a, duplicate=duplicate, canonical=canonical, actor=staff1)

        duplicate.refresh_from_db()
        assert (duplicate.status, duplicate.duplicate_of, duplicate.vote_count) == (
            "duplicate",
            canonical,
            0,
        )
        assert count_of(canonical) == 4  # user1, both, user2, dup: each once
        assert sorted(
            Vote.objects.for_tenant(tenant_a)
            .filter(item=canonical)
            .values_list("user__email", flat=True)
        ) == ["both@a.test", "dup@a.test", "user1@a.test", "user2@a.test"]
        assert followers(canonical) == [
            ("both@a.test", "voter"),
            ("dup@a.test", "voter"),
            ("user1@a.test", "reporter"),
            ("user2@a.test", "reporter"),
        ]
        change = StatusChange.objects.for_tenant(tenant_a).get(item=duplicate)
        assert (change.from_status, change.to_status, change.message) == (
            "new",
            "duplicate",
            "Merged into AAA-1.",
        )

    def test_duplicate_page_redirects_and_leaves_the_lists(self, anon_a, tenant_a, pair, staff1):
        canonical, duplicate = pair
        item_merge(tenant=tenant_a, duplicate=duplicate, canonical=canonical, actor=staff1)

        response = anon_a.get(f"/items/{duplicate.key}/", follow=True)

        assert response.redirect_chain == [(f"/items/{canonical.key}/", 302)]
        assert "AAA-2 was merged into AAA-1." in response.content.decode()
        assert [i.key for i in anon_a.get("/").context["page"].object_list] == ["AAA-1"]

    @pytest.mark.parametrize("case", ["self", "already", "into-duplicate", "other-tenant"])
    def test_impossible_merges_are_refused(self, tenant_a, item_b, pair, staff1, case):
        canonical, duplicate = pair
        third = submit_item(tenant_a, staff1, title="A third item here")
        if case in {"already", "into-duplicate"}:
            item_merge(tenant=tenant_a, duplicate=third, canonical=canonical, actor=staff1)
        target, source = {
            "self": (canonical, canonical),
            "already": (duplicate, third),
            "into-duplicate": (third, duplicate),
            "other-tenant": (item_b, duplicate),
        }[case]

        with pytest.raises(MergeNotAllowed):
            item_merge(tenant=tenant_a, duplicate=source, canonical=target, actor=staff1)
        assert FeedbackItem.objects.for_tenant(tenant_a).get(pk=duplicate.pk).status == "new"

    def test_merge_from_the_admin(self, client_staff1, tenant_a, pair):
        canonical, duplicate = pair
        url = f"/admin/feedback/feedbackitem/{duplicate.pk}/change/"

        response = client_staff1.post(
            url, change_form_data(client_staff1.get(url), merge_into="aaa-1")
        )

        assert response.status_code == 302
        duplicate.refresh_from_db()
        assert (duplicate.status, duplicate.duplicate_of_id) == ("duplicate", canonical.pk)
        assert count_of(canonical) == 2

    @pytest.mark.parametrize(
        ("key", "error"),
        [
            ("AAA-99", "There is no AAA-99 here."),
            ("AAA-2", "An item cannot be merged into itself."),
            ("BBB-1", "There is no BBB-1 here."),
        ],
    )
    def test_admin_merge_errors(self, client_staff1, pair, item_b, key, error):
        _canonical, duplicate = pair
        url = f"/admin/feedback/feedbackitem/{duplicate.pk}/change/"

        response = client_staff1.post(url, change_form_data(client_staff1.get(url), merge_into=key))

        assert error in response.content.decode()
        duplicate.refresh_from_db()
        assert duplicate.status == "new"


@pytest.mark.django_db
class TestTrending:
    def test_trending_ranks_recent_votes_first(self, anon_a, tenant_a, user1):
        old_favourite = submit_item(tenant_a, user1, title="Old favourite idea")
        rising = submit_item(tenant_a, user1, title="Rising idea this week")
        for _ in range(3):
            vote_cast(tenant=tenant_a, item=old_favourite, user=UserFactory(tenant=tenant_a))
        Vote.objects.for_tenant(tenant_a).filter(item=old_favourite).update(
            created_at=timezone.now() - timedelta(days=30)
        )
        for _ in range(2):
            vote_cast(tenant=tenant_a, item=rising, user=UserFactory(tenant=tenant_a))

        trending = anon_a.get("/?sort=trending").context["page"].object_list
        top = anon_a.get("/?sort=top").context["page"].object_list

        assert [(i.title, i.recent_votes) for i in trending] == [
            ("Rising idea this week", 3),
            ("Old favourite idea", 0),
        ]
        assert [i.title for i in top] == ["Old favourite idea", "Rising idea this week"]


@pytest.mark.django_db
class TestRoadmap:
    def test_columns_show_visible_items_of_this_tenant(
        self, anon_a, tenant_a, user1, staff1, item_b
    ):
        planned = submit_item(tenant_a, user1, title="Planned public item")
        doing = submit_item(tenant_a, user1, title="Being built now")
        done = submit_item(tenant_a, user1, title="Fixed last week")
        old = submit_item(tenant_a, user1, title="Fixed long ago")
        secret = submit_item(tenant_a, user1, kind="security", title="Private planned fix")
        for item, status in [
            (planned, S.PLANNED),
            (doing, S.IN_PROGRESS),
            (done, S.RESOLVED),
            (old, S.RESOLVED),
            (secret, S.PLANNED),
        ]:
            item_change_status(tenant=tenant_a, item=item, actor=staff1, to_status=status)
        FeedbackItem.objects.for_tenant(tenant_a).filter(pk=old.pk).update(
            status_changed_at=timezone.now() - timedelta(days=45)
        )

        response = anon_a.get("/roadmap/")

        columns = [
            (heading, [i.title for i in items])
            for _s, heading, items in response.context["columns"]
        ]
        assert columns == [
            ("Planned", ["Planned public item"]),
            ("In progress", ["Being built now"]),
            ("Recently resolved", ["Fixed last week"]),
        ]
        assert "SENTINEL-b-item" not in response.content.decode()

    @pytest.mark.parametrize("size", [10, 200])
    def test_query_count_is_constant(self, django_assert_num_queries, tenant_a, user1, size):
        statuses = [S.PLANNED, S.IN_PROGRESS, S.RESOLVED]
        items = [
            FeedbackItem(
                tenant=tenant_a,
                number=n + 1,
                title=f"Roadmap item {n}",
                status=statuses[n % 3],
                status_changed_at=timezone.now(),
                reporter=user1,
            )
            for n in range(size)
        ]
        FeedbackItem.objects.bulk_create(items)

        # tenant, three columns
        with django_assert_num_queries(4):
            response = make_client(HOST_A).get("/roadmap/")
        assert [len(items) for _s, _h, items in response.context["columns"]] == (
            [4, 3, 3] if size == 10 else [20, 20, 20]
        )


@pytest.mark.django_db
class TestMyFeedback:
    def test_tabs_show_reported_voted_and_followed_items(
        self, client_user2, tenant_a, user1, user2
    ):
        mine = submit_item(tenant_a, user2, title="My own report here")
        voted = submit_item(tenant_a, user1, title="Something I voted for")
        followed = submit_item(tenant_a, user1, title="Something I follow")
        submit_item(tenant_a, user1, title="Not related to me")
        vote_cast(tenant=tenant_a, item=voted, user=user2)
        item_follow(tenant=tenant_a, item=followed, user=user2)

        def titles(show):
            page = client_user2.get("/my/", {"show": show}).context["page"]
            return sorted(i.title for i in page.object_list)

        assert titles("reported") == [mine.title]
        assert titles("voted") == sorted([mine.title, voted.title])
        assert titles("following") == sorted([mine.title, voted.title, followed.title])
        assert titles("bogus") == [mine.title]

    def test_login_required(self, anon_a):
        assert anon_a.get("/my/")["Location"] == "/accounts/login/?next=/my/"
