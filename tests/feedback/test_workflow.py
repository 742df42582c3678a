"""The status workflow, its history rows and the public timeline."""

import pytest

from feedback.models import FeedbackItem, StatusChange, Tag
from feedback.services import TransitionNotAllowed, item_change_status
from feedback.workflow import TRANSITIONS, allowed_next_statuses
from tests.factories import submit_item

S = FeedbackItem.Status


def history(item):
    return list(
        StatusChange.objects.for_tenant(item.tenant)
        .filter(item=item)
        .values_list("from_status", "to_status", "message")
    )


@pytest.mark.django_db
class TestStatusChanges:
    def test_the_main_path_and_a_reopen_leave_one_row_per_change(self, item_a, staff1):
        for status, message in [
            (S.TRIAGED, ""),
            (S.PLANNED, "Planned for 4.1"),
            (S.IN_PROGRESS, ""),
            (S.RESOLVED, "Fixed in 4.1.0"),
            (S.IN_PROGRESS, "Reopened: still fails on iOS"),
            (S.RESOLVED, "Fixed in 4.1.1"),
            (S.CLOSED, ""),
        ]:
            item_change_status(
                tenant=item_a.tenant, item=item_a, actor=staff1, to_status=status, message=message
            )

        item_a.refresh_from_db()
        assert item_a.status == "closed"
        assert history(item_a) == [
            ("new", "triaged", ""),
            ("triaged", "planned", "Planned for 4.1"),
            ("planned", "in_progress", ""),
            ("in_progress", "resolved", "Fixed in 4.1.0"),
            ("resolved", "in_progress", "Reopened: still fails on iOS"),
            ("in_progress", "resolved", "Fixed in 4.1.1"),
            ("resolved", "closed", ""),
        ]

    @pytest.mark.parametrize(
        ("start", "target"),
        [
            (S.NEW, S.CLOSED),
            (S.NEW, S.NEW),
            (S.NEW, S.DUPLICATE),
            (S.IN_PROGRESS, S.DECLINED),
            (S.CLOSED, S.RESOLVED),
            (S.DECLINED, S.PLANNED),
            (S.DUPLICATE, S.TRIAGED),
        ],
    )
    def test_steps_outside_the_workflow_are_refused_and_leave_no_trace(
        self, item_a, staff1, start, target
    ):
        FeedbackItem.objects.for_tenant(item_a.tenant).filter(pk=item_a.pk).update(status=start)
        item_a.status = start

        with pytest.raises(TransitionNotAllowed):
            item_change_status(tenant=item_a.tenant, item=item_a, actor=staff1, to_status=target)

        item_a.refresh_from_db()
        assert item_a.status == start
        assert history(item_a) == []

    def test_a_stale_copy_cannot_repeat_a_change(self, item_a, staff1):
        stale = FeedbackItem.objects.for_tenant(item_a.tenant).get(pk=item_a.pk)
        item_change_status(tenant=item_a.tenant, item=item_a, actor=staff1, to_status=S.DECLINED)

        # The stale copy still says "new"; the locked row says "declined".
        with pytest.raises(TransitionNotAllowed):
            item_change_status(tenant=item_a.tenant, item=stale, actor=staff1, to_status=S.PLANNED)
        assert history(item_a) == [("new", "declined", "")]

    def test_every_status_has_a_rule_and_duplicate_is_reached_only_by_merge(self):
        assert set(TRANSITIONS) == set(S.values)
        assert all(S.DUPLICATE not in targets for targets in TRANSITIONS.values())
        assert allowed_next_statuses(S.RESOLVED) == ["triaged", "in_progress", "closed"]


@pytest.mark.django_db
class TestTimeline:
    def test_item_page_shows_changes_and_public_messages(self, anon_a, item_a, staff1):
        item_change_status(
            tenant=item_a.tenant,
            item=item_a,
            actor=staff1,
            to_status=S.PLANNED,
            message="Coming in <b>4.1</b>",
        )

        body = anon_a.get(f"/items/{item_a.key}/").content.decode()

        assert "<strong>Planned</strong>" in body
        assert "Coming in &lt;b&gt;4.1&lt;/b&gt;" in body


@pytest.mark.django_db
class TestListFilters:
    def test_filter_by_status(self, anon_a, tenant_a, user1, staff1):
        planned = submit_item(tenant_a, user1, title="Planned idea for later")
        submit_item(tenant_a, user1, title="Brand new idea here")
        item_change_status(tenant=tenant_a, item=planned, actor=staff1, to_status=S.PLANNED)

        response = anon_a.get("/", {"status": "planned"})

        assert [i.title for i in response.context["page"].object_list] == ["Planned idea for later"]

    def test_filter_by_tag_and_unknown_tag_shows_everything(self, anon_a, tenant_a, user1):
        tagged = submit_item(tenant_a, user1, title="Checkout is slow")
        submit_item(tenant_a, user1, title="Profile page typo")
        tag = Tag.objects.create(tenant=tenant_a, name="Checkout", slug="checkout")
        tagged.tags.add(tag)

        titles = [i.title for i in anon_a.get("/", {"tag": "checkout"}).context["page"].object_list]
        everything = anon_a.get("/", {"tag": "no-such-tag"}).context["page"].object_list

        assert titles == ["Checkout is slow"]
        assert len(everything) == 2

    def test_another_tenants_tag_slug_filters_nothing(self, anon_a, tenant_a, tenant_b, user1):
        submit_item(tenant_a, user1, title="Checkout is slow")
        Tag.objects.create(tenant=tenant_b, name="Theirs", slug="theirs")

        response = anon_a.get("/", {"tag": "theirs"})

        assert response.context["tag"] == ""
        assert len(response.context["page"].object_list) == 1

    @pytest.mark.parametrize(
        ("query", "titles"),
        [
            ("safari login", ["Login fails on Safari"]),
            ("SAFARI", ["Login fails on Safari"]),
            ("%", []),
            ("_", []),
            ("   ", ["Export fails for big files", "Login fails on Safari"]),
            ("x" * 5000, []),
        ],
    )
    def test_text_search(self, anon_a, tenant_a, user1, query, titles):
        submit_item(tenant_a, user1, title="Login fails on Safari")
        submit_item(tenant_a, user1, title="Export fails for big files")

        response = anon_a.get("/", {"q": query})

        assert response.status_code == 200
        assert sorted(i.title for i in response.context["page"].object_list) == titles
