"""User journeys in a real Chromium, at desktop and phone size (see conftest.py).

Run with `.venv/bin/python -m pytest -m browser -p no:xdist`; screenshots land in
test-artifacts/screenshots/.
"""

from __future__ import annotations

import re

import pytest
from PIL import Image

from feedback.models import FeedbackItem, Tag
from tests.browser.conftest import no_horizontal_scroll
from tests.factories import MembershipFactory, UserFactory, submit_item

pytestmark = pytest.mark.browser


def vote_count(item: FeedbackItem) -> int:
    item.refresh_from_db()
    return item.vote_count


def vote_label(key: str, count: int, withdraw: bool = False) -> str:
    verb = "Withdraw your vote for" if withdraw else "Vote for"
    return f"{verb} {key} ({count} vote{'' if count == 1 else 's'})"


def dangling_describedby(page) -> list[str]:
    """aria-describedby ids that name no element: help a screen reader never reads."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[aria-describedby]')].flatMap(
            el => el.getAttribute('aria-describedby').split(/\\s+/)
                .filter(id => id && !document.getElementById(id)))"""
    )


def css_loaded(page) -> bool:
    return page.evaluate(
        """() => [...document.styleSheets].some(
            s => (s.href || '').includes('portal.css') && s.cssRules.length > 10)"""
    )


@pytest.fixture
def user1(tenant_a):
    return UserFactory(tenant=tenant_a, email="user1@a.test", display_name="User One")


@pytest.fixture
def user2(tenant_a):
    return UserFactory(tenant=tenant_a, email="user2@a.test", display_name="User Two")


def test_signup_and_report_a_bug_with_a_screenshot(open_tab, tenant_a, tmp_path):
    screenshot = tmp_path / "broken-checkout.png"
    Image.new("RGB", (120, 80), (30, 120, 200)).save(screenshot)
    tab = open_tab(tenant_a)
    page = tab.page

    tab.goto("/")
    assert css_loaded(page), "portal.css did not load"
    tab.shot("list-anonymous")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Email").fill("visitor@a.test")
    page.get_by_label("Display name").fill("Vera Visitor")
    page.get_by_label("Password").fill("a-long-enough-passphrase-42")
    assert dangling_describedby(page) == []
    tab.shot("signup-filled")
    with page.expect_navigation():
        page.get_by_role("button", name="Create account").click()
    assert page.get_by_text("Welcome to Tenant A! You are signed in.").is_visible()
    tab.shot("signed-in")

    page.get_by_role("link", name="Give feedback").click()
    tab.shot("kind-chooser")
    page.get_by_role("link", name=re.compile("Something is broken")).click()
    with page.expect_navigation():  # empty: every required field says what is missing
        page.get_by_role("button", name="Submit feedback").click()
    for required in ("Title", "Steps to reproduce", "What happened instead?"):
        assert page.get_by_label(required).get_attribute("aria-invalid") == "true", required
    assert dangling_describedby(page) == []
    tab.shot("bug-form-errors")
    page.get_by_label("Title").fill("Checkout button does nothing on the cart page")
    page.get_by_label("Steps to reproduce").fill("1. Add a shoe\n2. Open the cart\n3. Tap Pay")
    page.get_by_label("What happened instead?").fill("Nothing happens; no error is shown.")
    page.get_by_label("Attachments").set_input_files(str(screenshot))
    assert dangling_describedby(page) == []
    tab.shot("bug-form-filled")
    with page.expect_navigation():
        page.get_by_role("button", name="Submit feedback").click()

    item = FeedbackItem.objects.for_tenant(tenant_a).get()
    key = f"AAA-{item.number}"
    assert re.fullmatch(r"/items/AAA-\d+/", page.url.split(tab.base_url, 1)[1])
    confirmation = page.locator(".messages")
    assert key in confirmation.inner_text()
    assert page.get_by_role("heading", level=1).inner_text() == item.title
    thumbnail = page.locator(".attachment-list img")
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    assert thumbnail.get_attribute("alt") == "broken-checkout.png"
    tab.shot("item-confirmation")
    assert tab.dialogs == []


