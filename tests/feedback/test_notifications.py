"""Notification emails: who gets what, exactly once, with safe headers (BC-11, BC-06)."""

import smtplib
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail, signing
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from kombu.exceptions import OperationalError

from feedback.merging import item_merge
from feedback.models import FeedbackItem, NotificationPreference, OutboundMessage
from feedback.notifications import outbox
from feedback.notifications.delivery import MAX_ATTEMPTS
from feedback.notifications.headers import header_text
from feedback.notifications.outbox import notify_status_changed
from feedback.notifications.services import preference_set
from feedback.notifications.tasks import outbox_deliver, outbox_dispatch_event, outbox_sweep
from feedback.notifications.tokens import unsubscribe_token_make
from feedback.services import (
    comment_post,
    item_change_status,
    vote_cast,
    vote_record_for_customer,
)
from feedback.subscriptions import item_follow, item_unfollow
from tenants.models import Membership
from tests.admin_forms import change_form_data
from tests.conftest import HOST_A, HOST_B, make_client
from tests.factories import MembershipFactory, UserFactory, submit_item

Event = OutboundMessage.Event
Level = NotificationPreference.Level


def bare(addresses):
    """The addresses without display names, sorted."""
    return sorted(address.rsplit("<", 1)[-1].rstrip(">") for address in addresses)


def recipients_of(messages):
    return bare(address for message in messages for address in message.recipients())


@pytest.fixture
def user3(tenant_a):
    return UserFactory(tenant=tenant_a, email="user3@a.test")


@pytest.fixture
def idea(committed, tenant_a, user1):
    item = committed(submit_item, tenant_a, user1, title="Export invoices as CSV")
    mail.outbox.clear()
    return item


def change_status(committed, tenant, item, actor, to_status="planned", message=""):
    return committed(
        item_change_status,
        tenant=tenant,
        item=item,
        actor=actor,
        to_status=to_status,
        message=message,
    )


class TestAcknowledgment:
    def test_reporter_gets_one_branded_email_with_key_and_link(self, committed, tenant_a, user1):
        tenant_a.brand_color = "#aa3300"
        tenant_a.save()

        item = committed(submit_item, tenant_a, user1, title="Export invoices as CSV")

        [message] = mail.outbox
        assert bare(message.to) == ["user1@a.test"]
        assert message.subject == f"[{item.key}] We received your feedback: Export invoices as CSV"
        assert item.key == "AAA-1"
        assert "http://a.portal.test/items/AAA-1/" in message.body
        html, mimetype = message.alternatives[0]
        assert mimetype == "text/html"
        assert "#aa3300" in html
        assert "Tenant A" in html
        assert "http://a.portal.test/items/AAA-1/" in html
        assert message.from_email == "Tenant A <noreply@localhost>"
        assert message.reply_to == []
        unsubscribe = message.extra_headers["List-Unsubscribe"]
        assert unsubscribe.startswith("<http://a.portal.test/notifications/unsubscribe/")
        assert "mailto:" not in unsubscribe
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        row = OutboundMessage.objects.for_tenant(tenant_a).get()
        assert (row.status, row.attempts, row.last_error) == ("sent", 1, "")
        assert row.sent_at is not None

    def test_reply_to_is_the_tenants_address_and_adds_a_mailto(self, committed, tenant_a, user1):
        tenant_a.reply_to_email = "support@a.test"
        tenant_a.save()

        committed(submit_item, tenant_a, user1)

        [message] = mail.outbox
        assert message.reply_to == ["support@a.test"]
        assert message.extra_headers["List-Unsubscribe"].endswith(
            ", <mailto:support@a.test?subject=unsubscribe>"
        )

    def test_a_rolled_back_submission_leaves_no_row_and_sends_nothing(
        self, committed, tenant_a, user1
    ):
        with pytest.raises(ValueError, match="Unknown HTTP method"):
            committed(submit_item, tenant_a, user1, http_method="BREW")

        assert mail.outbox == []
        assert OutboundMessage.objects.for_tenant(tenant_a).count() == 0

    def test_row_is_written_with_the_event_and_sent_only_on_commit(self, tenant_a, user1):
        submit_item(tenant_a, user1)  # the test's transaction never commits

        assert mail.outbox == []
        row = OutboundMessage.objects.for_tenant(tenant_a).get()
        assert (row.status, row.dedup_key) == (
            "pending",
            f"acknowledgment:{row.item_id}:{user1.pk}:email",
        )


