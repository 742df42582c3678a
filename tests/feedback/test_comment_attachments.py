"""Files posted with comments: shown with the comment, as private as the comment."""

import pytest

from feedback.models import Attachment, Comment
from tests.conftest import HOST_A, make_client
from tests.factories import png_upload, upload


def post_comment(client, item, **data):
    return client.post(f"/items/{item.key}/comments/", data)


@pytest.mark.django_db
class TestCommentAttachments:
    def test_public_comment_with_a_screenshot(self, client_user2, anon_a, item_a):
        response = post_comment(
            client_user2, item_a, body="Same on my phone", attachments=[png_upload("mine.png")]
        )

        assert response.status_code == 302
        attachment = Attachment.objects.for_tenant(item_a.tenant).get()
        comment = Comment.objects.for_tenant(item_a.tenant).get()
        assert (attachment.comment, attachment.item, attachment.original_name) == (
            comment,
            item_a,
            "mine.png",
        )
        page = anon_a.get(f"/items/{item_a.key}/")
        assert page.context["attachments"] == []  # the item's own list
        assert "mine.png" in page.content.decode()
        download = anon_a.get(f"/items/{item_a.key}/attachments/{attachment.pk}/")
        assert download.status_code == 200
        assert download["Content-Type"] == "image/png"

    def test_internal_note_files_are_staff_only(self, client_staff1, client_user1, anon_a, item_a):
        post_comment(
            client_staff1,
            item_a,
            body="Customer's HAR file, do not share",
            is_internal="on",
            attachments=[upload("session.log", b"GET /cart 500\n", "text/plain")],
        )
        attachment = Attachment.objects.for_tenant(item_a.tenant).get()
        url = f"/items/{item_a.key}/attachments/{attachment.pk}/"

        assert client_staff1.get(url).status_code == 200
        for client in (client_user1, anon_a):
            assert client.get(url).status_code == 404
            assert "session.log" not in client.get(f"/items/{item_a.key}/").content.decode()

    def test_a_refused_file_keeps_the_comment_out_too(self, client_user2, item_a, media_root):
        response = post_comment(
            client_user2,
            item_a,
            body="See attached",
            attachments=[
                png_upload("ok.png"),
                upload("evil.svg", b"<svg onload=alert(1)/>", "image/svg+xml"),
            ],
        )

        assert response.status_code == 400
        assert Comment.objects.for_tenant(item_a.tenant).count() == 0
        assert Attachment.objects.for_tenant(item_a.tenant).count() == 0
        assert [p for p in media_root.rglob("*") if p.is_file()] == []

    def test_comment_files_count_towards_the_item_limit(self, monkeypatch, client_user2, item_a):
        monkeypatch.setattr("feedback.attachments.MAX_FILES_PER_ITEM", 1)

        post_comment(client_user2, item_a, body="one", attachments=[png_upload("a.png")])
        response = post_comment(client_user2, item_a, body="two", attachments=[png_upload("b.png")])

        assert response.status_code == 400
        assert Comment.objects.for_tenant(item_a.tenant).count() == 1
        assert Attachment.objects.for_tenant(item_a.tenant).count() == 1

    def test_another_tenants_comment_file_is_not_found(self, item_a, item_b, staff_b):
        from feedback.services import comment_post
        from tenants.models import Membership

        comment_post(
            tenant=item_b.tenant,
            item=item_b,
            author=staff_b,
            body="B's file",
            membership=Membership.objects.for_tenant(item_b.tenant).get(user=staff_b),
            attachments=[png_upload("b.png")],
        )
        theirs = Attachment.objects.for_tenant(item_b.tenant).get()

        response = make_client(HOST_A).get(f"/items/{item_a.key}/attachments/{theirs.pk}/")

        assert response.status_code == 404
