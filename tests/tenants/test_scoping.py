"""The fail-closed default manager: tenant-owned rows are reached through a tenant."""

import pytest

from feedback.models import FeedbackItem, Vote
from tenants.models import Domain
from tenants.scoping import TenantScopeError
from tests.factories import DomainFactory


@pytest.mark.django_db
class TestFailClosedManager:
    @pytest.mark.parametrize(
        "query",
        [
            lambda: list(FeedbackItem.objects.all()),
            lambda: FeedbackItem.objects.filter(title__contains="x").first(),
            lambda: FeedbackItem.objects.get(number=1),
            lambda: FeedbackItem.objects.count(),
            lambda: FeedbackItem.objects.exists(),
            lambda: FeedbackItem.objects.update(title="hacked"),
            lambda: FeedbackItem.objects.filter(number=1).delete(),
            lambda: list(FeedbackItem.objects.iterator()),
            lambda: FeedbackItem.objects.aggregate(),
        ],
        ids=["list", "first", "get", "count", "exists", "update", "delete", "iterator", "aggr"],
    )
    def test_query_without_tenant_raises_and_changes_nothing(self, item_a, item_b, query):
        with pytest.raises(TenantScopeError, match="FeedbackItem queried without a tenant"):
            query()

        assert FeedbackItem.objects.for_tenant(item_a.tenant).get().title == item_a.title
        assert FeedbackItem.objects.for_tenant(item_b.tenant).count() == 1

    def test_for_tenant_returns_only_that_tenants_rows(self, item_a, item_b, tenant_a):
        titles = list(FeedbackItem.objects.for_tenant(tenant_a).values_list("title", flat=True))

        assert titles == ["Export invoices as CSV"]

    def test_for_tenant_accepts_an_id(self, item_a, tenant_a):
        assert FeedbackItem.objects.for_tenant(tenant_a.pk).get().pk == item_a.pk

    def test_unscoped_is_the_spelled_out_bypass(self, item_a, item_b):
        assert FeedbackItem.objects.unscoped().count() == 2

    def test_related_managers_of_a_scoped_object_work(self, item_a, user2):
        assert [vote.user_id for vote in item_a.votes.all()] == [item_a.reporter_id]
        assert Vote.objects.for_tenant(item_a.tenant).count() == 1

    def test_prefetch_through_a_scoped_queryset_works(self, item_a, tenant_a):
        items = FeedbackItem.objects.for_tenant(tenant_a).prefetch_related("votes")

        assert [len(item.votes.all()) for item in items] == [1]

    def test_globally_unique_column_is_still_validated(self, tenant_a, tenant_b):
        DomainFactory(tenant=tenant_b, host="taken.customer.test")
        duplicate = Domain(tenant=tenant_a, host="taken.customer.test")

        with pytest.raises(Exception, match="Domain with this Host already exists"):
            duplicate.full_clean()
