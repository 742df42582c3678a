"""BC-15 step 2 on PostgreSQL: two survey senders at once still send one survey."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from feedback.models import OutboundMessage, SurveyInvite
from feedback.services import item_change_status, item_submit
from feedback.surveys import surveys_send_due
from tests.factories import MembershipFactory, TenantFactory, UserFactory
from tests.services.test_concurrency import run_together

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_two_concurrent_senders_send_exactly_one_survey():
    tenant = TenantFactory(slug="acme", ticket_prefix="ACME")
    reporter = UserFactory(tenant=tenant, email="reporter@acme.test", display_name="Rita Reporter")
    agent = MembershipFactory(tenant=tenant).user
    item = item_submit(tenant=tenant, reporter=reporter, kind="bug", title="Export times out")
    item_change_status(tenant=tenant, item=item, actor=agent, to_status="resolved")
    SurveyInvite.objects.for_tenant(tenant).update(
        scheduled_at=timezone.now() - timedelta(minutes=1)
    )
    mail.outbox.clear()

    sent = run_together(2, lambda _i: surveys_send_due())

    assert sorted(sent) == [0, 1]
    invite = SurveyInvite.objects.for_tenant(tenant).get()
    assert invite.status == "sent"
    assert OutboundMessage.objects.for_tenant(tenant).filter(event_type="csat_survey").count() == 1
    surveys = [m for m in mail.outbox if m.subject.startswith("How did we handle")]
    assert [m.to for m in surveys] == [["Rita Reporter <reporter@acme.test>"]]