class TestStatusChange:
    def test_reporter_voters_and_followers_get_one_each_but_not_the_actor(
        self, committed, tenant_a, idea, user1, user2, user3, staff1
    ):
        vote_cast(tenant=tenant_a, item=idea, user=user2)
        vote_cast(tenant=tenant_a, item=idea, user=staff1)
        item_follow(tenant=tenant_a, item=idea, user=user3)

        change_status(committed, tenant_a, idea, staff1, message="Coming in the May release.")

        assert recipients_of(mail.outbox) == ["user1@a.test", "user2@a.test", "user3@a.test"]
        for message in mail.outbox:
            assert message.subject == "[AAA-1] Status changed to Planned: Export invoices as CSV"
            assert "Coming in the May release." in message.body
            assert "Coming in the May release." in message.alternatives[0][0]

    def test_reporter_who_votes_and_follows_gets_one_email(
        self, committed, tenant_a, idea, user1, staff1
    ):
        vote_cast(tenant=tenant_a, item=idea, user=user1)  # already counted: a no-op
        item_follow(tenant=tenant_a, item=idea, user=user1)

        change_status(committed, tenant_a, idea, staff1)

        assert recipients_of(mail.outbox) == ["user1@a.test"]
        assert (
            OutboundMessage.objects.for_tenant(tenant_a)
            .filter(event_type=Event.STATUS_CHANGED)
            .count()
            == 1
        )

    def test_unfollowing_stops_the_mail(self, committed, tenant_a, idea, user2, staff1):
        vote_cast(tenant=tenant_a, item=idea, user=user2)
        item_unfollow(tenant=tenant_a, item=idea, user=user2)

        change_status(committed, tenant_a, idea, staff1)

        assert recipients_of(mail.outbox) == ["user1@a.test"]

    def test_private_item_mails_only_its_reporter(self, committed, tenant_a, user1, user2, staff1):
        item = committed(submit_item, tenant_a, user1, kind="security", title="Token leak")
        item_follow(tenant=tenant_a, item=item, user=user2)
        mail.outbox.clear()

        change_status(committed, tenant_a, item, staff1, to_status="triaged")

        assert recipients_of(mail.outbox) == ["user1@a.test"]

    def test_rerunning_the_event_and_its_tasks_sends_nothing_more(
        self, committed, tenant_a, idea, user2, staff1
    ):
        vote_cast(tenant=tenant_a, item=idea, user=user2)
        change = change_status(committed, tenant_a, idea, staff1)
        assert len(mail.outbox) == 2

        committed(notify_status_changed, tenant=tenant_a, item=idea, change=change)
        outbox_dispatch_event(tenant_a.pk, Event.STATUS_CHANGED, str(change.pk))

        assert len(mail.outbox) == 2
        assert (
            OutboundMessage.objects.for_tenant(tenant_a)
            .filter(event_type=Event.STATUS_CHANGED)
            .count()
            == 2
        )


