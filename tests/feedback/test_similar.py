"""Similar items suggested while typing a title (feedback.similarity, /items/similar/)."""

import pytest

from feedback.models import FeedbackItem
from feedback.similarity import items_similar, overlap_score, stem, stems
from tests.conftest import HOST_A, make_client
from tests.factories import MembershipFactory, UserFactory, submit_item

SIMILAR = "/items/similar/"


def keys(suggestions):
    return [suggestion.key for suggestion in suggestions]


def set_fields(item, **fields):
    FeedbackItem.objects.for_tenant(item.tenant).filter(pk=item.pk).update(**fields)


class TestTextMatching:
    @pytest.mark.parametrize(
        ("word", "expected"),
        [
            ("login", "log"),
            ("logging", "log"),
            ("logged", "log"),
            ("logs", "log"),
            ("fails", "fail"),
            ("failed", "fail"),
            ("crashes", "crash"),
            ("queries", "query"),
            ("saving", "sav"),
            ("saves", "sav"),
            ("status", "status"),
            ("access", "access"),
            ("string", "string"),
            ("speed", "speed"),
            ("500", "500"),
        ],
    )
    def test_stem(self, word, expected):
        assert stem(word) == expected

    def test_case_accents_stop_words_and_stems_are_normalised(self):
        assert stems("Login fails on Safari") == {"log", "fail", "safari"}
        assert stems("cannot log in with SAFARI") == {"log", "safari"}
        assert stems("Café can\u2019t open") == {"caf", "open"}
        assert stems("% _ \\ ' \" 🐞 ") == frozenset()

    def test_overlap_score_is_the_dice_coefficient_of_the_stems(self):
        login, cannot_log_in = stems("Login fails on Safari"), stems("cannot log in with safari")

        assert overlap_score(login, cannot_log_in) == 0.8
        assert overlap_score(stems("Export invoices"), stems("Dark mode")) == 0.0
        assert overlap_score(frozenset(), stems("Dark mode")) == 0.0


@pytest.mark.django_db
class TestRanking:
    @pytest.fixture
    def items(self, tenant_a, user1):
        return {
            "login": submit_item(tenant_a, user1, title="Login fails on Safari", kind="bug"),
            "export": submit_item(tenant_a, user1, title="Export invoices as CSV"),
            "crash": submit_item(
                tenant_a, user1, title="Safari crashes on startup after logging in", kind="bug"
            ),
            "dark": submit_item(tenant_a, user1, title="Dark mode request"),
        }

    def test_obvious_match_ranks_first_with_exact_scores(self, tenant_a, user1, items):
        found = items_similar(tenant=tenant_a, viewer=user1, title="cannot log in with safari")

        assert [(s.key, s.score) for s in found] == [("AAA-1", 0.8), ("AAA-3", 0.667)]
        assert (found[0].title, found[0].status_label, found[0].vote_count) == (
            "Login fails on Safari",
            "New",
            1,
        )

    def test_equal_scores_prefer_the_same_kind_then_more_votes(self, tenant_a, user1, user2):
        idea = submit_item(tenant_a, user1, title="Invoices export", kind="idea")
        bug = submit_item(tenant_a, user1, title="Export invoices", kind="bug")
        popular_idea = submit_item(tenant_a, user1, title="Export of invoices", kind="idea")
        from feedback.services import vote_cast

        vote_cast(tenant=tenant_a, item=popular_idea, user=user2)

        as_bug = items_similar(tenant=tenant_a, viewer=user1, title="export invoice", kind="bug")
        as_idea = items_similar(tenant=tenant_a, viewer=user1, title="export invoice", kind="idea")

        assert keys(as_bug) == [bug.key, popular_idea.key, idea.key]
        assert keys(as_idea) == [popular_idea.key, idea.key, bug.key]

    def test_at_most_five_suggestions(self, tenant_a, user1):
        for number in range(7):
            submit_item(tenant_a, user1, title=f"Safari login problem {number}")

        found = items_similar(tenant=tenant_a, viewer=user1, title="safari login")

        assert keys(found) == ["AAA-7", "AAA-6", "AAA-5", "AAA-4", "AAA-3"]

    def test_a_title_without_meaningful_words_asks_nothing(
        self, tenant_a, user1, items, django_assert_num_queries
    ):
        with django_assert_num_queries(0):
            assert items_similar(tenant=tenant_a, viewer=user1, title="the and of %_") == []

    def test_percent_and_underscore_are_not_wildcards(self, tenant_a, user1, items):
        submit_item(tenant_a, user1, title="Discount shows 100% off")

        assert keys(items_similar(tenant=tenant_a, viewer=user1, title="100%")) == ["AAA-5"]
        assert keys(items_similar(tenant=tenant_a, viewer=user1, title="a_b c%d")) == []

    def test_accented_input_finds_the_accented_title(self, tenant_a, user1):
        submit_item(tenant_a, user1, title="Café opening hours are wrong")

        assert keys(items_similar(tenant=tenant_a, viewer=user1, title="café hours")) == ["AAA-1"]
        assert keys(items_similar(tenant=tenant_a, viewer=user1, title="cafe")) == ["AAA-1"]


