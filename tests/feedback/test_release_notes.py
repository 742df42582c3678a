"""Release notes: drafts stay private, published ones list their items, Atom feed per tenant."""

import xml.etree.ElementTree as ET

import pytest

from feedback.models import ReleaseNote
from feedback.releases import (
    ReleaseNoteAlreadyPublished,
    release_note_publish,
    release_note_save,
)
from tests.conftest import HOST_A, HOST_B, make_client
from tests.factories import submit_item

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def notes(tenant_a, tenant_b, user1, user_b, item_a):
    secret = submit_item(tenant_a, user1, kind="security", title="Token leak fixed quietly")
    published = release_note_save(
        tenant=tenant_a,
        title="Version 4.1",
        body="**CSV export** is here.\n\n<script>alert(1)</script>",
        items=[item_a, secret],
    )
    release_note_publish(tenant=tenant_a, note=published, actor=None)
    release_note_save(tenant=tenant_a, title="Version 4.2 draft", body="Not yet")
    other = release_note_save(
        tenant=tenant_b, title="Bravo-only release", body="B", slug="version-4-1"
    )
    release_note_publish(tenant=tenant_b, note=other, actor=None)
    return published


@pytest.mark.django_db
class TestPublicPages:
    def test_list_shows_published_notes_of_this_tenant_only(self, anon_a, notes):
        body = anon_a.get("/releases/").content.decode()

        assert "Version 4.1" in body
        assert "Version 4.2 draft" not in body
        assert "Bravo-only" not in body

    def test_note_page_renders_sanitized_markdown_and_visible_items(self, anon_a, notes):
        body = anon_a.get("/releases/version-41/").content.decode()

        assert "<strong>CSV export</strong> is here." in body
        assert "<script>alert(1)</script>" not in body
        assert "AAA-1" in body
        assert "Token leak fixed quietly" not in body

    def test_reporter_of_the_private_item_sees_it_listed(self, client_user1, notes):
        body = client_user1.get("/releases/version-41/").content.decode()

        assert "Token leak fixed quietly" in body

    def test_drafts_and_unknown_slugs_are_404(self, anon_a, notes):
        assert anon_a.get("/releases/version-42-draft/").status_code == 404
        assert anon_a.get("/releases/nothing-here/").status_code == 404

    def test_same_slug_on_two_tenants_shows_each_its_own(self, notes):
        page_b = make_client(HOST_B).get("/releases/version-4-1/").content.decode()

        assert "Bravo-only release" in page_b
        assert make_client(HOST_A).get("/releases/version-4-1/").status_code == 404


@pytest.mark.django_db
class TestAtomFeed:
    def test_feed_lists_published_notes_with_absolute_links(self, anon_a, notes):
        response = anon_a.get("/releases/feed.atom")

        assert response["Content-Type"].startswith("application/atom+xml")
        root = ET.fromstring(response.content)
        assert root.find(f"{ATOM}title").text == "Tenant A: release notes"
        entries = root.findall(f"{ATOM}entry")
        assert [e.find(f"{ATOM}title").text for e in entries] == ["Version 4.1"]
        link = entries[0].find(f"{ATOM}link").attrib["href"]
        assert link == "http://a.portal.test/releases/version-41/"
        assert "<script>" not in entries[0].find(f"{ATOM}summary").text

    def test_feed_of_another_tenant_has_only_its_notes(self, notes):
        root = ET.fromstring(make_client(HOST_B).get("/releases/feed.atom").content)

        assert [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")] == [
            "Bravo-only release"
        ]