class TestStaffReply:
    def test_public_staff_reply_goes_to_reporter_and_followers(
        self, committed, tenant_a, idea, user2, user3, staff1
    ):
        vote_cast(tenant=tenant_a, item=idea, user=user2)
        item_follow(tenant=tenant_a, item=idea, user=user3)
        membership = Membership.objects.for_tenant(tenant_a).get(user=staff1)

        committed(
            comment_post,
            tenant=tenant_a,
            item=idea,
            author=staff1,
            body="We are **on it**.",
            membership=membership,
        )

        assert recipients_of(mail.outbox) == ["user1@a.test", "user2@a.test", "user3@a.test"]
        message = mail.outbox[0]
        assert message.subject == "[AAA-1] New reply from Tenant A: Export invoices as CSV"
        assert "We are **on it**." in message.body
        assert "<strong>on it</strong>" in message.alternatives[0][0]

    def test_internal_notes_and_customer_comments_send_nothing(
        self, committed, tenant_a, idea, user2, staff1
    ):
        vote_cast(tenant=tenant_a, item=idea, user=user2)
        membership = Membership.objects.for_tenant(tenant_a).get(user=staff1)

        committed(
            comment_post,
            tenant=tenant_a,
            item=idea,
            author=staff1,
            body="churn risk",
            is_internal=True,
            membership=membership,
        )
        committed(comment_post, tenant=tenant_a, item=idea, author=user2, body="+1 from me")

        assert mail.outbox == []
        assert (
            OutboundMessage.objects.for_tenant(tenant_a)
            .filter(event_type=Event.STAFF_REPLY)
            .count()
            == 0
        )


class TestMerge:
    def test_reporter_and_voters_of_the_duplicate_hear_of_the_merge(
        self, committed, tenant_a, idea, user1, user2, user3, staff1
    ):
        duplicate = committed(submit_item, tenant_a, user2, title="CSV export for invoices")
        vote_cast(tenant=tenant_a, item=duplicate, user=user3)
        vote_cast(tenant=tenant_a, item=duplicate, user=staff1)
        mail.outbox.clear()

        committed(item_merge, tenant=tenant_a, duplicate=duplicate, canonical=idea, actor=staff1)

        assert recipients_of(mail.outbox) == ["user2@a.test", "user3@a.test"]
        message = mail.outbox[0]
        assert message.subject == "[AAA-2] Merged into AAA-1: CSV export for invoices"
        assert "http://a.portal.test/items/AAA-1/" in message.body