def test_vote_twice_from_a_stale_list_then_withdraw(open_tab, tenant_a, user1, user2):
    submit_item(tenant_a, user1, title="Dark mode for the dashboard")
    idea = submit_item(tenant_a, user2, title="Export invoices as CSV")
    tab = open_tab(tenant_a)
    page = tab.page
    tab.login("user1@a.test")
    before = vote_count(idea)  # the reporter's own vote

    # A second tab keeps the list as it was before the vote.
    stale = page.context.new_page()
    stale.goto(tab.url("/"))

    tab.goto(f"/items/{idea.key}/")
    tab.shot("item-before-vote")
    with page.expect_navigation():
        page.get_by_role("button", name=vote_label(idea.key, before)).click()
    assert vote_count(idea) == before + 1
    assert page.locator(".item-detail-head .vote-count").inner_text() == str(before + 1)
    assert page.locator(".item-detail-head .vote").get_attribute("aria-pressed") == "true"
    tab.shot("item-voted")

    with stale.expect_navigation():
        stale.get_by_role("button", name=vote_label(idea.key, before)).click()
    assert vote_count(idea) == before + 1, "a second vote from the stale list was counted"
    assert f"You had already voted for {idea.key}." in stale.locator(".messages").inner_text()
    row = stale.locator(f"li#{idea.key}")
    assert row.locator(".vote-count").inner_text() == str(before + 1)
    tab.page = stale
    tab.shot("list-voted-again")

    with stale.expect_navigation():
        row.get_by_role("button", name=vote_label(idea.key, before + 1, withdraw=True)).click()
    assert vote_count(idea) == before
    assert stale.locator(f"li#{idea.key} .vote-count").inner_text() == str(before)
    assert f"Your vote for {idea.key} is withdrawn." in stale.locator(".messages").inner_text()
    tab.shot("list-withdrawn")


def test_comment_with_markdown(open_tab, tenant_a, user1, user2):
    idea = submit_item(tenant_a, user2, title="Export invoices as CSV")
    tab = open_tab(tenant_a)
    page = tab.page
    tab.login("user1@a.test", next_path=f"/items/{idea.key}/")
    body = "We need this **every month**.\n\n<script>document.title='XSS-c'</script> stays text."
    page.get_by_role("textbox", name="Comment").fill(body)
    tab.shot("comment-filled")
    with page.expect_navigation():
        page.get_by_role("button", name="Post comment").click()

    comment = page.locator(".comment").last
    comment.scroll_into_view_if_needed()
    rendered = comment.locator(".comment-body")
    assert rendered.locator("strong").inner_text() == "every month"
    assert rendered.locator("script").count() == 0
    assert "<script>document.title='XSS-c'</script> stays text." in rendered.inner_text()
    assert comment.locator(".comment-author").inner_text() == "User One"
    assert not page.title().startswith("XSS")
    tab.shot("comment-posted")
    assert tab.dialogs == []


def test_keyboard_only_skip_link_and_vote(open_tab, tenant_a, user1, user2):
    idea = submit_item(tenant_a, user2, title="Export invoices as CSV")
    tab = open_tab(tenant_a)
    page = tab.page
    tab.login("user1@a.test")
    tab.goto("/")

    active = "() => document.activeElement"
    page.keyboard.press("Tab")
    assert page.evaluate(f"({active})().textContent.trim()") == "Skip to content"
    assert page.locator(".skip-link").is_visible(), "the focused skip link is not visible"
    tab.shot("skip-link-focused")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'main'")

    before = vote_count(idea)
    target = vote_label(idea.key, before)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(f"({active})().getAttribute('aria-label')") == target:
            break
    else:
        pytest.fail(f"Tab from main never reached the button '{target}'")
    tab.shot("vote-button-focused")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert vote_count(idea) == before + 1
    button = page.locator(f"li#{idea.key} .vote")
    assert button.get_attribute("aria-pressed") == "true"
    tab.shot("voted-with-keyboard")


XSS_TITLE = """<img src=x onerror="document.title='XSS-4'">"""
XSS_NAME = "</script><script>document.title='XSS-4b'</script>"
XSS_TAG = """"><svg onload="document.title='XSS-4c'">"""


