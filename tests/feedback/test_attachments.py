"""Attachments: type from content, all-or-nothing (BC-05), safe downloads, visibility."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from feedback.attachments import (
    AttachmentRejected,
    attachments_add,
    clean_original_name,
)
from feedback.models import Attachment, FeedbackItem
from tests.conftest import HOST_A, make_client
from tests.factories import MembershipFactory, png_bytes, png_upload, submit_item, upload

SUBMIT = "/items/new/"
LIMIT = 5 * 1024 * 1024  # tenant A's limit in these tests, as in BC-05
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
NOT_ALLOWED = (
    "this type of file is not allowed. We accept PNG, JPEG, GIF or WebP images, "
    "PDF documents, and text logs (.txt, .log, .json, .csv)."
)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CSP = "sandbox; default-src 'none'"
DAMAGED = "broken.png: the image is damaged or not what it claims."
TOO_MANY_PIXELS = "broken.png: the image has more than 40 megapixels."


@pytest.fixture(autouse=True)
def _limit(tenant_a):
    tenant_a.attachment_max_bytes = LIMIT
    tenant_a.save()


def stored_files(media_root):
    return sorted(
        str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file()
    )


def attachments_of(tenant):
    return list(Attachment.objects.for_tenant(tenant).order_by("id"))


# The BC-05 inputs (a)-(f): files of one request, and the form errors they must produce.
REJECTED = {
    "a-svg": ([upload("evil.svg", SVG, "image/svg+xml")], [f"evil.svg: {NOT_ALLOWED}"]),
    "b-svg-named-png": ([upload("evil.png", SVG, "image/png")], [f"evil.png: {NOT_ALLOWED}"]),
    "c-html": (
        [upload("page.html", b"<script>alert(1)</script>", "text/html")],
        [f"page.html: {NOT_ALLOWED}"],
    ),
    "d-bad-then-good": (
        [upload("bad.svg", SVG, "image/svg+xml"), "ok.png"],
        [f"bad.svg: {NOT_ALLOWED}"],
    ),
    "e-one-byte-over-the-limit": (
        ["small-10kb.png", upload("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (LIMIT - 7))],
        ["big.png: the file is larger than 5 MB."],
    ),
    "f-four-files": (
        ["1.png", "2.png", "3.png", "4.png"],
        ["4 files is too many: at most 3 can be attached at a time."],
    ),
}


def build_files(spec):
    """Fresh upload objects per request; a name alone stands for a valid PNG."""
    files = []
    for entry in spec:
        if isinstance(entry, str):
            noisy = entry.startswith("small-10kb")
            files.append(png_upload(entry, width=58, height=58, noise=noisy))
        else:
            entry.seek(0)
            files.append(SimpleUploadedFile(entry.name, entry.read(), entry.content_type))
    return files


@pytest.mark.django_db
class TestSubmitFormBC05:
    def post(self, client, files):
        return client.post(
            SUBMIT, {"kind": "bug", "title": "Checkout crashes", "steps_to_reproduce": "1. Pay",
                     "actual_result": "A crash", "attachments": files},
        )  # fmt: skip

    @pytest.mark.parametrize("case", list(REJECTED))
    def test_rejected_request_stores_nothing_not_even_the_item(
        self, client_user1, tenant_a, media_root, case
    ):
        spec, errors = REJECTED[case]

        response = self.post(client_user1, build_files(spec))

        assert response.status_code == 400
        assert response.context["form"].errors == {"attachments": errors}
        assert FeedbackItem.objects.for_tenant(tenant_a).count() == 0
        assert attachments_of(tenant_a) == []
        assert stored_files(media_root) == []

    def test_ten_kilobyte_png_is_really_that_big(self):
        assert len(build_files(["small-10kb.png"])[0]) == 10_218

    def test_big_file_is_one_byte_over_the_limit(self):
        assert REJECTED["e-one-byte-over-the-limit"][0][1].size == LIMIT + 1

    def test_two_valid_pngs_are_stored_with_the_item(
        self, client_user1, tenant_a, user1, media_root
    ):
        response = self.post(client_user1, build_files(["one.png", "two.png"]))

        assert response.status_code == 302
        item = FeedbackItem.objects.for_tenant(tenant_a).get()
        assert response["Location"] == f"/items/{item.key}/"
        stored = attachments_of(tenant_a)
        assert [
            (a.item, a.uploaded_by, a.original_name, a.content_type, a.width, a.height)
            for a in stored
        ] == [
            (item, user1, "one.png", "image/png", 58, 58),
            (item, user1, "two.png", "image/png", 58, 58),
        ]
        files = stored_files(media_root)
        assert len(files) == 4  # two originals, two thumbnails
        assert sorted([a.file.name for a in stored] + [a.thumbnail.name for a in stored]) == files
        for attachment in stored:
            assert attachment.file.name.startswith(f"attachments/{tenant_a.pk}/")
            assert "one" not in attachment.file.name
            assert "two" not in attachment.file.name
            assert attachment.file.name.endswith(".png")
            assert attachment.thumbnail.name.endswith("-thumb.png")

    def test_the_form_is_multipart_and_lists_types_and_limit(self, client_user1):
        body = client_user1.get(f"{SUBMIT}?kind=idea").content.decode()

        assert 'enctype="multipart/form-data"' in body
        assert (
            '<input type="file" name="attachments" multiple '
            'aria-describedby="id_attachments_helptext" id="id_attachments">'
        ) in body
        assert (
            "PNG, JPEG, GIF or WebP images, PDF documents, and text logs "
            "(.txt, .log, .json, .csv). Up to 3 files at a time, 5 MB each." in body
        )

    def test_invalid_title_and_bad_file_are_both_reported(self, client_user1, tenant_a):
        response = client_user1.post(
            SUBMIT,
            {"kind": "idea", "title": "short", "attachments": [upload("x.svg", SVG)]},
        )

        assert response.status_code == 400
        assert response.context["form"].errors == {
            "title": ["Please describe it in at least 8 characters."],
            "attachments": [f"x.svg: {NOT_ALLOWED}"],
        }
        assert FeedbackItem.objects.for_tenant(tenant_a).count() == 0


@pytest.mark.django_db
class TestAddToItemBC05:
    @pytest.fixture
    def url(self, item_a):
        return f"/items/{item_a.key}/attachments/"

    @pytest.mark.parametrize("case", list(REJECTED))
    def test_rejected_request_stores_nothing(
        self, client_user1, tenant_a, item_a, media_root, url, case
    ):
        spec, errors = REJECTED[case]

        response = client_user1.post(url, {"attachments": build_files(spec)})

        assert response.status_code == 400
        assert response.context["attachment_form"].errors == {"attachments": errors}
        assert attachments_of(tenant_a) == []
        assert stored_files(media_root) == []

    def test_two_valid_pngs_are_stored(self, client_user1, tenant_a, item_a, media_root, url):
        response = client_user1.post(url, {"attachments": build_files(["a.png", "b.png"])})

        assert response.status_code == 302
        assert response["Location"] == f"/items/{item_a.key}/"
        assert [a.original_name for a in attachments_of(tenant_a)] == ["a.png", "b.png"]
        assert len(stored_files(media_root)) == 4

    def test_staff_may_add_files_to_someone_elses_item(self, client_staff1, tenant_a, url):
        response = client_staff1.post(url, {"attachments": [png_upload("staff.png")]})

        assert response.status_code == 302
        assert [a.original_name for a in attachments_of(tenant_a)] == ["staff.png"]

    def test_another_user_may_not(self, client_user2, tenant_a, url, media_root):
        response = client_user2.post(url, {"attachments": [png_upload()]})

        assert response.status_code == 403
        assert attachments_of(tenant_a) == []
        assert stored_files(media_root) == []

    def test_anonymous_is_sent_to_login(self, anon_a, tenant_a, url, item_a):
        response = anon_a.post(url, {"attachments": [png_upload()]})

        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next=/items/{item_a.key}/"
        assert attachments_of(tenant_a) == []

    def test_no_file_is_a_form_error(self, client_user1, url, tenant_a):
        response = client_user1.post(url, {})

        assert response.status_code == 400
        assert response.context["attachment_form"].errors == {
            "attachments": ["This field is required."]
        }

    def test_an_item_takes_at_most_ten_files(
        self, client_user1, tenant_a, user1, item_a, url, media_root
    ):
        for batch in (3, 3, 3):
            attachments_add(
                tenant=tenant_a,
                item=item_a,
                uploaded_by=user1,
                files=build_files([f"{batch}-{n}.png" for n in range(batch)]),
            )
        before = stored_files(media_root)

        response = client_user1.post(url, {"attachments": build_files(["x.png", "y.png"])})

        assert response.status_code == 400
        assert response.context["attachment_form"].errors == {
            "attachments": ["An item can have at most 10 attachments; 1 more can be added."]
        }
        assert len(attachments_of(tenant_a)) == 9
        assert stored_files(media_root) == before


@pytest.mark.django_db
class TestContentDecidesTheType:
    @pytest.mark.parametrize(
        ("name", "content", "content_type"),
        [
            ("shot.png", png_bytes(), "image/png"),
            ("photo.jpg", None, "image/jpeg"),
            ("anim.gif", None, "image/gif"),
            ("pic.webp", None, "image/webp"),
            ("manual.pdf", PDF, "application/pdf"),
            ("server.log", "ERROR <b>not markup</b> at 12:00 café\n".encode(), "text/plain"),
            ("data.json", b'{"status": 500}', "text/plain"),
            ("rows.csv", b"id,name\n1,Ann\n", "text/plain"),
            ("image.txt", png_bytes(), "image/png"),  # the bytes win over the name
        ],
    )
    def test_accepted(self, tenant_a, item_a, user1, name, content, content_type):
        if content is None:
            image_format = {"image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}
            output = io.BytesIO()
            Image.new("RGB", (50, 20), "blue").save(output, format=image_format[content_type])
            content = output.getvalue()

        [attachment] = attachments_add(
            tenant=tenant_a, item=item_a, uploaded_by=user1, files=[upload(name, content, "x/y")]
        )

        assert attachment.content_type == content_type
        assert attachment.size == len(content)

    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("evil.svg", SVG),
            ("evil.txt", SVG),
            ("xml.txt", b'<?xml version="1.0"?><svg/>'),
            ("page.txt", b"  \n<!DOCTYPE html><p>hi"),
            ("run.txt", b"#!/bin/sh\nrm -rf /\n"),
            ("run.sh", b"echo hi\n"),
            ("nul.log", b"line one\x00line two"),
            ("latin1.log", "café".encode("latin-1")),
            ("archive.zip", b"PK\x03\x04" + b"\0" * 40),
            ("setup.exe", b"MZ\x90\x00" + b"\0" * 40),
            ("notes.md", b"# Notes"),
            ("noext", b"plain text"),
        ],
    )
    def test_rejected(self, tenant_a, item_a, user1, media_root, name, content):
        with pytest.raises(AttachmentRejected) as error:
            attachments_add(
                tenant=tenant_a, item=item_a, uploaded_by=user1, files=[upload(name, content)]
            )

        assert error.value.messages == [f"{name}: {NOT_ALLOWED}"]
        assert attachments_of(tenant_a) == []
        assert stored_files(media_root) == []

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (png_bytes()[:60], DAMAGED),
            (b"\x89PNG\r\n\x1a\n" + b"junk" * 20, DAMAGED),
            (png_bytes(8000, 5001, mode="1"), TOO_MANY_PIXELS),
            # Beyond Pillow's own bomb threshold: its warning is turned into a rejection.
            (png_bytes(10_000, 10_000, mode="1"), TOO_MANY_PIXELS),
            (b"", "broken.png: the file is empty."),
        ],
        ids=["truncated", "garbage", "40.008-megapixels", "100-megapixels", "empty"],
    )
    def test_damaged_and_oversized_images(
        self, tenant_a, item_a, user1, media_root, content, message
    ):
        with pytest.raises(AttachmentRejected) as error:
            attachments_add(
                tenant=tenant_a,
                item=item_a,
                uploaded_by=user1,
                files=[upload("broken.png", content)],
            )

        assert error.value.messages == [message]
        assert stored_files(media_root) == []

    def test_every_bad_file_is_named(self, tenant_a, item_a, user1):
        with pytest.raises(AttachmentRejected) as error:
            attachments_add(
                tenant=tenant_a,
                item=item_a,
                uploaded_by=user1,
                files=[upload("a.svg", SVG), png_upload("ok.png"), upload("b.html", b"<p>")],
            )

        assert error.value.messages == [f"a.svg: {NOT_ALLOWED}", f"b.html: {NOT_ALLOWED}"]

    def test_a_failed_write_removes_the_files_already_written(
        self, tenant_a, item_a, user1, media_root, monkeypatch
    ):
        calls = []
        original_save = Attachment.save

        def failing_save(self, *args, **kwargs):
            calls.append(self.original_name)
            if len(calls) == 2:
                raise RuntimeError("database went away")
            return original_save(self, *args, **kwargs)

        monkeypatch.setattr(Attachment, "save", failing_save)

        with pytest.raises(RuntimeError):
            attachments_add(
                tenant=tenant_a,
                item=item_a,
                uploaded_by=user1,
                files=[png_upload("first.png"), png_upload("second.png")],
            )

        assert calls == ["first.png", "second.png"]
        assert attachments_of(tenant_a) == []
        assert stored_files(media_root) == []

    def test_another_tenants_item_is_refused(self, tenant_a, item_b, user1, media_root):
        with pytest.raises(ValueError, match="Unknown item"):
            attachments_add(tenant=tenant_a, item=item_b, uploaded_by=user1, files=[png_upload()])

        assert stored_files(media_root) == []


class TestOriginalName:
    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("report.pdf", "report.pdf"),
            ("../../etc/passwd.txt", "passwd.txt"),
            ("C:\\Users\\ann\\shot.png", "shot.png"),
            ("two\r\nlines.txt", "two lines.txt"),
            ("evil\u202egnp.exe", "evilgnp.exe"),
            ("  .hidden.log  ", "hidden.log"),
            ("", "attachment"),
            ("x" * 300 + ".png", "x" * 196 + ".png"),
        ],
    )
    def test_cleaned_for_display(self, name, expected):
        assert clean_original_name(name) == expected


@pytest.mark.django_db
class TestDownload:
    def add(self, tenant, item, user, *files):
        return attachments_add(tenant=tenant, item=item, uploaded_by=user, files=list(files))

    def test_raster_image_is_inline_with_safe_headers(self, client_user1, tenant_a, item_a, user1):
        content = png_bytes()
        [attachment] = self.add(tenant_a, item_a, user1, upload("shot.png", content, "text/html"))

        response = client_user1.get(f"/items/{item_a.key}/attachments/{attachment.pk}/")

        assert response.status_code == 200
        assert b"".join(response.streaming_content) == content
        assert response["Content-Type"] == "image/png"
        assert response["Content-Disposition"] == 'inline; filename="shot.png"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == CSP
        assert response["Content-Length"] == str(len(content))
        assert response["Cache-Control"] == "private, max-age=3600"

    def test_pdf_is_always_downloaded(self, client_user1, tenant_a, item_a, user1):
        [attachment] = self.add(tenant_a, item_a, user1, upload('résumé "x".pdf', PDF))

        response = client_user1.get(f"/items/{item_a.key}/attachments/{attachment.pk}/")

        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            "attachment; filename*=utf-8''r%C3%A9sum%C3%A9%20%22x%22.pdf"
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == CSP

    def test_text_is_plain_utf8_and_downloaded(self, client_user1, tenant_a, item_a, user1):
        [attachment] = self.add(
            tenant_a, item_a, user1, upload("trace.json", b'{"a": "<script>"}', "text/html")
        )

        response = client_user1.get(f"/items/{item_a.key}/attachments/{attachment.pk}/")

        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert response["Content-Disposition"] == 'attachment; filename="trace.json"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == CSP

    def test_download_name_gets_the_real_extension(self, client_user1, tenant_a, item_a, user1):
        [attachment] = self.add(tenant_a, item_a, user1, upload("report.png", PDF, "image/png"))

        response = client_user1.get(f"/items/{item_a.key}/attachments/{attachment.pk}/")

        assert attachment.original_name == "report.png"
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="report.png.pdf"'

    def test_thumbnail_is_small_and_has_no_metadata(self, client_user1, tenant_a, item_a, user1):
        exif = Image.Exif()
        exif[0x010F] = "Camera maker"  # Make
        exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
        output = io.BytesIO()
        Image.new("RGB", (1200, 600), "green").save(output, format="JPEG", exif=exif)
        [attachment] = self.add(tenant_a, item_a, user1, upload("photo.jpeg", output.getvalue()))

        response = client_user1.get(f"/items/{item_a.key}/attachments/{attachment.pk}/thumbnail/")

        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert type(response["Content-Type"]) is str  # wsgiref refuses str subclasses
        assert response["Content-Disposition"] == 'inline; filename="photo-thumbnail.jpg"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == CSP
        thumbnail = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        assert thumbnail.size == (160, 320)  # turned upright, then fitted into 320x320
        assert dict(thumbnail.getexif()) == {}
        assert "exif" not in thumbnail.info
        assert (attachment.width, attachment.height) == (1200, 600)

    def test_a_file_missing_on_disk_is_not_found(self, client_user1, tenant_a, item_a, user1):
        [attachment] = self.add(tenant_a, item_a, user1, upload("a.pdf", PDF))
        attachment.file.delete(save=False)

        response = client_user1.get(f"/items/{item_a.key}/attachments/{attachment.pk}/")

        assert response.status_code == 404

    def test_pdf_has_no_thumbnail(self, client_user1, tenant_a, item_a, user1):
        [attachment] = self.add(tenant_a, item_a, user1, upload("a.pdf", PDF))

        response = client_user1.get(f"/items/{item_a.key}/attachments/{attachment.pk}/thumbnail/")

        assert response.status_code == 404

    def test_private_item_files_only_for_reporter_and_staff(
        self, tenant_a, user1, client_user1, client_user2, client_staff1, anon_a
    ):
        item = submit_item(tenant_a, user1, kind="security", title="Token in the URL")
        [attachment] = self.add(tenant_a, item, user1, png_upload("proof.png"))
        url = f"/items/{item.key}/attachments/{attachment.pk}/"

        assert [
            client.get(url).status_code
            for client in (client_user1, client_staff1, client_user2, anon_a)
        ] == [200, 200, 404, 404]
        assert client_user2.get(f"{url}thumbnail/").status_code == 404

    def test_public_item_files_for_everyone(self, anon_a, tenant_a, item_a, user1):
        [attachment] = self.add(tenant_a, item_a, user1, png_upload())

        assert anon_a.get(f"/items/{item_a.key}/attachments/{attachment.pk}/").status_code == 200

    def test_attachment_of_another_item_or_tenant_is_not_found(
        self, client_staff1, tenant_a, tenant_b, item_a, item_b, user1, user_b
    ):
        other = submit_item(tenant_a, user1, title="Another item here")
        [of_other_item] = self.add(tenant_a, other, user1, png_upload())
        [of_tenant_b] = self.add(tenant_b, item_b, user_b, png_upload())

        for pk in (of_other_item.pk, of_tenant_b.pk, 999_999):
            for suffix in ("", "thumbnail/"):
                url = f"/items/{item_a.key}/attachments/{pk}/{suffix}"
                assert client_staff1.get(url).status_code == 404


@pytest.mark.django_db
class TestItemPage:
    def test_lists_thumbnails_and_files_with_sizes(self, anon_a, tenant_a, item_a, user1):
        image, pdf = attachments_add(
            tenant=tenant_a,
            item=item_a,
            uploaded_by=user1,
            files=[png_upload("screen.png"), upload("<img src=x onerror=alert(1)>.pdf", PDF)],
        )

        body = anon_a.get(f"/items/{item_a.key}/").content.decode()

        base = f"/items/{item_a.key}/attachments"
        assert (
            f'<a href="{base}/{image.pk}/"><img src="{base}/{image.pk}/thumbnail/" '
            f'alt="screen.png" loading="lazy"></a>'
        ) in body
        assert (
            f'<a href="{base}/{pdf.pk}/" download>&lt;img src=x onerror=alert(1)&gt;.pdf</a>'
        ) in body
        assert "· PDF document · 48\xa0bytes" in body
        assert "<img src=x" not in body

    def test_upload_form_for_the_reporter_only(self, client_user1, client_user2, anon_a, item_a):
        action = f'action="/items/{item_a.key}/attachments/"'

        assert action in client_user1.get(f"/items/{item_a.key}/").content.decode()
        assert action not in client_user2.get(f"/items/{item_a.key}/").content.decode()
        assert action not in anon_a.get(f"/items/{item_a.key}/").content.decode()


@pytest.mark.django_db
class TestAdmin:
    def change_url(self, item):
        return f"/admin/feedback/feedbackitem/{item.pk}/change/"

    def test_inline_lists_files_with_download_link(self, client_staff1, tenant_a, item_a, user1):
        [attachment] = attachments_add(
            tenant=tenant_a, item=item_a, uploaded_by=user1, files=[png_upload("a.png")]
        )

        body = client_staff1.get(self.change_url(item_a)).content.decode()

        assert f'<a href="/items/{item_a.key}/attachments/{attachment.pk}/">a.png</a>' in body

    @pytest.mark.parametrize(("role", "deleted"), [("owner", True), ("agent", False)])
    def test_owner_deletes_row_and_files(
        self, tenant_a, item_a, user1, media_root, role, deleted, django_capture_on_commit_callbacks
    ):
        from tests.admin_forms import change_form_data

        [attachment] = attachments_add(
            tenant=tenant_a, item=item_a, uploaded_by=user1, files=[png_upload("a.png")]
        )
        client = make_client(HOST_A, MembershipFactory(tenant=tenant_a, role=role).user)
        page = client.get(self.change_url(item_a))
        data = change_form_data(page)
        data.update({"attachments-0-id": attachment.pk, "attachments-0-DELETE": "on"})

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(self.change_url(item_a), data)

        assert response.status_code == 302
        remaining = 0 if deleted else 1
        assert len(attachments_of(tenant_a)) == remaining
        assert len(stored_files(media_root)) == 2 * remaining

    def test_deleting_the_item_deletes_its_files(
        self, tenant_a, item_a, user1, media_root, django_capture_on_commit_callbacks
    ):
        attachments_add(tenant=tenant_a, item=item_a, uploaded_by=user1, files=[png_upload()])
        client = make_client(HOST_A, MembershipFactory(tenant=tenant_a, role="owner").user)

        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/admin/feedback/feedbackitem/{item_a.pk}/delete/", {"post": "yes"}
            )

        assert response.status_code == 302
        assert attachments_of(tenant_a) == []
        assert stored_files(media_root) == []