class TestDelivery:
    def test_running_the_delivery_task_twice_sends_one_email(self, tenant_a, user1):
        submit_item(tenant_a, user1)  # pending: the test's transaction does not commit
        row = OutboundMessage.objects.for_tenant(tenant_a).get()

        outbox_deliver(tenant_a.pk, row.pk)
        outbox_deliver(tenant_a.pk, row.pk)  # a retried or duplicated task

        assert len(mail.outbox) == 1
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("sent", 1)

    def test_with_the_broker_down_the_submission_succeeds_and_the_sweep_sends_later(
        self, committed, tenant_a, user1
    ):
        broken = mock.patch.object(
            outbox_dispatch_event, "delay", side_effect=OperationalError("Redis is down")
        )
        with broken:
            item = committed(submit_item, tenant_a, user1)

        assert item.pk is not None
        assert mail.outbox == []
        rows = OutboundMessage.objects.for_tenant(tenant_a)
        assert rows.get().status == "pending"
        rows.update(next_attempt_at=timezone.now() - timedelta(minutes=2))

        assert outbox_sweep() == 1
        assert recipients_of(mail.outbox) == ["user1@a.test"]

    def test_a_row_being_sent_elsewhere_is_not_sent_again(self, tenant_a, user1):
        submit_item(tenant_a, user1)
        rows = OutboundMessage.objects.for_tenant(tenant_a)
        rows.update(status="sending")

        outbox_deliver(tenant_a.pk, rows.get().pk)

        assert mail.outbox == []

    def test_another_tenants_id_sends_nothing(self, tenant_a, tenant_b, user1):
        submit_item(tenant_a, user1)

        outbox_deliver(tenant_b.pk, OutboundMessage.objects.for_tenant(tenant_a).get().pk)

        assert mail.outbox == []

    def test_sweep_sends_rows_left_pending_for_a_minute(self, tenant_a, user1, user2):
        submit_item(tenant_a, user1)
        submit_item(tenant_a, user2)
        rows = OutboundMessage.objects.for_tenant(tenant_a)
        old = rows.get(recipient=user1)
        rows.filter(pk=old.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=2))

        assert outbox_sweep() == 1

        assert recipients_of(mail.outbox) == ["user1@a.test"]
        assert rows.get(recipient=user2).status == "pending"

    def test_sweep_fails_rows_whose_worker_died_mid_send(self, tenant_a, user1):
        submit_item(tenant_a, user1)
        rows = OutboundMessage.objects.for_tenant(tenant_a)
        rows.update(status="sending", next_attempt_at=timezone.now() - timedelta(hours=1))

        outbox_sweep()

        row = rows.get()
        assert row.status == "failed"
        assert "may not have arrived" in row.last_error
        assert mail.outbox == []

    def test_a_failing_recipient_is_retried_then_failed_without_blocking_others(
        self, settings, committed, tenant_a, idea, user2, user3, staff1
    ):
        settings.EMAIL_BACKEND = "tests.feedback.test_notifications.RefusingBackend"
        bouncing = UserFactory(tenant=tenant_a, email="refuse-me@a.test")
        for user in (user2, bouncing, user3):
            vote_cast(tenant=tenant_a, item=idea, user=user)

        with mock.patch.object(
            outbox_deliver, "apply_async", wraps=outbox_deliver.apply_async
        ) as later:
            change_status(committed, tenant_a, idea, staff1)

        assert recipients_of(mail.outbox) == ["user1@a.test", "user2@a.test", "user3@a.test"]
        row = OutboundMessage.objects.for_tenant(tenant_a).get(recipient=bouncing)
        assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
        assert row.last_error == (
            "Nothing accepts mail at localhost:25: the connection was refused. "
            f"Check EMAIL_HOST and EMAIL_PORT. Gave up after {MAX_ATTEMPTS} attempts."
        )
        delays = [call.kwargs["countdown"] for call in later.call_args_list if call.kwargs]
        assert delays == [60, 120, 240, 480]

    def test_a_refused_recipient_is_not_retried(self, settings, tenant_a):
        settings.EMAIL_BACKEND = "tests.feedback.test_notifications.RefusingBackend"
        user = UserFactory(tenant=tenant_a, email="reject-me@a.test")
        submit_item(tenant_a, user)
        row = OutboundMessage.objects.for_tenant(tenant_a).get()

        outbox_deliver(tenant_a.pk, row.pk)

        row.refresh_from_db()
        assert (row.status, row.attempts) == ("failed", 1)
        assert row.last_error == "The mail server refused the recipient address."

    def test_fan_out_writes_rows_in_batches(self, committed, monkeypatch, tenant_a, idea, staff1):
        monkeypatch.setattr(outbox, "FANOUT_CHUNK_SIZE", 3)
        followers = [UserFactory(tenant=tenant_a) for _ in range(7)]
        for follower in followers:
            item_follow(tenant=tenant_a, item=idea, user=follower)
        spy = mock.patch.object(
            OutboundMessage.objects, "bulk_create", wraps=OutboundMessage.objects.bulk_create
        )

        with spy as bulk_create:
            change_status(committed, tenant_a, idea, staff1)

        assert [len(call.args[0]) for call in bulk_create.call_args_list] == [3, 3, 2]
        assert len(mail.outbox) == 8
        assert len(set(recipients_of(mail.outbox))) == 8


class RefusingBackend(EmailBackend):
    """The mail server is down for "refuse-me@" and rejects "reject-me@"."""

    def send_messages(self, messages):
        for message in messages:
            if any("refuse-me@" in address for address in message.recipients()):
                raise ConnectionRefusedError(111, "Connection refused")
            if any("reject-me@" in address for address in message.recipients()):
                raise smtplib.SMTPRecipientsRefused({"reject-me@a.test": (550, b"no such user")})
        return super().send_messages(messages)


