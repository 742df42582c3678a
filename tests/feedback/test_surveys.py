"""CSAT surveys: scheduled as rows, sent once by the beat sweep, re-checked at run time (BC-15)."""

import csv
import io
import re
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core import mail, signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from feedback.models import FeedbackItem, OutboundMessage, SurveyInvite
from feedback.notifications.services import preference_set
from feedback.notifications.tokens import survey_token_make
from feedback.services import item_change_status
from feedback.surveys import csat_schedule, surveys_send_due
from feedback.surveys_admin import csv_safe
from tests.conftest import HOST_A, HOST_B, make_client
from tests.factories import MembershipFactory, UserFactory, submit_item

Status = SurveyInvite.Status
T0 = timezone.now().replace(microsecond=0)


def at(hours: float):
    """Freeze the clock `hours` after T0."""
    return mock.patch("django.utils.timezone.now", return_value=T0 + timedelta(hours=hours))


@pytest.fixture
def idea(committed, tenant_a, user1):
    with at(-1):
        item = committed(submit_item, tenant_a, user1, title="Export invoices as CSV")
    return item


def change_status(committed, tenant, item, actor, to_status):
    return committed(item_change_status, tenant=tenant, item=item, actor=actor, to_status=to_status)


@pytest.fixture
def resolved(committed, tenant_a, idea, staff1):
    """The idea resolved at T0, with the mail of that status change cleared."""
    with at(0):
        change_status(committed, tenant_a, idea, staff1, "resolved")
    mail.outbox.clear()
    return idea


def send_due(committed, hours):
    with at(hours):
        return committed(surveys_send_due)


def survey_mails():
    return [message for message in mail.outbox if message.subject.startswith("How did we")]


def score_links(message):
    return re.findall(r"http://a\.portal\.test(/surveys/[^/\s]+/)", message.body)


def test_beat_runs_the_sweep_every_five_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["surveys-send-due"]
    assert entry == {"task": "feedback.tasks.surveys_send_due", "schedule": 300.0}


class TestScheduling:
    def test_resolving_schedules_one_invite_exactly_the_tenant_delay_later(
        self, tenant_a, resolved, user1
    ):
        [invite] = SurveyInvite.objects.for_tenant(tenant_a)
        assert (invite.item_id, invite.user_id, invite.kind) == (resolved.pk, user1.pk, "csat")
        assert invite.status == "scheduled"
        assert invite.scheduled_at == T0 + timedelta(hours=24)
        assert tenant_a.csat_delay_hours == 24
        assert survey_mails() == []

    def test_tenant_delay_is_used(self, committed, tenant_a, idea, staff1):
        tenant_a.csat_delay_hours = 72
        tenant_a.save()
        with at(0):
            change_status(committed, tenant_a, idea, staff1, "resolved")

        invite = SurveyInvite.objects.for_tenant(tenant_a).get()
        assert invite.scheduled_at == T0 + timedelta(hours=72)

    def test_nothing_is_sent_before_it_is_due(self, committed, tenant_a, resolved):
        assert send_due(committed, 23.9) == 0

        assert survey_mails() == []
        assert SurveyInvite.objects.for_tenant(tenant_a).get().status == "scheduled"

    def test_no_invite_for_an_unsubscribed_or_inactive_reporter(
        self, committed, tenant_a, idea, staff1, user1
    ):
        preference_set(tenant=tenant_a, user=user1, level="nothing")
        change_status(committed, tenant_a, idea, staff1, "resolved")

        assert SurveyInvite.objects.for_tenant(tenant_a).count() == 0

    def test_scheduling_twice_keeps_one_row(self, tenant_a, resolved):
        csat_schedule(tenant=tenant_a, item=resolved)
        csat_schedule(tenant=tenant_a, item=resolved)

        assert SurveyInvite.objects.for_tenant(tenant_a).count() == 1

    def test_unique_constraint_refuses_a_second_invite(self, tenant_a, resolved, user1):
        with pytest.raises(IntegrityError), transaction.atomic():
            SurveyInvite.objects.create(tenant=tenant_a, item=resolved, user=user1, scheduled_at=T0)