@pytest.mark.django_db
class TestVisibility:
    @pytest.fixture
    def planted(self, tenant_a, tenant_b, user1, user2, user_b):
        public = submit_item(tenant_a, user1, title="Dark mode request")
        private_of_user2 = submit_item(tenant_a, user2, title="Dark mode private thoughts")
        set_fields(private_of_user2, is_public=False)
        merged = submit_item(tenant_a, user1, title="Dark mode please")
        set_fields(merged, status="duplicate", duplicate_of=public)
        submit_item(tenant_b, user_b, title="Dark mode in tenant B")
        return public, private_of_user2, merged

    def test_anonymous_sees_public_items_only(self, anon_a, planted):
        body = anon_a.get(SIMILAR, {"title": "dark mode"}).content.decode()

        assert "AAA-1" in body
        assert "private thoughts" not in body
        assert "AAA-3" not in body
        assert "tenant B" not in body

    def test_users_see_their_own_private_items_and_staff_see_all(
        self, tenant_a, user1, user2, staff1, planted
    ):
        def suggested_to(user, is_staff=False):
            return keys(
                items_similar(tenant=tenant_a, viewer=user, title="dark mode", is_staff=is_staff)
            )

        assert suggested_to(user1) == ["AAA-1"]
        # "Dark mode request" shares 2 of 3 stems, "Dark mode private thoughts" 2 of 4.
        assert suggested_to(user2) == ["AAA-1", "AAA-2"]
        assert suggested_to(staff1, is_staff=True) == ["AAA-1", "AAA-2"]

    def test_staff_get_private_items_through_the_endpoint(self, client_staff1, planted):
        body = client_staff1.get(SIMILAR, {"title": "dark mode"}).content.decode()

        assert "AAA-2" in body
        assert "AAA-3" not in body
        assert "tenant B" not in body

    def test_tenant_b_sees_only_its_own(self, tenant_b, planted):
        body = make_client("b.portal.test").get(SIMILAR, {"title": "dark mode"}).content.decode()

        assert "BBB-1" in body
        assert "AAA-" not in body