class TestBC11HeaderInjection:
    """BC-11: line breaks in titles, names and addresses never reach a header."""

    TITLES = ("Login broken\r\nBcc: attacker@evil.test", "Line1\nLine2", "Tab\tand\u2028separator")

    @pytest.fixture
    def owner(self, tenant_a):
        return MembershipFactory(tenant=tenant_a, role="owner").user

    def test_status_mail_for_hostile_titles_and_names(
        self, committed, tenant_a, client_user1, user1, user2, staff1, owner
    ):
        user1.display_name = "Name\r\nX-Injected: 1"
        user1.save()
        client_staff1 = make_client(HOST_A, staff1)
        items = []
        for title in self.TITLES:
            response = committed(client_user1.post, "/items/new/", {"kind": "idea", "title": title})
            assert response.status_code == 302
            item = FeedbackItem.objects.for_tenant(tenant_a).latest("pk")
            assert item.title == " ".join(title.split())
            vote_cast(tenant=tenant_a, item=item, user=user2)
            vote_cast(tenant=tenant_a, item=item, user=staff1)
            committed(
                vote_record_for_customer,
                tenant=tenant_a,
                item=item,
                email="v4@a.test",
                recorded_by=staff1,
            )
            items.append(item)
        # The "notify me at" address with a header in it is refused, nobody is added.
        response = client_staff1.post(
            f"/items/{items[0].key}/vote-for-customer/",
            {"email": "user1@a.test\r\nCc: x@evil.test"},
        )
        assert response.status_code == 302
        assert items[0].votes.count() == 4
        # Defence in depth: a title that bypassed the service still cannot break out.
        FeedbackItem.objects.for_tenant(tenant_a).filter(pk=items[0].pk).update(
            title=self.TITLES[0]
        )
        client_owner = make_client(HOST_A, owner)
        mail.outbox.clear()

        for item in items:
            url = f"/admin/feedback/feedbackitem/{item.pk}/change/"
            before = len(mail.outbox)
            response = committed(
                client_owner.post,
                url,
                change_form_data(client_owner.get(url), new_status="planned"),
            )
            assert response.status_code == 302
            sent = mail.outbox[before:]
            assert len(sent) == 4
            assert recipients_of(sent) == bare(
                ["staff1@a.test", "user1@a.test", "user2@a.test", "v4@a.test"]
            )
            for message in sent:
                assert bare(message.recipients()) == bare(message.to)
                raw = message.message()
                for header in ("Bcc", "Cc", "X-Injected"):
                    assert raw[header] is None
                headers = raw.as_bytes().split(b"\n\n", 1)[0]
                assert b"\nX-Injected:" not in headers
                assert b"\nBcc:" not in headers
                assert b"\nCc:" not in headers
                subject = message.subject
                assert subject == header_text(subject)
                assert subject.startswith(f"[{item.key}] Status changed to Planned: ")
                assert "\n" not in str(raw["Subject"]).replace("\n ", " ").replace("\r\n ", " ")
        rows = OutboundMessage.objects.for_tenant(tenant_a).filter(event_type=Event.STATUS_CHANGED)
        assert sorted(rows.order_by().values_list("status", "attempts").distinct()) == [("sent", 1)]
        assert rows.count() == 12

        # Step 2: the same task again, for every event.
        for change_id in rows.order_by().values_list("event_id", flat=True).distinct():
            outbox_dispatch_event(tenant_a.pk, Event.STATUS_CHANGED, change_id)
        for row in rows:
            outbox_deliver(tenant_a.pk, row.pk)
        assert len(mail.outbox) == 12

    def test_header_text_collapses_every_line_break(self):
        assert header_text("a\r\nBcc: x\u2028y\u2029z\x85w\x0bv") == "a Bcc: x y z w v"
        assert len(header_text("x" * 500)) == 180


class TestBC06InternalNotes:
    def test_voter_emails_never_contain_the_internal_note(
        self, committed, tenant_a, idea, user2, staff1
    ):
        vote_cast(tenant=tenant_a, item=idea, user=user2)
        membership = Membership.objects.for_tenant(tenant_a).get(user=staff1)
        committed(comment_post, tenant=tenant_a, item=idea, author=idea.reporter, body="hello")
        committed(
            comment_post,
            tenant=tenant_a,
            item=idea,
            author=staff1,
            body="zebra-internal-7 churn risk",
            is_internal=True,
            membership=membership,
        )

        change_status(committed, tenant_a, idea, staff1, message="Planned for May.")

        assert recipients_of(mail.outbox) == ["user1@a.test", "user2@a.test"]
        for message in mail.outbox:
            assert "zebra-internal-7" not in message.message().as_string()
            assert "zebra-internal-7" not in message.alternatives[0][0]


