"""portal.markdown: Markdown to sanitized HTML, for comments and (later) the knowledge base."""

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from portal.markdown import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    LINK_REL,
    render_markdown,
    sanitize_html,
)

# Payloads from the OWASP XSS filter evasion cheat sheet, html5sec.org and the bug reports
# behind BC-04/BC-06, as they would be typed into a comment box.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.test/xss.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=\"document.title='XSS-4'\">",
    "<IMG SRC=\"jav&#x09;ascript:alert('XSS');\">",
    "<svg onload=alert(1)>",
    '"><svg onload="document.title=\'XSS-4c\'">',
    "</script><script>document.title='XSS-4b'</script>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<a href=javascript:alert(1)>x</a>",
    '<a href="jAvAsCrIpT:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    "<a href=vbscript:msgbox(1)>x</a>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="https://ok.test" onclick="alert(1)">x</a>',
    '<a href="https://ok.test" target="_blank">x</a>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<!--<img src=x onerror=alert(1)>-->",
    "<base href=https://evil.test/>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<link rel=stylesheet href=https://evil.test/x.css>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](%6Aavascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[click](file:///etc/passwd)",
    '[click](https://ok.test "title" onmouseover="alert(1)")',
    '[click](https://ok.test" onmouseover="alert(1))',
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](https://ok.test/a.png)',
    "![x](https://evil.test/pixel.gif)",
    "<javascript:alert(1)>",
    "[a]: javascript:alert(1)\n\n[x][a]",
    "```\n<script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
    "> <script>alert(1)</script>",
    "| a |\n|---|\n| <img src=x onerror=alert(1)> |",
    "**<script>alert(1)</script>**",
    "\x00<script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
]


class Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements_of(html):
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector.elements


def assert_safe(html):
    for tag, attributes in elements_of(html):
        assert tag in ALLOWED_TAGS, tag
        for name, value in attributes.items():
            allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel"} if tag == "a" else set())
            assert name in allowed, (tag, name)
            if name == "href":
                assert urlsplit(value).scheme in ALLOWED_URL_SCHEMES, value
            if name == "rel":
                assert value == LINK_REL


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_rendered_payload_keeps_only_allowed_tags_attributes_and_schemes(payload):
    html = render_markdown(payload)

    assert_safe(html)
    assert sanitize_html(html) == html  # nothing left for a second pass to remove


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_sanitizer_alone_neutralises_raw_html(payload):
    # The second layer on its own, as if the Markdown step let raw HTML through.
    assert_safe(sanitize_html(payload))


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("**bold** and *italic*", "<p><strong>bold</strong> and <em>italic</em></p>\n"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"),
        ("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n"),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"),
        (
            "[docs](https://docs.example.com/a?b=1&c=2)",
            '<p><a href="https://docs.example.com/a?b=1&amp;c=2" '
            'rel="nofollow noopener noreferrer">docs</a></p>\n',
        ),
        (
            "[mail us](mailto:help@example.com)",
            '<p><a href="mailto:help@example.com" rel="nofollow noopener noreferrer">'
            "mail us</a></p>\n",
        ),
        ("[admin](/admin/)", '<p><a rel="nofollow noopener noreferrer">admin</a></p>\n'),
        (
            "[ftp](ftp://files.example.com)",
            '<p><a rel="nofollow noopener noreferrer">ftp</a></p>\n',
        ),
        (
            "![screenshot](https://example.com/s.png)",
            '<p><a href="https://example.com/s.png" rel="nofollow noopener noreferrer">'
            "screenshot</a></p>\n",
        ),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"),
        ("3. three\n4. four", '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>\n'),
        ("```\nx < 1\n```", "<pre><code>x &lt; 1\n</code></pre>\n"),
        ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>\n"),
        ("~~gone~~", "<p><s>gone</s></p>\n"),
        ("", ""),
    ],
)
def test_render_markdown_exact_output(markdown, html):
    assert render_markdown(markdown) == html
