"""Comments: public replies and internal staff notes, in the portal and the tenant admin."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from feedback.models import Comment, FeedbackItem
from feedback.services import (
    CommentEditWindowClosed,
    CommentNotAllowed,
    comment_delete,
    comment_edit,
    comment_post,
)
from tenants.models import Membership
from tests.conftest import HOST_A, make_client
from tests.factories import MembershipFactory, UserFactory, submit_item
from tests.portal.test_markdown import XSS_PAYLOADS, assert_safe

NOTE = "zebra-internal-7 churn risk"


def comments_of(item):
    return list(
        Comment.objects.for_tenant(item.tenant)
        .filter(item=item)
        .order_by("pk")
        .values_list("author__email", "body", "is_internal")
    )


def age(comment, minutes):
    Comment.objects.for_tenant(comment.tenant).filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes)
    )


def membership_of(user):
    return Membership.objects.for_tenant(user.tenant).get(user=user)


@pytest.fixture
def item_i1(tenant_a, user1):
    return submit_item(tenant_a, user1, title="Idea I1: export to CSV")


@pytest.fixture
def comment_c1(tenant_a, item_i1, user1):
    return comment_post(tenant=tenant_a, item=item_i1, author=user1, body="hello")


@pytest.fixture
def note_n1(tenant_a, item_i1, staff1):
    return comment_post(
        tenant=tenant_a,
        item=item_i1,
        author=staff1,
        body=NOTE,
        is_internal=True,
        membership=membership_of(staff1),
    )


def edit_url(item, comment):
    return f"/items/{item.key}/comments/{comment.pk}/edit/"


def delete_url(item, comment):
    return f"/items/{item.key}/comments/{comment.pk}/delete/"


@pytest.mark.django_db
class TestServices:
    def test_post_stores_body_and_sanitized_html(self, tenant_a, item_i1, user1):
        comment = comment_post(
            tenant=tenant_a, item=item_i1, author=user1, body="  **Yes** <b>x</b>\r\n"
        )

        assert (comment.body, comment.body_html) == (
            "**Yes** <b>x</b>",
            "<p><strong>Yes</strong> &lt;b&gt;x&lt;/b&gt;</p>\n",
        )
        assert (comment.tenant, comment.item, comment.author) == (tenant_a, item_i1, user1)
        assert (comment.is_internal, comment.edited_at) == (False, None)

    def test_internal_note_needs_staff(self, tenant_a, item_i1, user1):
        with pytest.raises(CommentNotAllowed):
            comment_post(tenant=tenant_a, item=item_i1, author=user1, body="x", is_internal=True)

        assert comments_of(item_i1) == []

    def test_staff_of_another_tenant_cannot_write_notes_here(
        self, tenant_a, item_i1, staff1, staff_b
    ):
        with pytest.raises(CommentNotAllowed):
            comment_post(
                tenant=tenant_a,
                item=item_i1,
                author=staff1,
                body="x",
                is_internal=True,
                membership=membership_of(staff_b),
            )

        assert comments_of(item_i1) == []

    @pytest.mark.parametrize("body", ["", "   ", "\n\t\n", "\x00\x07", "x" * 10_001])
    def test_empty_or_too_long_bodies_are_refused(self, tenant_a, item_i1, user1, body):
        with pytest.raises(ValueError, match="comment"):
            comment_post(tenant=tenant_a, item=item_i1, author=user1, body=body)

        assert comments_of(item_i1) == []

    def test_ten_thousand_characters_are_fine(self, tenant_a, item_i1, user1):
        comment = comment_post(tenant=tenant_a, item=item_i1, author=user1, body="x" * 10_000)

        assert len(comment.body) == 10_000

    def test_item_of_another_tenant_is_refused(self, tenant_a, item_b, user1):
        with pytest.raises(ValueError, match="tenant"):
            comment_post(tenant=tenant_a, item=item_b, author=user1, body="hello")

        assert Comment.objects.for_tenant(item_b.tenant).count() == 0

    def test_author_edits_within_the_window(self, tenant_a, item_i1, user1, comment_c1):
        comment = comment_edit(
            tenant=tenant_a, item=item_i1, author=user1, comment_id=comment_c1.pk, body="*hi*"
        )

        comment_c1.refresh_from_db()
        assert (comment_c1.body, comment_c1.body_html) == ("*hi*", "<p><em>hi</em></p>\n")
        assert comment_c1.edited_at == comment.edited_at
        assert comment_c1.edited_at is not None

    def test_edit_after_the_window_changes_nothing(self, tenant_a, item_i1, user1, comment_c1):
        age(comment_c1, minutes=16)

        with pytest.raises(CommentEditWindowClosed):
            comment_edit(
                tenant=tenant_a, item=item_i1, author=user1, comment_id=comment_c1.pk, body="x"
            )

        comment_c1.refresh_from_db()
        assert (comment_c1.body, comment_c1.edited_at) == ("hello", None)

    def test_edit_just_inside_the_window(self, tenant_a, item_i1, user1, comment_c1):
        age(comment_c1, minutes=14)

        comment_edit(
            tenant=tenant_a, item=item_i1, author=user1, comment_id=comment_c1.pk, body="later"
        )

        comment_c1.refresh_from_db()
        assert comment_c1.body == "later"

    @pytest.mark.parametrize("editor", ["user2", "staff1"])
    def test_nobody_else_edits(self, request, tenant_a, item_i1, comment_c1, editor):
        with pytest.raises(Comment.DoesNotExist):
            comment_edit(
                tenant=tenant_a,
                item=item_i1,
                author=request.getfixturevalue(editor),
                comment_id=comment_c1.pk,
                body="hacked",
                is_staff=editor == "staff1",
            )

        comment_c1.refresh_from_db()
        assert comment_c1.body == "hello"

    def test_former_staff_cannot_edit_their_note(self, tenant_a, item_i1, staff1, note_n1):
        with pytest.raises(Comment.DoesNotExist):
            comment_edit(
                tenant=tenant_a, item=item_i1, author=staff1, comment_id=note_n1.pk, body="x"
            )

        note_n1.refresh_from_db()
        assert note_n1.body == NOTE

    def test_staff_deletes(self, tenant_a, item_i1, staff1, comment_c1, note_n1):
        comment_delete(
            tenant=tenant_a,
            item=item_i1,
            comment_id=comment_c1.pk,
            membership=membership_of(staff1),
        )

        assert comments_of(item_i1) == [("staff1@a.test", NOTE, True)]

    def test_viewer_role_and_portal_users_cannot_delete(self, tenant_a, item_i1, user1, comment_c1):
        viewer = MembershipFactory(tenant=tenant_a, role=Membership.Role.VIEWER)

        for membership in (viewer, None):
            with pytest.raises(Comment.DoesNotExist):
                comment_delete(
                    tenant=tenant_a, item=item_i1, comment_id=comment_c1.pk, membership=membership
                )

        assert comments_of(item_i1) == [("user1@a.test", "hello", False)]

    def test_delete_through_another_item_is_not_found(self, tenant_a, user1, staff1, comment_c1):
        other = submit_item(tenant_a, user1, title="Another item here")

        with pytest.raises(Comment.DoesNotExist):
            comment_delete(
                tenant=tenant_a,
                item=other,
                comment_id=comment_c1.pk,
                membership=membership_of(staff1),
            )

        assert Comment.objects.for_tenant(tenant_a).filter(pk=comment_c1.pk).exists()


@pytest.mark.django_db
class TestPortalPosting:
    def test_user_posts_a_public_comment(self, client_user1, item_i1):
        response = client_user1.post(
            f"/items/{item_i1.key}/comments/", {"body": "Me too, **daily**."}
        )

        comment = Comment.objects.for_tenant(item_i1.tenant).get()
        assert response.status_code == 302
        assert response["Location"] == f"/items/AAA-1/#comment-{comment.pk}"
        assert comments_of(item_i1) == [("user1@a.test", "Me too, **daily**.", False)]
        body = client_user1.get("/items/AAA-1/").content.decode()
        assert "Comment posted." in body
        assert "<p>Me too, <strong>daily</strong>.</p>" in body
        assert '<strong class="comment-author">User One</strong>' in body
        assert "1 comment" in body

    def test_comments_are_shown_in_order_with_author_and_time(
        self, anon_a, tenant_a, item_i1, user1, user2
    ):
        first = comment_post(tenant=tenant_a, item=item_i1, author=user2, body="first")
        comment_post(tenant=tenant_a, item=item_i1, author=user1, body="second")
        Comment.objects.for_tenant(tenant_a).filter(pk=first.pk).update(
            created_at=datetime(2026, 3, 4, 9, 5, tzinfo=UTC)
        )

        response = anon_a.get("/items/AAA-1/")

        body = response.content.decode()
        assert [c.body for c in response.context["comments"]] == ["first", "second"]
        assert body.index("<p>first</p>") < body.index("<p>second</p>")
        assert '<time datetime="2026-03-04T09:05:00+00:00">4 March 2026, 09:05 UTC</time>' in body
        assert "2 comments" in body

    def test_anonymous_is_sent_to_log_in_and_nothing_is_posted(self, anon_a, item_i1):
        response = anon_a.post(f"/items/{item_i1.key}/comments/", {"body": "hi"})

        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/items/AAA-1/"
        assert comments_of(item_i1) == []

    def test_anonymous_sees_no_form_but_a_login_link(self, anon_a, item_i1):
        body = anon_a.get("/items/AAA-1/").content.decode()

        assert "<textarea" not in body
        assert "to join the conversation" in body

    def test_user_form_has_markdown_hint_and_no_internal_checkbox(self, client_user1, item_i1):
        body = client_user1.get("/items/AAA-1/").content.decode()

        assert '<textarea name="body"' in body
        assert "Markdown works" in body
        assert "Internal note (staff only)" not in body

    def test_staff_form_has_internal_checkbox(self, client_staff1, item_i1):
        body = client_staff1.get("/items/AAA-1/").content.decode()

        assert 'name="is_internal"' in body
        assert "Internal note (staff only)" in body

    def test_portal_user_cannot_smuggle_an_internal_flag(self, client_user2, item_i1):
        response = client_user2.post(
            f"/items/{item_i1.key}/comments/", {"body": "public", "is_internal": "on"}
        )

        assert response.status_code == 302
        assert comments_of(item_i1) == [("user2@a.test", "public", False)]

    def test_staff_posts_an_internal_note(self, client_staff1, client_user1, item_i1):
        response = client_staff1.post(
            f"/items/{item_i1.key}/comments/", {"body": NOTE, "is_internal": "on"}
        )

        assert response.status_code == 302
        assert comments_of(item_i1) == [("staff1@a.test", NOTE, True)]
        staff_page = client_staff1.get("/items/AAA-1/").content.decode()
        assert "Internal note added." in staff_page
        assert 'class="comment comment-internal"' in staff_page
        assert "Internal note · staff only" in staff_page
        assert NOTE not in client_user1.get("/items/AAA-1/").content.decode()

    @pytest.mark.parametrize(
        ("body", "error"),
        [
            ("", "Please write something before posting."),
            ("  \r\n ", "Please write something before posting."),
            ("x" * 10_001, "Ensure this value has at most 10000 characters (it has 10001)."),
        ],
    )
    def test_invalid_bodies_show_field_errors(self, client_user1, item_i1, body, error):
        response = client_user1.post(f"/items/{item_i1.key}/comments/", {"body": body})

        assert response.status_code == 400
        assert response.context["comment_form"].errors == {"body": [error]}
        page = response.content.decode()
        # The id Django's widget names in aria-describedby, so screen readers read it.
        assert '<ul class="field-errors" id="id_body_error">' in page
        assert 'aria-describedby="id_body_helptext id_body_error"' in page
        assert comments_of(item_i1) == []

    def test_comments_on_closed_items_are_allowed(self, tenant_a, client_user2, item_i1):
        FeedbackItem.objects.for_tenant(tenant_a).filter(pk=item_i1.pk).update(status="declined")

        response = client_user2.post(f"/items/{item_i1.key}/comments/", {"body": "Why?"})

        assert response.status_code == 302
        assert comments_of(item_i1) == [("user2@a.test", "Why?", False)]

    def test_private_item_only_reporter_and_staff_comment(
        self, tenant_a, user1, client_user1, client_user2, client_staff1, anon_a
    ):
        private = submit_item(tenant_a, user1, title="Token leaks in URL", kind="security")
        url = f"/items/{private.key}/comments/"

        assert client_user2.post(url, {"body": "peek"}).status_code == 404
        assert comments_of(private) == []
        assert client_user1.post(url, {"body": "details"}).status_code == 302
        assert client_staff1.post(url, {"body": "on it"}).status_code == 302
        assert comments_of(private) == [
            ("user1@a.test", "details", False),
            ("staff1@a.test", "on it", False),
        ]
        assert client_user2.get(f"/items/{private.key}/").status_code == 404
        assert "details" not in anon_a.get("/").content.decode()

    def test_get_on_the_post_route_is_refused(self, client_user1, item_i1):
        assert client_user1.get(f"/items/{item_i1.key}/comments/").status_code == 405


@pytest.mark.django_db
class TestPortalEditAndDelete:
    def test_author_sees_edit_link_within_the_window_only(
        self, client_user1, client_user2, item_i1, comment_c1
    ):
        link = f'href="{edit_url(item_i1, comment_c1)}"'

        assert link in client_user1.get("/items/AAA-1/").content.decode()
        assert link not in client_user2.get("/items/AAA-1/").content.decode()
        age(comment_c1, minutes=16)
        assert link not in client_user1.get("/items/AAA-1/").content.decode()

    def test_author_edits_on_the_edit_page(self, client_user1, item_i1, comment_c1):
        page = client_user1.get(edit_url(item_i1, comment_c1))

        assert page.status_code == 200
        assert ">\nhello</textarea>" in page.content.decode()
        response = client_user1.post(edit_url(item_i1, comment_c1), {"body": "hello _world_"})

        assert response.status_code == 302
        assert response["Location"] == f"/items/AAA-1/#comment-{comment_c1.pk}"
        comment_c1.refresh_from_db()
        assert (comment_c1.body, comment_c1.body_html) == (
            "hello _world_",
            "<p>hello <em>world</em></p>\n",
        )
        assert "(edited)" in client_user1.get("/items/AAA-1/").content.decode()

    def test_edit_with_empty_body_shows_the_error(self, client_user1, item_i1, comment_c1):
        response = client_user1.post(edit_url(item_i1, comment_c1), {"body": " "})

        assert response.status_code == 400
        assert response.context["form"].errors == {
            "body": ["Please write something before posting."]
        }
        comment_c1.refresh_from_db()
        assert comment_c1.body == "hello"

    @pytest.mark.parametrize("method", ["get", "post"])
    def test_edit_after_the_window_is_refused_with_a_message(
        self, client_user1, item_i1, comment_c1, method
    ):
        age(comment_c1, minutes=16)

        response = getattr(client_user1, method)(edit_url(item_i1, comment_c1), {"body": "x"})

        assert response.status_code == 302
        assert response["Location"] == f"/items/AAA-1/#comment-{comment_c1.pk}"
        page = client_user1.get("/items/AAA-1/").content.decode()
        assert "Comments can be changed for 15 minutes after posting." in page
        comment_c1.refresh_from_db()
        assert (comment_c1.body, comment_c1.edited_at) == ("hello", None)

    def test_bc06_user2_cannot_edit_or_delete_user1s_comment(
        self, client_user2, item_i1, comment_c1
    ):
        assert client_user2.get(edit_url(item_i1, comment_c1)).status_code == 404
        assert (
            client_user2.post(edit_url(item_i1, comment_c1), {"body": "hacked"}).status_code == 404
        )
        assert client_user2.post(delete_url(item_i1, comment_c1)).status_code == 404

        comment_c1.refresh_from_db()
        assert (comment_c1.body, comment_c1.body_html, comment_c1.edited_at) == (
            "hello",
            "<p>hello</p>\n",
            None,
        )

    def test_authors_cannot_delete_only_staff(self, client_user1, item_i1, comment_c1):
        assert client_user1.post(delete_url(item_i1, comment_c1)).status_code == 404
        assert comments_of(item_i1) == [("user1@a.test", "hello", False)]

    def test_staff_cannot_edit_someone_elses_comment(self, client_staff1, item_i1, comment_c1):
        response = client_staff1.post(edit_url(item_i1, comment_c1), {"body": "hacked"})

        assert response.status_code == 404
        comment_c1.refresh_from_db()
        assert comment_c1.body == "hello"

    def test_staff_deletes_from_the_item_page(self, client_staff1, item_i1, comment_c1, note_n1):
        page = client_staff1.get("/items/AAA-1/").content.decode()
        assert f'action="{delete_url(item_i1, comment_c1)}"' in page

        response = client_staff1.post(delete_url(item_i1, comment_c1))

        assert response.status_code == 302
        assert response["Location"] == "/items/AAA-1/#comments"
        assert comments_of(item_i1) == [("staff1@a.test", NOTE, True)]

    def test_viewer_role_sees_no_delete_button_and_cannot_delete(
        self, tenant_a, item_i1, comment_c1
    ):
        viewer = MembershipFactory(tenant=tenant_a, role=Membership.Role.VIEWER).user
        client = make_client(HOST_A, viewer)

        assert "/delete/" not in client.get("/items/AAA-1/").content.decode()
        assert client.post(delete_url(item_i1, comment_c1)).status_code == 404
        assert comments_of(item_i1) == [("user1@a.test", "hello", False)]

    def test_portal_user_cannot_reach_an_internal_note(self, client_user2, item_i1, note_n1):
        assert client_user2.get(edit_url(item_i1, note_n1)).status_code == 404
        assert client_user2.post(delete_url(item_i1, note_n1)).status_code == 404
        note_n1.refresh_from_db()
        assert note_n1.body == NOTE

    def test_comment_id_under_another_items_key_is_not_found(
        self, tenant_a, user1, client_user1, client_staff1, comment_c1
    ):
        other = submit_item(tenant_a, user1, title="A different item")

        assert client_user1.get(edit_url(other, comment_c1)).status_code == 404
        assert client_staff1.post(delete_url(other, comment_c1)).status_code == 404
        assert Comment.objects.for_tenant(tenant_a).filter(pk=comment_c1.pk).count() == 1

    def test_another_tenants_comment_id_under_our_item_is_not_found(
        self, tenant_b, item_b, staff_b, client_staff1, item_i1
    ):
        foreign = comment_post(tenant=tenant_b, item=item_b, author=staff_b, body="B's words")
        # Staff of A, under A's own item key, with B's comment id.
        assert client_staff1.get(edit_url(item_i1, foreign)).status_code == 404
        assert client_staff1.post(delete_url(item_i1, foreign)).status_code == 404

        foreign.refresh_from_db()
        assert foreign.body == "B's words"

    def test_edit_of_an_unknown_comment_is_not_found(self, client_user1, item_i1):
        assert client_user1.get("/items/AAA-1/comments/999999/edit/").status_code == 404


@pytest.mark.django_db
class TestInternalNotesNeverLeak:
    """BC-06 step 2 against the real routes: the note body reaches staff only."""

    @pytest.fixture
    def thread(self, comment_c1, note_n1):
        return comment_c1, note_n1

    @pytest.mark.parametrize("viewer", ["anon_a", "client_user1", "client_user2"])
    @pytest.mark.parametrize("url", ["/", "/?sort=new", "/items/AAA-1/", "/?kind=idea"])
    def test_portal_visitors_never_see_the_note(self, request, thread, viewer, url):
        response = request.getfixturevalue(viewer).get(url)

        assert response.status_code == 200
        assert "zebra-internal-7" not in response.content.decode()

    @pytest.mark.parametrize("viewer", ["anon_a", "client_user1", "client_user2"])
    def test_counts_show_public_comments_only(self, request, thread, viewer):
        client = request.getfixturevalue(viewer)

        assert client.get("/").context["page"].object_list[0].comment_count == 1
        detail = client.get("/items/AAA-1/")
        assert detail.context["item"].comment_count == 1
        assert '<h2 id="comments-heading">1 comment</h2>' in detail.content.decode()

    def test_staff_sees_the_note_and_counts_it(self, client_staff1, thread):
        detail = client_staff1.get("/items/AAA-1/")

        assert NOTE in detail.content.decode()
        assert '<h2 id="comments-heading">2 comments</h2>' in detail.content.decode()
        assert client_staff1.get("/").context["page"].object_list[0].comment_count == 2

    def test_staff_of_another_tenant_never_sees_it(self, thread, staff_b):
        # B's staff logged in on A's host is anonymous there.
        client = make_client(HOST_A, staff_b)

        assert "zebra-internal-7" not in client.get("/items/AAA-1/").content.decode()

    def test_note_edit_and_delete_routes_do_not_echo_it(self, client_user2, thread):
        _, note = thread
        for response in (
            client_user2.get(f"/items/AAA-1/comments/{note.pk}/edit/"),
            client_user2.post(f"/items/AAA-1/comments/{note.pk}/delete/"),
        ):
            assert response.status_code == 404
            assert "zebra-internal-7" not in response.content.decode()


@pytest.mark.django_db
class TestEscaping:
    @pytest.mark.parametrize("payload", [p for p in XSS_PAYLOADS if "\x00" not in p])
    def test_xss_payloads_posted_as_comments_are_neutralised(self, client_user1, item_i1, payload):
        response = client_user1.post(f"/items/{item_i1.key}/comments/", {"body": payload})
        comment = Comment.objects.for_tenant(item_i1.tenant).get()

        assert response.status_code == 302
        assert_safe(comment.body_html)
        body = client_user1.get("/items/AAA-1/").content.decode()
        assert comment.body_html in body
        # The only script is the vendored htmx in <head>, loaded from our own static files.
        assert "<script" not in body.split("<main")[1]
        assert "<img" not in body
        assert "<svg" not in body
        assert "<iframe" not in body

    def test_null_characters_are_refused_with_a_field_error(self, client_user1, item_i1):
        response = client_user1.post(
            f"/items/{item_i1.key}/comments/", {"body": "\x00<script>alert(1)</script>"}
        )

        assert response.status_code == 400
        assert response.context["comment_form"].errors == {
            "body": ["Null characters are not allowed."]
        }
        assert comments_of(item_i1) == []

    def test_author_display_name_is_escaped(self, tenant_a, item_i1, anon_a):
        evil = UserFactory(
            tenant=tenant_a, display_name="</script><script>document.title='XSS-4b'</script>"
        )
        comment_post(tenant=tenant_a, item=item_i1, author=evil, body="hi")

        body = anon_a.get("/items/AAA-1/").content.decode()

        assert "&lt;/script&gt;&lt;script&gt;document.title=&#x27;XSS-4b&#x27;" in body
        assert "<script>document.title" not in body

    def test_raw_html_comment_shows_as_text(self, client_user1, item_i1):
        client_user1.post(
            f"/items/{item_i1.key}/comments/", {"body": '<img src=x onerror="alert(1)">'}
        )

        body = client_user1.get("/items/AAA-1/").content.decode()

        assert '<p>&lt;img src=x onerror="alert(1)"&gt;</p>' in body
        assert "<img src=x" not in body


@pytest.mark.django_db
class TestTenantAdmin:
    def change_url(self, item):
        return f"/admin/feedback/feedbackitem/{item.pk}/change/"

    def form_data(self, item, existing=(), delete=(), new_body=None, internal=True):
        data = {
            "kind": item.kind,
            "status": item.status,
            "title": item.title,
            "description": item.description,
            "is_public": "on",
            "history-TOTAL_FORMS": "0",
            "history-INITIAL_FORMS": "0",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
            "comments-TOTAL_FORMS": str(len(existing)),
            "comments-INITIAL_FORMS": str(len(existing)),
            "comments-2-TOTAL_FORMS": "1" if new_body is not None else "0",
            "comments-2-INITIAL_FORMS": "0",
        }
        for index, comment in enumerate(existing):
            data[f"comments-{index}-id"] = str(comment.pk)
            data[f"comments-{index}-item"] = str(item.pk)
            if comment in delete:
                data[f"comments-{index}-DELETE"] = "on"
        if new_body is not None:
            data["comments-2-0-item"] = str(item.pk)
            data["comments-2-0-body"] = new_body
            if internal:
                data["comments-2-0-is_internal"] = "on"
        return data

    def test_staff_read_every_comment_and_note(self, client_staff1, item_i1, comment_c1, note_n1):
        response = client_staff1.get(self.change_url(item_i1))

        body = response.content.decode()
        assert response.status_code == 200
        assert "Comments and internal notes" in body
        assert NOTE in body
        assert "hello" in body
        assert "Internal note (staff only)" in body

    def test_staff_add_an_internal_note(self, client_staff1, staff1, item_i1, comment_c1):
        response = client_staff1.post(
            self.change_url(item_i1),
            self.form_data(item_i1, existing=[comment_c1], new_body="Call them **today**"),
        )

        assert response.status_code == 302
        assert comments_of(item_i1) == [
            ("user1@a.test", "hello", False),
            ("staff1@a.test", "Call them **today**", True),
        ]
        note = Comment.objects.for_tenant(item_i1.tenant).get(is_internal=True)
        assert note.body_html == "<p>Call them <strong>today</strong></p>\n"

    def test_staff_add_a_public_reply(self, client_staff1, item_i1):
        response = client_staff1.post(
            self.change_url(item_i1),
            self.form_data(item_i1, new_body="Fixed in 2.1", internal=False),
        )

        assert response.status_code == 302
        assert comments_of(item_i1) == [("staff1@a.test", "Fixed in 2.1", False)]

    def test_agent_deletes_a_comment(self, client_staff1, item_i1, comment_c1, note_n1):
        response = client_staff1.post(
            self.change_url(item_i1),
            self.form_data(item_i1, existing=[comment_c1, note_n1], delete=[comment_c1]),
        )

        assert response.status_code == 302
        assert comments_of(item_i1) == [("staff1@a.test", NOTE, True)]

    def test_viewer_reads_but_cannot_add_notes(self, tenant_a, item_i1, note_n1):
        viewer = MembershipFactory(tenant=tenant_a, role=Membership.Role.VIEWER).user
        client = make_client(HOST_A, viewer)

        response = client.get(self.change_url(item_i1))

        assert response.status_code == 200
        assert NOTE in response.content.decode()
        assert 'name="comments-2-0-body"' not in response.content.decode()

    def test_item_change_page_has_constant_queries(
        self, django_assert_num_queries, client_staff1, tenant_a, item_i1, user1
    ):
        def queries_for(count):
            for n in range(count):
                comment_post(
                    tenant=tenant_a,
                    item=item_i1,
                    author=UserFactory(tenant=tenant_a),
                    body=f"c{n}",
                )
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as context:
                assert client_staff1.get(self.change_url(item_i1)).status_code == 200
            return len(context)

        assert queries_for(3) == queries_for(27)