class TestSending:
    def test_due_invite_sends_one_branded_email_with_five_score_links(
        self, committed, tenant_a, resolved
    ):
        assert send_due(committed, 24) == 1

        [message] = survey_mails()
        assert message.subject == f"How did we handle {resolved.key}?"
        assert resolved.key == "AAA-1"
        assert len(score_links(message)) == 5
        html = message.alternatives[0][0]
        assert "Tenant A" in html
        assert html.count("/surveys/") == 5
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        invite = SurveyInvite.objects.for_tenant(tenant_a).get()
        assert invite.status == "sent"
        row = OutboundMessage.objects.for_tenant(tenant_a).get(event_type="csat_survey")
        assert (row.status, row.event_id, row.to_email) == ("sent", str(invite.pk), "user1@a.test")

    def test_bc15_running_the_sender_twice_sends_one_email(self, committed, tenant_a, resolved):
        assert send_due(committed, 24) == 1
        assert send_due(committed, 24.1) == 0

        assert len(survey_mails()) == 1
        assert SurveyInvite.objects.for_tenant(tenant_a).filter(item=resolved).count() == 1
        assert (
            OutboundMessage.objects.for_tenant(tenant_a).filter(event_type="csat_survey").count()
            == 1
        )

    def test_bc15_resolving_again_after_sending_adds_no_second_survey(
        self, committed, tenant_a, resolved, staff1
    ):
        send_due(committed, 24)
        with at(25):
            change_status(committed, tenant_a, resolved, staff1, "in_progress")
        with at(26):
            change_status(committed, tenant_a, resolved, staff1, "resolved")
        send_due(committed, 100)

        assert len(survey_mails()) == 1
        assert SurveyInvite.objects.for_tenant(tenant_a).get().status == "sent"

    def test_bc15_reopened_at_71h_sends_nothing_at_72h(self, committed, tenant_a, idea, staff1):
        tenant_a.csat_delay_hours = 72
        tenant_a.save()
        with at(0):
            change_status(committed, tenant_a, idea, staff1, "resolved")
        with at(71):
            change_status(committed, tenant_a, idea, staff1, "in_progress")
        mail.outbox.clear()

        assert send_due(committed, 72) == 0

        assert mail.outbox == []
        assert SurveyInvite.objects.for_tenant(tenant_a).get().status == "cancelled"
        assert (
            not OutboundMessage.objects.for_tenant(tenant_a)
            .filter(event_type="csat_survey")
            .exists()
        )

    def test_state_is_rechecked_at_run_time(self, committed, tenant_a, resolved):
        # Reopened by a path that cancelled nothing: the sender itself must notice.
        FeedbackItem.objects.for_tenant(tenant_a).filter(pk=resolved.pk).update(status="triaged")

        assert send_due(committed, 24) == 0

        assert survey_mails() == []
        assert SurveyInvite.objects.for_tenant(tenant_a).get().status == "cancelled"

    def test_closing_keeps_the_survey(self, committed, tenant_a, resolved, staff1):
        with at(1):
            change_status(committed, tenant_a, resolved, staff1, "closed")

        assert send_due(committed, 24) == 1
        assert len(survey_mails()) == 1

    def test_reopened_then_resolved_again_reschedules(self, committed, tenant_a, resolved, staff1):
        with at(2):
            change_status(committed, tenant_a, resolved, staff1, "in_progress")
        with at(5):
            change_status(committed, tenant_a, resolved, staff1, "resolved")

        invite = SurveyInvite.objects.for_tenant(tenant_a).get()
        assert (invite.status, invite.scheduled_at) == ("scheduled", T0 + timedelta(hours=29))


