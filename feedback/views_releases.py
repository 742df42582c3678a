"""Public release notes: list, page and Atom feed."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from feedback.models import ReleaseNote
from feedback.releases import published_release_notes, release_note_get
from tenants.roles import membership_for

FEED_SIZE = 20


def release_list_view(request: HttpRequest) -> HttpResponse:
    notes = published_release_notes(tenant=request.tenant)
    page = Paginator(notes, settings.FEEDBACK_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "feedback/release_list.html", {"page": page})


def release_detail_view(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        note = release_note_get(
            tenant=request.tenant,
            slug=slug,
            viewer=request.user,
            is_staff=membership_for(request) is not None,
        )
    except ReleaseNote.DoesNotExist as error:
        raise Http404("No such release note.") from error
    return render(request, "feedback/release_detail.html", {"note": note})


class ReleaseNotesFeed(Feed):
    """Atom feed of the host tenant's published release notes."""

    feed_type = Atom1Feed

    def __call__(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self) -> str:
        return f"{self.request.tenant.name}: release notes"

    def link(self) -> str:
        return reverse("release-list")

    def subtitle(self) -> str:
        return f"What {self.request.tenant.name} shipped, and the feedback it answers."

    def items(self) -> list[ReleaseNote]:
        return list(published_release_notes(tenant=self.request.tenant)[:FEED_SIZE])

    def item_title(self, item: ReleaseNote) -> str:
        return item.title

    def item_description(self, item: ReleaseNote) -> str:
        return item.body_html  # sanitized when saved (portal.markdown)

    def item_link(self, item: ReleaseNote) -> str:
        return reverse("release-detail", kwargs={"slug": item.slug})

    def item_pubdate(self, item: ReleaseNote):
        return item.published_at

    def item_updateddate(self, item: ReleaseNote):
        return item.published_at
