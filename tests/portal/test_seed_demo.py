import pytest
from django.core.management import call_command

from feedback.models import FeedbackItem, Vote
from tenants.models import Membership, Tenant, User


def snapshot():
    return {
        "tenants": sorted(Tenant.objects.values_list("slug", "ticket_prefix")),
        "users": User.objects.count(),
        "staff": sorted(
            Membership.objects.unscoped().values_list("tenant__slug", "user__email", "role")
        ),
        "items": sorted(
            FeedbackItem.objects.unscoped().values_list(
                "tenant__slug", "number", "title", "vote_count"
            )
        ),
        "votes": Vote.objects.unscoped().count(),
    }


@pytest.mark.django_db
def test_seed_demo_creates_two_tenants_and_is_idempotent(capsys):
    call_command("seed_demo")
    first = snapshot()
    output = capsys.readouterr().out
    call_command("seed_demo")

    assert snapshot() == first
    assert first["tenants"] == [("acme", "ACME"), ("globex", "GLOBEX")]
    assert len([i for i in first["items"] if i[0] == "acme"]) == 18
    assert len([i for i in first["items"] if i[0] == "globex"]) == 12
    assert ("acme", "agent@acme.test", "agent") in first["staff"]
    assert ("globex", "agent@globex.test", "agent") in first["staff"]
    assert first["votes"] == sum(item[3] for item in first["items"])
    assert "http://acme.portal.test/" in output
    assert "agent@acme.test" in output
    assert "password: hypercare-demo" in output