def test_bc04_markup_in_title_name_and_tag_stays_text(open_tab, tenant_a):
    """BC-04 in the browser. The CSP alone would block these inline handlers, so the
    context bypasses it: what is checked here is the escaping, not the second fence."""
    author = UserFactory(tenant=tenant_a, email="user1@a.test", display_name=XSS_NAME)
    staff = MembershipFactory(
        tenant=tenant_a, user=UserFactory(tenant=tenant_a, email="staff1@a.test")
    ).user
    item = submit_item(tenant_a, author, title=XSS_TITLE)
    tag = Tag.objects.create(tenant=tenant_a, name=XSS_TAG, slug="xss-tag")
    item.tags.add(tag)

    def assert_inert(tab, label: str, literal: str | None = None) -> None:
        page = tab.page
        page.wait_for_load_state("load")
        tab.shot(label)
        assert not page.title().startswith("XSS-4"), (label, page.title())
        handlers = page.evaluate(
            "() => document.querySelectorAll('[onerror], [onload], img[src=\"x\"]').length"
        )
        assert handlers == 0, f"{label}: markup from user data became elements"
        if literal is not None:
            assert literal in page.locator("body").inner_text(), label
        assert tab.dialogs == [], (label, tab.dialogs)

    visitor = open_tab(tenant_a, "visitor", bypass_csp=True)
    visitor.goto("/?sort=top")
    assert_inert(visitor, "list-top", XSS_TITLE)
    assert XSS_NAME in visitor.page.locator("body").inner_text()
    assert "#" + XSS_TAG in visitor.page.locator("body").inner_text()
    visitor.goto("/?sort=new")
    assert_inert(visitor, "list-new", XSS_TITLE)
    visitor.goto("/?q=img")
    assert_inert(visitor, "search-img", XSS_TITLE)
    visitor.goto(f"/items/{item.key}/")
    assert_inert(visitor, "item", XSS_TITLE)

    admin = open_tab(tenant_a, "staff", bypass_csp=True)
    admin.login(staff.email, next_path="/admin/")
    admin.goto("/admin/feedback/feedbackitem/")
    assert_inert(admin, "admin-changelist", XSS_TITLE)
    admin.goto(f"/admin/feedback/feedbackitem/{item.pk}/change/")
    assert_inert(admin, "admin-change-form")
    assert admin.page.locator("#id_title").input_value() == XSS_TITLE
    admin.goto("/admin/feedback/tag/")
    assert_inert(admin, "admin-tags", XSS_TAG)
    # The portal pages a signed-in staff member sees (vote buttons, staff box).
    admin.goto(f"/items/{item.key}/")
    assert_inert(admin, "item-as-staff", XSS_TITLE)


LONG_URL = "https://status.example.com/incidents/2026-12-03/checkout-" + "x" * 60


def test_phone_layout_has_no_horizontal_scroll(open_tab, tenant_a, user1, user2):
    items = [
        submit_item(
            tenant_a,
            user2,
            title="Invoice export breaks for accounts with over 10000 line items per month",
            kind="bug",
            description=f"See {LONG_URL} for details.",
            steps_to_reproduce=f"1. Open {LONG_URL}\n2. Export",
            actual_result="A blank page.",
        ),
        submit_item(tenant_a, user1, title="Dark mode for the dashboard and the mobile app"),
        submit_item(tenant_a, user1, title="Faster search in the order history"),
    ]
    # Tag names go up to 40 characters; the tag filter must still fit a phone.
    tag = Tag.objects.create(
        tenant=tenant_a, name="Warehouse Management (WMS) Integration", slug="invoicing"
    )
    items[0].tags.add(tag)
    FeedbackItem.objects.for_tenant(tenant_a).filter(pk=items[1].pk).update(
        status=FeedbackItem.Status.PLANNED
    )
    FeedbackItem.objects.for_tenant(tenant_a).filter(pk=items[2].pk).update(
        status=FeedbackItem.Status.IN_PROGRESS
    )

    tab = open_tab(tenant_a)
    tab.login("user1@a.test")
    pages = {
        "list": "/",
        "item": f"/items/{items[0].key}/",
        "submit": "/items/new/",
        "submit-bug": "/items/new/?kind=bug",
        "roadmap": "/roadmap/",
    }
    overflowing = {}
    for label, path in pages.items():
        tab.goto(path)
        assert css_loaded(tab.page), label
        tab.shot(label)
        fits, sizes = no_horizontal_scroll(tab.page)
        if not fits:
            overflowing[label] = sizes
    assert overflowing == {}
