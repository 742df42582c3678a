"""Similar items on PostgreSQL: pg_trgm is installed by the migrations and tolerates typos."""

import pytest
from django.db import connection

from feedback.similarity import items_similar
from tests.factories import TenantFactory, UserFactory, submit_item

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture
def tenant():
    return TenantFactory(slug="acme", ticket_prefix="ACME")


@pytest.fixture
def reporter(tenant):
    return UserFactory(tenant=tenant)


def suggested(tenant, viewer, title):
    return [(s.key, s.score) for s in items_similar(tenant=tenant, viewer=viewer, title=title)]


def test_migrations_install_pg_trgm():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchall() == [(1,)]


def test_typos_are_found_by_trigram_similarity(tenant, reporter):
    submit_item(tenant, reporter, title="Export invoices")
    submit_item(tenant, reporter, title="Dark mode request")
    other = TenantFactory(slug="globex", ticket_prefix="GLOBEX")
    submit_item(other, UserFactory(tenant=other), title="Export invoices")

    # No stem in common ("exprot", "invois"): only the trigrams match.
    assert suggested(tenant, reporter, "exprot invoises") == [("ACME-1", 0.391)]


def test_trigram_similarity_lifts_a_weak_stem_overlap(tenant, reporter):
    submit_item(tenant, reporter, title="Export invoices as CSV")

    # 1 of 3 stems shared gives 0.4 (the SQLite score); the trigrams give 0.444.
    assert suggested(tenant, reporter, "exprot invoices") == [("ACME-1", 0.444)]


def test_the_sqlite_matching_still_applies(tenant, reporter):
    submit_item(tenant, reporter, title="Login fails on Safari")

    assert suggested(tenant, reporter, "cannot log in with safari") == [("ACME-1", 0.8)]