@pytest.mark.django_db
class TestEndpoint:
    def test_fragment_shows_key_title_status_votes_link_and_vote_hint(
        self, anon_a, tenant_a, user1
    ):
        submit_item(tenant_a, user1, title="Login fails on Safari", kind="bug")

        response = anon_a.get(SIMILAR, {"title": "cannot log in with safari", "kind": "bug"})

        body = response.content.decode()
        assert response.status_code == 200
        assert "<html" not in body
        assert "Already reported? Vote instead" in body
        link = '<a href="/items/AAA-1/"><span class="key">AAA-1</span> Login fails on Safari</a>'
        assert link in body
        assert '<span class="badge badge-status status-new">New</span>' in body
        assert "1 vote<" in body
        assert "no-cache" in response["Cache-Control"]

    def test_no_match_gives_an_empty_fragment(self, anon_a, tenant_a, user1):
        submit_item(tenant_a, user1, title="Login fails on Safari")

        response = anon_a.get(SIMILAR, {"title": "dark mode"})

        assert response.status_code == 200
        assert response.content.decode().strip() == ""

    @pytest.mark.parametrize(
        "title",
        [
            "drink\\",
            "'",
            '"',
            "John Doe <user@example.test>",
            "a & b | !c",
            "foo:*",
            "(",
            ")",
            "<->",
            "ABL1(E255K)",
            "   ",
            "",
            "x" * 1000,
            "login " * 200,
            "🐞",
            "café",
            "مرحبا",
            "C++",
            "%",
            "_",
            "\\%_'\"",
        ],
    )
    def test_any_input_gives_200(self, anon_a, tenant_a, user1, title):
        submit_item(tenant_a, user1, title="Login fails on Safari")

        response = anon_a.get(SIMILAR, {"title": title, "kind": title})

        assert response.status_code == 200
        assert "AAA-1" not in response.content.decode() or "login" in title

    def test_missing_parameters_give_200(self, anon_a):
        assert anon_a.get(SIMILAR).status_code == 200

    def test_nul_is_refused_by_the_middleware(self, anon_a):
        assert anon_a.get(SIMILAR, {"title": "login\x00"}).status_code == 400

    def test_post_is_not_allowed(self, client_user1):
        assert client_user1.post(SIMILAR, {"title": "login"}).status_code == 405

    @pytest.mark.parametrize("size", [10, 200])
    def test_query_count_is_constant(self, tenant_a, user1, size, django_assert_num_queries):
        FeedbackItem.objects.bulk_create(
            FeedbackItem(tenant=tenant_a, number=n, title=f"Safari login issue {n}", reporter=user1)
            for n in range(1, size + 1)
        )
        client = make_client(HOST_A, user1)

        # tenant (host), session, user, staff membership, candidates
        with django_assert_num_queries(5):
            response = client.get(SIMILAR, {"title": "login safari"})

        assert response.content.decode().count('class="similar-item"') == 5


@pytest.mark.django_db
class TestSubmitPage:
    def test_title_field_asks_for_suggestions_while_typing(self, client_user1):
        body = client_user1.get("/items/new/", {"kind": "bug"}).content.decode()

        assert f'hx-get="{SIMILAR}"' in body
        assert 'hx-trigger="input changed delay:300ms, search"' in body
        assert 'hx-target="#similar-items"' in body
        assert 'hx-include="[name=&#x27;kind&#x27;]"' in body
        assert (
            '<div id="similar-items" class="similar-items-slot" aria-live="polite"></div>' in body
        )

    def test_htmx_is_served_from_our_static_files_without_inline_code(self, client_user1):
        body = client_user1.get("/items/new/", {"kind": "bug"}).content.decode()

        assert '<script src="/static/portal/vendor/htmx.min.js" defer></script>' in body
        assert '"includeIndicatorStyles": false' in body
        assert body.count("<script") == 1
        assert "oninput" not in body

    def test_vendored_htmx_and_its_license_are_there(self, settings):
        vendor = settings.BASE_DIR / "static" / "portal" / "vendor"

        assert (vendor / "htmx.min.js").read_text().count('version:"2.') == 1
        assert "Zero-Clause BSD" in (vendor / "htmx.LICENSE").read_text()

    def test_submitting_still_works_without_javascript(self, client_user1, tenant_a):
        response = client_user1.post(
            "/items/new/", {"kind": "idea", "title": "Dark mode for the dashboard"}
        )

        assert response.status_code == 302
        assert FeedbackItem.objects.for_tenant(tenant_a).get().title == (
            "Dark mode for the dashboard"
        )


@pytest.mark.django_db
def test_staff_membership_is_looked_up_in_the_hosts_tenant(tenant_a, tenant_b, user_b):
    """Staff of B on A's host are anonymous there (TenantUserMiddleware): public items only."""
    staff_of_b = MembershipFactory(tenant=tenant_b, user=UserFactory(tenant=tenant_b)).user
    owner = UserFactory(tenant=tenant_a)
    item = submit_item(tenant_a, owner, title="Dark mode secret")
    set_fields(item, is_public=False)

    body = make_client(HOST_A, staff_of_b).get(SIMILAR, {"title": "dark"}).content.decode()

    assert "AAA-1" not in body
