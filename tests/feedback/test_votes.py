import pytest

from feedback.models import FeedbackItem, Vote
from feedback.services import VotingClosed, vote_cast, vote_withdraw
from tests.conftest import HOST_A, make_client


def vote_url(item):
    return f"/items/{item.key}/vote/"


def unvote_url(item):
    return f"/items/{item.key}/unvote/"


def refreshed_count(item):
    item.refresh_from_db(fields=["vote_count"])
    return item.vote_count


@pytest.mark.django_db
class TestVoting:
    def test_vote_counts_once_however_often_it_is_sent(self, client_user2, item_a):
        first = client_user2.post(vote_url(item_a), follow=True)
        client_user2.post(vote_url(item_a))

        assert "Your vote for AAA-1 is counted" in first.content.decode()
        assert refreshed_count(item_a) == 2
        assert Vote.objects.for_tenant(item_a.tenant).filter(item=item_a).count() == 2

    def test_second_vote_says_it_was_already_counted(self, client_user2, item_a):
        client_user2.post(vote_url(item_a))

        response = client_user2.post(vote_url(item_a), follow=True)

        assert "You had already voted for AAA-1" in response.content.decode()

    def test_unvote_removes_the_vote_once(self, client_user2, item_a):
        client_user2.post(vote_url(item_a))
        client_user2.post(unvote_url(item_a))
        client_user2.post(unvote_url(item_a))

        assert refreshed_count(item_a) == 1

    def test_page_shows_whether_i_voted(self, client_user2, item_a):
        before = client_user2.get(f"/items/{item_a.key}/").content.decode()
        client_user2.post(vote_url(item_a))
        after = client_user2.get(f"/items/{item_a.key}/").content.decode()

        assert 'aria-label="Vote for AAA-1 (1 vote)"' in before
        assert 'aria-label="Withdraw your vote for AAA-1 (2 votes)"' in after

    def test_vote_redirects_back_to_the_list_it_came_from(self, client_user2, item_a):
        response = client_user2.post(vote_url(item_a), {"next": "/?sort=new"})

        assert response["Location"] == "/?sort=new"

    def test_vote_never_redirects_off_host(self, client_user2, item_a):
        response = client_user2.post(vote_url(item_a), {"next": "https://evil.test/"})

        assert response["Location"] == "/items/AAA-1/"

    def test_anonymous_vote_goes_to_login_and_counts_nothing(self, anon_a, item_a):
        response = anon_a.post(vote_url(item_a))

        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/items/AAA-1/"
        assert refreshed_count(item_a) == 1

    def test_vote_by_get_is_not_allowed(self, client_user2, item_a):
        assert client_user2.get(vote_url(item_a)).status_code == 405
        assert refreshed_count(item_a) == 1

    def test_vote_requires_csrf(self, user2, item_a):
        client = make_client(HOST_A, user2, enforce_csrf_checks=True)

        assert client.post(vote_url(item_a)).status_code == 403
        assert refreshed_count(item_a) == 1

    def test_closed_item_takes_no_new_votes_but_allows_withdrawal(
        self, client_user1, client_user2, item_a
    ):
        FeedbackItem.objects.for_tenant(item_a.tenant).filter(pk=item_a.pk).update(
            status=FeedbackItem.Status.CLOSED
        )

        response = client_user2.post(vote_url(item_a), follow=True)
        client_user1.post(unvote_url(item_a))

        assert "AAA-1 is closed; voting is closed." in response.content.decode()
        assert refreshed_count(item_a) == 0

    def test_vote_on_a_private_item_of_someone_else_is_not_found(
        self, client_user2, tenant_a, user1
    ):
        from tests.factories import submit_item

        private = submit_item(tenant_a, user1, kind="security", title="Token leaks in logs")

        assert client_user2.post(vote_url(private)).status_code == 404
        assert refreshed_count(private) == 1


@pytest.mark.django_db
class TestVoteServices:
    def test_cast_and_withdraw_report_what_happened(self, item_a, user2):
        tenant = item_a.tenant

        assert vote_cast(tenant=tenant, item=item_a, user=user2) is True
        assert vote_cast(tenant=tenant, item=item_a, user=user2) is False
        assert vote_withdraw(tenant=tenant, item=item_a, user=user2) is True
        assert vote_withdraw(tenant=tenant, item=item_a, user=user2) is False
        assert refreshed_count(item_a) == 1

    def test_declined_item_raises_voting_closed(self, item_a, user2):
        item_a.status = FeedbackItem.Status.DECLINED

        with pytest.raises(VotingClosed):
            vote_cast(tenant=item_a.tenant, item=item_a, user=user2)
        assert refreshed_count(item_a) == 1