@pytest.mark.django_db
class TestPublishing:
    def test_publishing_twice_is_refused(self, tenant_a, notes):
        with pytest.raises(ReleaseNoteAlreadyPublished):
            release_note_publish(tenant=tenant_a, note=notes, actor=None)

    def test_items_of_another_tenant_are_refused(self, tenant_a, item_b):
        with pytest.raises(ValueError, match="own items"):
            release_note_save(tenant=tenant_a, title="Sneaky", body="", items=[item_b])

    def test_admin_publish_action(self, client_staff1, tenant_a):
        note = release_note_save(tenant=tenant_a, title="Hotfix 4.1.1", body="Fixes")

        client_staff1.post(
            "/admin/feedback/releasenote/", {"action": "publish", "_selected_action": [note.pk]}
        )

        assert ReleaseNote.objects.for_tenant(tenant_a).get(pk=note.pk).is_published is True
        assert "Hotfix 4.1.1" in make_client(HOST_A).get("/releases/").content.decode()

    def test_admin_create_renders_markdown_and_scopes_items(
        self, client_staff1, tenant_a, item_a, item_b
    ):
        page = client_staff1.get("/admin/feedback/releasenote/add/")
        choices = list(page.context["adminform"].form.fields["items"].queryset)

        response = client_staff1.post(
            "/admin/feedback/releasenote/add/",
            {"title": "Version 5", "slug": "", "body": "*new*", "items": [item_a.pk]},
        )

        assert choices == [item_a]
        assert response.status_code == 302
        note = ReleaseNote.objects.for_tenant(tenant_a).get(title="Version 5")
        assert (note.slug, note.body_html, list(note.items.all())) == (
            "version-5",
            "<p><em>new</em></p>\n",
            [item_a],
        )
        assert item_b.release_notes.count() == 0


@pytest.mark.django_db
class TestReleaseEmails:
    @pytest.fixture
    def shipped(self, django_capture_on_commit_callbacks, tenant_a, user1, user2):
        from feedback.services import vote_cast
        from feedback.subscriptions import item_unfollow
        from tests.factories import UserFactory

        with django_capture_on_commit_callbacks(execute=True):
            first = submit_item(tenant_a, user1, title="Export invoices as CSV")
            second = submit_item(tenant_a, user1, title="Dark mode for the dashboard")
            secret = submit_item(tenant_a, user1, kind="security", title="Private fix")
            unrelated = submit_item(tenant_a, user1, title="Something else entirely")
            both = UserFactory(tenant=tenant_a, email="both@a.test")
            quitter = UserFactory(tenant=tenant_a, email="quitter@a.test")
            other = UserFactory(tenant=tenant_a, email="other@a.test")
            for item in (first, second):
                vote_cast(tenant=tenant_a, item=item, user=both)
            vote_cast(tenant=tenant_a, item=second, user=user2)
            vote_cast(tenant=tenant_a, item=first, user=quitter)
            item_unfollow(tenant=tenant_a, item=first, user=quitter)
            vote_cast(tenant=tenant_a, item=unrelated, user=other)
        return [first, second, secret]

    def test_each_voter_gets_one_email_listing_what_they_voted_for(
        self, django_capture_on_commit_callbacks, mailoutbox, tenant_a, shipped
    ):
        from feedback.notifications.tasks import outbox_sweep

        mailoutbox.clear()
        note = release_note_save(tenant=tenant_a, title="Version 4.1", body="x", items=shipped)
        with django_capture_on_commit_callbacks(execute=True):
            release_note_publish(tenant=tenant_a, note=note, actor=None)
        outbox_sweep()  # a second hand-over sends nothing twice

        by_recipient = {m.to[0].rsplit("<", 1)[-1].rstrip(">"): m for m in mailoutbox}
        assert sorted(by_recipient) == ["both@a.test", "user1@a.test", "user2@a.test"]
        assert {m.subject for m in mailoutbox} == {"Version 4.1: shipped what you voted for"}
        both_body = by_recipient["both@a.test"].body
        assert "AAA-1 Export invoices as CSV" in both_body
        assert "AAA-2 Dark mode for the dashboard" in both_body
        assert "Private fix" not in "".join(m.body for m in mailoutbox)
        user2_body = by_recipient["user2@a.test"].body
        assert "AAA-1 " not in user2_body
        assert "http://a.portal.test/releases/version-41/" in user2_body