class TestPreferences:
    def test_only_my_own_items(self, committed, tenant_a, idea, user1, user2, staff1):
        vote_cast(tenant=tenant_a, item=idea, user=user2)
        preference_set(tenant=tenant_a, user=user2, level=Level.OWN_ITEMS)
        own = committed(submit_item, tenant_a, user2, title="My own idea")
        assert recipients_of(mail.outbox) == ["user2@a.test"]  # the acknowledgment
        mail.outbox.clear()

        change_status(committed, tenant_a, idea, staff1)
        change_status(committed, tenant_a, own, staff1)

        assert recipients_of(mail.outbox) == ["user1@a.test", "user2@a.test"]
        assert [m.subject[:7] for m in mail.outbox if "user2" in m.to[0]] == ["[AAA-2]"]

    def test_nothing_means_nothing(self, committed, tenant_a, idea, user1, staff1):
        preference_set(tenant=tenant_a, user=user1, level=Level.NOTHING)

        committed(submit_item, tenant_a, user1, title="Another idea")
        change_status(committed, tenant_a, idea, staff1)

        assert mail.outbox == []

    def test_preferences_page_shows_and_saves_the_choice(self, client_user1, tenant_a, user1):
        response = client_user1.get("/notifications/preferences/")
        assert response.status_code == 200
        assert (
            'value="everything" checked'
            in response.content.decode().replace('value="everything"\n', 'value="everything" ')
            or "checked" in response.content.decode()
        )

        response = client_user1.post("/notifications/preferences/", {"level": "own_items"})

        assert response.status_code == 302
        assert preference_of(tenant_a, user1) == "own_items"

    def test_preferences_page_refuses_an_unknown_level(self, client_user1, tenant_a):
        response = client_user1.post("/notifications/preferences/", {"level": "all-the-spam"})

        assert response.status_code == 400
        assert NotificationPreference.objects.for_tenant(tenant_a).count() == 0

    def test_preferences_page_needs_a_login(self, anon_a):
        response = anon_a.get("/notifications/preferences/")

        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def preference_of(tenant, user):
    return NotificationPreference.objects.for_tenant(tenant).get(user=user).level


class TestUnsubscribe:
    def url(self, token):
        return f"/notifications/unsubscribe/{token}/"

    def test_link_from_the_email_unsubscribes_in_one_click_without_csrf(
        self, committed, tenant_a, user1, idea, staff1
    ):
        committed(submit_item, tenant_a, user1, title="Second idea")
        header = mail.outbox[-1].extra_headers["List-Unsubscribe"]
        path = header.strip("<>").removeprefix("http://a.portal.test")
        client = make_client(HOST_A, enforce_csrf_checks=True)

        assert client.get(path).status_code == 200
        assert NotificationPreference.objects.for_tenant(tenant_a).count() == 0
        response = client.post(path, {"List-Unsubscribe": "One-Click"})

        assert response.status_code == 200
        assert "You are unsubscribed" in response.content.decode()
        assert (
            NotificationPreference.objects.for_tenant(tenant_a).get(user=user1).level == "nothing"
        )
        mail.outbox.clear()
        change_status(committed, tenant_a, idea, staff1)
        assert mail.outbox == []
        # Replayed: harmless, still nothing.
        assert client.post(path).status_code == 200
        assert (
            NotificationPreference.objects.for_tenant(tenant_a).get(user=user1).level == "nothing"
        )

    def test_forged_token_is_refused(self, anon_a, tenant_a, user1):
        token = unsubscribe_token_make(tenant=tenant_a, user=user1)
        forged = signing.dumps({"t": tenant_a.pk, "u": user1.pk}, key="attacker", salt="x")

        for bad in (forged, token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "junk"):
            response = anon_a.post(self.url(bad))
            assert response.status_code == 400
            assert "not valid" in response.content.decode()
        assert NotificationPreference.objects.for_tenant(tenant_a).count() == 0

    def test_expired_token_is_refused(self, anon_a, tenant_a, user1):
        sixty_one_days_ago = time.time() - 61 * 24 * 3600
        with mock.patch("django.core.signing.time.time", return_value=sixty_one_days_ago):
            token = unsubscribe_token_make(tenant=tenant_a, user=user1)

        response = anon_a.post(self.url(token))

        assert response.status_code == 400
        assert NotificationPreference.objects.for_tenant(tenant_a).count() == 0

    def test_another_tenants_token_is_not_found_here(self, tenant_a, tenant_b, user_b):
        token = unsubscribe_token_make(tenant=tenant_b, user=user_b)
        client_a = make_client(HOST_A)

        assert client_a.get(self.url(token)).status_code == 404
        assert client_a.post(self.url(token)).status_code == 404
        assert NotificationPreference.objects.for_tenant(tenant_b).count() == 0
        # On its own host it works.
        assert make_client(HOST_B).post(self.url(token)).status_code == 200

    def test_token_of_a_deleted_user_is_not_found(self, anon_a, tenant_a, user2):
        token = unsubscribe_token_make(tenant=tenant_a, user=user2)
        user2.delete()

        assert anon_a.post(self.url(token)).status_code == 404