class TestScoreLinks:
    @pytest.fixture
    def sent(self, committed, tenant_a, resolved):
        send_due(committed, 24)
        [message] = survey_mails()
        return score_links(message)

    def test_click_records_score_and_a_second_click_updates_it(self, tenant_a, sent):
        client = make_client(HOST_A)

        response = client.get(sent[3])  # the fourth link: 4/5

        assert response.status_code == 200
        assert "Thanks — you rated 4/5" in response.content.decode()
        invite = SurveyInvite.objects.for_tenant(tenant_a).get()
        assert (invite.status, invite.score) == ("answered", 4)
        assert invite.answered_at is not None

        client.get(sent[3])  # a scanner or a second click: same answer
        response = client.get(sent[1])

        assert "Thanks — you rated 2/5" in response.content.decode()
        invite = SurveyInvite.objects.for_tenant(tenant_a).get()
        assert (invite.status, invite.score) == ("answered", 2)
        assert SurveyInvite.objects.for_tenant(tenant_a).count() == 1

    def test_comment_is_saved(self, tenant_a, sent):
        client = make_client(HOST_A)
        client.get(sent[4])

        response = client.post(sent[4], {"comment": "Fixed fast, thanks!"})

        assert response.status_code == 200
        assert "Your comment is saved" in response.content.decode()
        invite = SurveyInvite.objects.for_tenant(tenant_a).get()
        assert (invite.score, invite.comment) == (5, "Fixed fast, thanks!")

    def test_forged_token_is_refused(self, tenant_a, sent):
        invite = SurveyInvite.objects.for_tenant(tenant_a).get()
        forged = signing.dumps({"t": tenant_a.pk, "i": invite.pk, "s": 5}, key="attacker", salt="x")
        token = sent[0].split("/")[2]
        damaged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
        client = make_client(HOST_A)

        for bad in (forged, damaged, "junk"):
            response = client.get(f"/surveys/{bad}/")
            assert response.status_code == 400
            assert "not valid" in response.content.decode()
        invite.refresh_from_db()
        assert (invite.status, invite.score) == ("sent", None)

    def test_out_of_range_score_is_refused(self, tenant_a, sent):
        invite = SurveyInvite.objects.for_tenant(tenant_a).get()

        response = make_client(HOST_A).get(f"/surveys/{survey_token_make(invite=invite, score=9)}/")

        assert response.status_code == 400

    def test_expired_token_is_refused(self, tenant_a, sent):
        invite = SurveyInvite.objects.for_tenant(tenant_a).get()
        thirty_one_days_ago = time.time() - 31 * 24 * 3600
        with mock.patch("django.core.signing.time.time", return_value=thirty_one_days_ago):
            token = survey_token_make(invite=invite, score=5)

        response = make_client(HOST_A).get(f"/surveys/{token}/")

        assert response.status_code == 400
        invite.refresh_from_db()
        assert invite.score is None

    def test_another_tenants_token_is_not_found_here(self, tenant_a, tenant_b, user_b, sent):
        item_b = submit_item(tenant_b, user_b)
        invite_b = SurveyInvite.objects.create(
            tenant=tenant_b, item=item_b, user=user_b, scheduled_at=T0, status=Status.SENT
        )
        token = survey_token_make(invite=invite_b, score=1)

        assert make_client(HOST_A).get(f"/surveys/{token}/").status_code == 404
        invite_b.refresh_from_db()
        assert invite_b.score is None
        assert make_client(HOST_B).get(f"/surveys/{token}/").status_code == 200

    def test_a_scheduled_invite_cannot_be_answered_yet(self, tenant_a, resolved):
        invite = SurveyInvite.objects.for_tenant(tenant_a).get()

        response = make_client(HOST_A).get(f"/surveys/{survey_token_make(invite=invite, score=5)}/")

        assert response.status_code == 404


class TestAdmin:
    LIST = "/admin/feedback/surveyinvite/"

    @pytest.fixture
    def owner_client(self, tenant_a):
        owner = MembershipFactory(
            tenant=tenant_a, role="owner", user=UserFactory(tenant=tenant_a, email="own@a.test")
        ).user
        return make_client(HOST_A, owner)

    @pytest.fixture
    def answers(self, tenant_a, user1):
        """Four invitations: answered 5, 4 and 2, one sent and unanswered."""
        invites = []
        for n, (status, score, comment) in enumerate(
            [
                ("answered", 5, "Great"),
                ("answered", 4, '=HYPERLINK("http://evil.test","click")'),
                ("answered", 2, "+1 slow"),
                ("sent", None, ""),
            ]
        ):
            item = submit_item(tenant_a, user1, title=f"Item {n}")
            invites.append(
                SurveyInvite.objects.create(
                    tenant=tenant_a,
                    item=item,
                    user=user1,
                    scheduled_at=T0,
                    status=status,
                    score=score,
                    comment=comment,
                )
            )
        return invites

    def test_list_shows_csat_and_response_rate_of_this_tenant_only(
        self, owner_client, answers, tenant_b, user_b
    ):
        item_b = submit_item(tenant_b, user_b)
        SurveyInvite.objects.create(
            tenant=tenant_b, item=item_b, user=user_b, scheduled_at=T0, status="answered", score=1
        )

        response = owner_client.get(self.LIST)

        body = response.content.decode()
        assert response.status_code == 200
        assert "CSAT: 66.7%" in body
        assert "(2 of 3 answers rated 4 or 5)" in body
        assert "Response rate: 75.0%" in body
        assert "(3 of 4 sent)" in body

    def test_list_is_read_only(self, owner_client, answers):
        invite = answers[0]

        response = owner_client.post(f"{self.LIST}{invite.pk}/change/", {"score": "1"})

        assert response.status_code == 403
        invite.refresh_from_db()
        assert invite.score == 5

    def test_csv_export_neutralises_formulas(self, owner_client, answers):
        response = owner_client.post(
            self.LIST,
            {"action": "export_csv", "_selected_action": [invite.pk for invite in answers]},
        )

        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        rows = list(csv.reader(io.StringIO(response.content.decode())))
        assert rows[0] == [
            "item", "title", "email", "kind", "status", "score", "comment", "answered_at"
        ]  # fmt: skip
        assert len(rows) == 5
        comments = [row[6] for row in rows[1:]]
        assert comments == ["Great", '\'=HYPERLINK("http://evil.test","click")', "'+1 slow", ""]

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("fine = ok", "fine = ok"),
            (None, ""),
            (4, "4"),
        ],
    )
    def test_csv_safe(self, value, expected):
        assert csv_safe(value) == expected
