"""Concurrency on real PostgreSQL: threads with a barrier, each on its own connection."""

import threading
from collections.abc import Callable

import pytest
from django.db import close_old_connections, connection

from feedback.models import FeedbackItem, Vote
from feedback.services import item_submit, vote_cast
from tests.factories import TenantFactory, UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def run_together(count: int, work: Callable[[int], object]) -> list[object]:
    """Run work(0..count-1) in `count` threads released at the same moment."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    close_old_connections()
    assert errors == []
    return results


def test_database_is_postgresql():
    assert connection.vendor == "postgresql"


def test_parallel_submissions_get_distinct_consecutive_keys():
    tenant = TenantFactory(slug="acme", ticket_prefix="ACME")
    reporters = [UserFactory(tenant=tenant) for _ in range(10)]

    keys = run_together(
        10,
        lambda i: (
            item_submit(
                tenant=tenant, reporter=reporters[i], kind="bug", title=f"Parallel report {i}"
            ).key
        ),
    )

    assert sorted(keys, key=lambda key: int(key.split("-")[1])) == [
        f"ACME-{n}" for n in range(1, 11)
    ]


def test_two_tenants_submitting_at_once_each_start_at_one():
    tenants = [
        TenantFactory(slug="acme", ticket_prefix="ACME"),
        TenantFactory(slug="globex", ticket_prefix="GLOBEX"),
    ]
    reporters = [UserFactory(tenant=tenants[i % 2]) for i in range(8)]

    keys = run_together(
        8,
        lambda i: (
            item_submit(
                tenant=tenants[i % 2], reporter=reporters[i], kind="idea", title=f"Idea number {i}"
            ).key
        ),
    )

    assert sorted(keys) == sorted(
        [f"ACME-{n}" for n in range(1, 5)] + [f"GLOBEX-{n}" for n in range(1, 5)]
    )


def test_fifty_voters_at_once_give_an_exact_count():
    tenant = TenantFactory(slug="acme", ticket_prefix="ACME")
    reporter = UserFactory(tenant=tenant)
    item = item_submit(tenant=tenant, reporter=reporter, kind="idea", title="Dark mode please")
    voters = [UserFactory(tenant=tenant) for _ in range(50)]

    counted = run_together(50, lambda i: vote_cast(tenant=tenant, item=item, user=voters[i]))

    item.refresh_from_db()
    assert counted == [True] * 50
    assert item.vote_count == 51
    assert Vote.objects.for_tenant(tenant).filter(item=item).count() == 51


def test_one_user_voting_ten_times_at_once_counts_once():
    tenant = TenantFactory(slug="acme", ticket_prefix="ACME")
    reporter, voter = UserFactory(tenant=tenant), UserFactory(tenant=tenant)
    item = item_submit(tenant=tenant, reporter=reporter, kind="idea", title="Offline mode")

    counted = run_together(10, lambda _i: vote_cast(tenant=tenant, item=item, user=voter))

    assert counted.count(True) == 1
    assert FeedbackItem.objects.for_tenant(tenant).get(pk=item.pk).vote_count == 2