class TestAdmin:
    LOG = "/admin/feedback/outboundmessage/"
    SEND_TEST = "/admin/feedback/outboundmessage/send-test/"

    @pytest.fixture
    def owner_client(self, tenant_a):
        owner = MembershipFactory(
            tenant=tenant_a, role="owner", user=UserFactory(tenant=tenant_a, email="own@a.test")
        ).user
        return make_client(HOST_A, owner)

    def test_delivery_log_lists_this_tenants_rows_with_status_and_error(
        self, owner_client, tenant_a, user1, item_b
    ):
        submit_item(tenant_a, user1)
        OutboundMessage.objects.for_tenant(tenant_a).update(
            status="failed", attempts=5, last_error="The mail server did not answer in time."
        )

        response = owner_client.get(self.LOG + "?status__exact=failed")

        body = response.content.decode()
        assert response.status_code == 200
        assert "user1@a.test" in body
        assert "The mail server did not answer in time." in body
        assert "user1@b.test" not in body
        assert "Send a test email" in body

    def test_delivery_log_is_read_only(self, owner_client, tenant_a, user1):
        submit_item(tenant_a, user1)
        row = OutboundMessage.objects.for_tenant(tenant_a).get()

        response = owner_client.post(f"{self.LOG}{row.pk}/change/", {"status": "sent"})

        assert response.status_code == 403
        row.refresh_from_db()
        assert row.status == "pending"

    def test_owner_sends_a_test_email(self, owner_client, tenant_a):
        response = owner_client.post(self.SEND_TEST, {"to_email": "ops@a.test"}, follow=True)

        assert "A test email went out to ops@a.test." in response.content.decode()
        [message] = mail.outbox
        assert message.subject == "Test email from Tenant A"
        assert bare(message.to) == ["ops@a.test"]
        row = OutboundMessage.objects.for_tenant(tenant_a).get()
        assert (row.event_type, row.status) == ("test", "sent")

    def test_smtp_failure_is_reported_in_plain_words(self, settings, owner_client, tenant_a):
        settings.EMAIL_BACKEND = "tests.feedback.test_notifications.RefusingBackend"

        response = owner_client.post(self.SEND_TEST, {"to_email": "refuse-me@a.test"}, follow=True)

        body = response.content.decode()
        assert "The test email was not sent. Nothing accepts mail at localhost:25" in body
        assert mail.outbox == []
        row = OutboundMessage.objects.for_tenant(tenant_a).get()
        assert (row.status, row.attempts) == ("failed", 1)

    def test_agents_cannot_send_test_emails(self, client_staff1):
        assert client_staff1.get(self.SEND_TEST).status_code == 403
        assert client_staff1.post(self.SEND_TEST, {"to_email": "x@a.test"}).status_code == 403
        assert mail.outbox == []
