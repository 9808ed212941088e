"""Forum Markdown: each rendering rule, an XSS corpus checked on the parsed output, and
the plain-text helpers. No database."""

from __future__ import annotations

import random
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from forum.markdown import (
    LINK_REL,
    MAX_LENGTH,
    PostTooLong,
    excerpt,
    mentions,
    render,
    sanitize,
)
from forum.services import render_body

# What the output may contain at most: the module's allowlist, restated here so that
# widening it is a visible change to the tests too.
EXPECTED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title", "class", "rel"},
    "blockquote": set(),
    "br": set(),
    "code": {"class"},
    "del": set(),
    "em": set(),
    "h3": set(),
    "h4": set(),
    "h5": set(),
    "h6": set(),
    "hr": set(),
    "img": {"src", "alt", "loading"},
    "li": set(),
    "ol": {"start"},
    "p": set(),
    "pre": set(),
    "strong": set(),
    "table": set(),
    "tbody": set(),
    "td": {"align"},
    "th": {"align"},
    "thead": set(),
    "tr": set(),
    "ul": set(),
}
FORBIDDEN_TAGS = {"script", "style", "iframe", "object", "embed", "svg", "math", "form"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "background"}
SAFE_SCHEMES = {"http", "https", "mailto"}
# Characters a browser drops or ignores while reading a URL's scheme.
URL_NOISE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]")
SCHEME = re.compile(r"([a-z][a-z0-9+.\-]*):")


class TagCollector(HTMLParser):
    """Every start tag with its attributes, values unescaped (as a browser sees them)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def parse(html: str) -> list[tuple[str, dict[str, str]]]:
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    return [(tag, {name: value or "" for name, value in attrs}) for tag, attrs in collector.tags]


def url_scheme(value: str) -> str | None:
    match = SCHEME.match(URL_NOISE.sub("", value).lower())
    return match.group(1) if match else None


def assert_safe(html: str) -> None:
    for tag, attrs in parse(html):
        assert tag not in FORBIDDEN_TAGS, html
        assert tag in EXPECTED_ATTRIBUTES, f"unexpected <{tag}> in {html!r}"
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            assert name not in {"style", "srcset"}, html
            assert name in EXPECTED_ATTRIBUTES[tag], f"unexpected {tag}[{name}] in {html!r}"
            if name in URL_ATTRIBUTES:
                scheme = url_scheme(value)
                assert scheme is None or scheme in SAFE_SCHEMES, f"{name}={value!r} in {html!r}"


def tags_of(html: str, name: str) -> list[dict[str, str]]:
    return [attrs for tag, attrs in parse(html) if tag == name]


def profile_url(handle: str) -> str | None:
    return None if handle == "inconnu" else f"/reseau/{handle}/"


# --- raw HTML ---------------------------------------------------------------------------


def test_raw_html_is_text() -> None:
    html = render('Hello <b class="x">bold</b> <script>alert(1)</script>')
    assert '&lt;b class="x"&gt;bold&lt;/b&gt;' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert tags_of(html, "b") == []


def test_raw_html_block_is_text() -> None:
    html = render("<div>\n<iframe src='https://example.org'></iframe>\n</div>")
    assert "&lt;iframe" in html
    assert [tag for tag, _ in parse(html)] == ["p", "br", "br"]


# --- headings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("# Un", "<h3>Un</h3>"),
        ("## Deux", "<h4>Deux</h4>"),
        ("### Trois", "<h5>Trois</h5>"),
        ("#### Quatre", "<h6>Quatre</h6>"),
        ("##### Cinq", "<h6>Cinq</h6>"),
        ("###### Six", "<h6>Six</h6>"),
        ("Setext\n======", "<h3>Setext</h3>"),
        ("Setext\n------", "<h4>Setext</h4>"),
    ],
)
def test_headings_move_down_two_levels(source: str, expected: str) -> None:
    html = render(source)
    assert html.strip() == expected
    assert "<h1" not in html
    assert "<h2" not in html


# --- code -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("info", "expected_class"),
    [
        ("python", "language-python"),
        ("Python", "language-python"),
        ("c++", "language-c++"),
        ("c#", "language-c#"),
        ("objective-c", "language-objective-c"),
        ("js title=app.js", "language-js"),
        ("a" * 20, "language-" + "a" * 20),
        ("a" * 21, None),
        ('py"onmouseover=alert(1)', None),
        ('"onmouseover="alert(1)', None),
        ("language-x", "language-language-x"),
        ("py<script>", None),
        ("sh;rm", None),
        ("", None),
        ("   ", None),
        ("\u00a0", None),
        (" \t py", "language-py"),
    ],
)
def test_fence_language_class(info: str, expected_class: str | None) -> None:
    html = render(f"```{info}\nlpstat -p\n```")
    [code] = tags_of(html, "code")
    assert code.get("class") == expected_class
    assert "lpstat -p\n</code></pre>" in html


def test_code_content_is_escaped_and_untouched() -> None:
    html = render(
        "```html\n<script>alert('@marie')</script> **bold**\n```", mention_url=profile_url
    )
    assert "&lt;script&gt;alert('@marie')&lt;/script&gt; **bold**" in html
    assert tags_of(html, "a") == []
    assert tags_of(html, "strong") == []


def test_indented_code_block() -> None:
    html = render("Voir :\n\n    sudo lpadmin -x hp\n")
    assert "<pre><code>sudo lpadmin -x hp\n</code></pre>" in html


def test_inline_code() -> None:
    assert render("Tapez `lpstat -p <nom>` puis *Entrée*").strip() == (
        "<p>Tapez <code>lpstat -p &lt;nom&gt;</code> puis <em>Entrée</em></p>"
    )


# --- links ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://doc.ubuntu-fr.org/imprimante",
        "http://example.org/a?b=c#d",
        "mailto:contact@example.org",
        "/forum/sujet/12/",
        "../autre/",
        "page.html",
        "#reponse-3",
        "?page=2",
        "HTTPS://EXAMPLE.ORG/",
    ],
)
def test_allowed_links(url: str) -> None:
    html = render(f"[la doc]({url})")
    [link] = tags_of(html, "a")
    assert link["href"] == url
    assert link["rel"] == LINK_REL == "nofollow ugc noopener noreferrer"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.org/pilote.tar.gz",
        "tel:+33123456789",
        "data:text/html,hello",
        "file:///etc/passwd",
        "vbscript:msgbox(1)",
        "skype:marie",
    ],
)
def test_other_schemes_stay_text(url: str) -> None:
    html = render(f"[la doc]({url})")
    assert tags_of(html, "a") == []
    assert "[la doc](" in html


def test_link_title_and_autolinks() -> None:
    html = render('[doc](https://example.org "Documentation") <https://example.org/x> <a@b.fr>')
    links = tags_of(html, "a")
    assert links[0] == {
        "href": "https://example.org",
        "title": "Documentation",
        "rel": LINK_REL,
    }
    assert links[1]["href"] == "https://example.org/x"
    assert links[2]["href"] == "mailto:a@b.fr"
    assert all(link["rel"] == LINK_REL for link in links)


def test_reference_links() -> None:
    html = render("Voir [la doc][doc].\n\n[doc]: https://example.org/doc 'Doc'")
    assert tags_of(html, "a") == [
        {"href": "https://example.org/doc", "title": "Doc", "rel": LINK_REL}
    ]


# --- images -----------------------------------------------------------------------------


def test_local_image_is_rendered_lazily() -> None:
    html = render("![Capture de l'erreur](/media/forum/capture.png)")
    assert html.strip() == (
        '<p><img src="/media/forum/capture.png" alt="Capture de l\'erreur" loading="lazy"></p>'
    )


@pytest.mark.parametrize(
    "src",
    [
        "https://tracker.example/pixel.png",
        "//tracker.example/pixel.png",
        "http://example.org/a.png",
        "relative/a.png",
    ],
)
def test_other_images_become_links(src: str) -> None:
    html = render(f"![Capture]({src})")
    assert tags_of(html, "img") == []
    assert tags_of(html, "a") == [{"href": src, "rel": LINK_REL}]
    assert ">Capture</a>" in html


def test_refused_image_without_alt_shows_its_url() -> None:
    html = render("![](https://example.org/a.png)")
    assert '<a href="https://example.org/a.png" rel="' in html
    assert ">https://example.org/a.png</a>" in html


def test_image_url_allowed_callback() -> None:
    seen: list[str] = []

    def allowed(src: str) -> bool:
        seen.append(src)
        return src.startswith("https://media.maillage.example/")

    html = render(
        "![a](https://media.maillage.example/a.png) ![b](https://other.example/b.png)",
        image_url_allowed=allowed,
    )
    assert tags_of(html, "img") == [
        {"src": "https://media.maillage.example/a.png", "alt": "a", "loading": "lazy"}
    ]
    assert tags_of(html, "a") == [{"href": "https://other.example/b.png", "rel": LINK_REL}]
    assert seen == ["https://media.maillage.example/a.png", "https://other.example/b.png"]


def test_permissive_callback_cannot_allow_unsafe_images() -> None:
    html = render(
        "![x](javascript:alert(1)) ![y](data:image/png;base64,iVBORw0KGgo=)",
        image_url_allowed=lambda src: True,
    )
    assert tags_of(html, "img") == []
    assert tags_of(html, "a") == []


def test_refused_image_inside_link_is_not_a_nested_link() -> None:
    html = render("[![Logo](https://example.org/logo.png)](https://example.org)")
    assert tags_of(html, "a") == [{"href": "https://example.org", "rel": LINK_REL}]
    assert ">Logo</a>" in html


def test_image_alt_text_is_plain() -> None:
    html = render("![**gras** et `code` @marie](/a.png)", mention_url=profile_url)
    assert tags_of(html, "img") == [
        {"src": "/a.png", "alt": "gras et code @marie", "loading": "lazy"}
    ]


# Image paths that leave where they seem to point once a browser (or the server) reads
# them: dot segments written plainly or percent-encoded, backslashes, doubled or encoded
# slashes, control characters, other hosts. No rule may turn them into an <img>.
IMAGE_PATH_ESCAPES = [
    "/espace/forum/pieces-jointes/../../../api/lieux.csv",
    "/espace/forum/pieces-jointes/1/../../../api/lieux.csv",
    "/espace/forum/pieces-jointes/%2e%2e/%2e%2e/%2e%2e/api/lieux.csv",
    "/espace/forum/pieces-jointes/%2E%2E/%2E%2E/api/lieux.csv",
    "/espace/forum/pieces-jointes/.%2e/.%2E/api/lieux.csv",
    "/espace/forum/pieces-jointes/1/%2e%2e%2f%2e%2e%2f%2e%2e%2fapi%2flieux.csv",
    "/espace/forum/pieces-jointes/1/a.png/..",
    "/espace/forum/pieces-jointes/./1/a.png",
    "/espace/forum/pieces-jointes/1/..%5c..%5c..%5capi%5clieux.csv",
    "/espace/forum/pieces-jointes/1/..\\api\\lieux.csv",
    "/espace/forum/pieces-jointes//evil.example/a.png",
    "/%2Fevil.example/espace/forum/pieces-jointes/1/a.png",
    "/%5Cevil.example/espace/forum/pieces-jointes/1/a.png",
    "/espace/forum/pieces-jointes/1/a%00.png",
    "/espace/forum/pieces-jointes/1/a%0a.png",
    "//evil.example/espace/forum/pieces-jointes/1/a.png",
    "https://evil.example/espace/forum/pieces-jointes/1/a.png",
    "http://127.0.0.1:8000/espace/forum/pieces-jointes/1/a.png",
]
# Clean site paths that are not one of the forum's attachments.
NOT_ATTACHMENTS = [
    "/api/lieux.csv",
    "/media/forum/capture.png",
    "/espace/forum/pieces-jointes/1/",
    "/espace/forum/pieces-jointes/x/a.png",
    "/espace/forum/pieces-jointes/1/a.png/b.png",
    # Decoded once (as the server does), this is a segment named "%2e%2e", not "..".
    "/espace/forum/pieces-jointes/%252e%252e/api/lieux.csv",
    "/espace/forum/pieces-jointes/1/a.png?next=/api/lieux.csv",
    "/espace/forum/pieces-jointes/1/a.png#x",
    "/espace/forum/sujets/1/",
]


@pytest.mark.parametrize("src", IMAGE_PATH_ESCAPES)
def test_image_paths_that_escape_are_never_images(src: str) -> None:
    for html in (render(f"![x]({src})"), render_body(f"![x]({src})")):
        assert tags_of(html, "img") == [], html
        assert_safe(html)


@pytest.mark.parametrize("src", NOT_ATTACHMENTS)
def test_forum_images_come_only_from_its_attachments(src: str) -> None:
    html = render_body(f"![x]({src})")
    assert tags_of(html, "img") == [], html
    assert tags_of(html, "a") == [{"href": src, "rel": LINK_REL}]


@pytest.mark.parametrize("name", ["capture.png", "capture écran (2).PNG", "a..b.png"])
def test_forum_attachment_images_are_shown(name: str) -> None:
    url = reverse("forum:attachment", kwargs={"pk": 12, "name": name})
    html = render_body(f"![Capture]({url})")
    assert tags_of(html, "img") == [{"src": url, "alt": "Capture", "loading": "lazy"}]


# --- mentions ---------------------------------------------------------------------------


def test_mention_becomes_link() -> None:
    html = render("Merci @marie.dupont !", mention_url=profile_url)
    assert html.strip() == (
        '<p>Merci <a class="mention" href="/reseau/marie.dupont/" rel="nofollow ugc noopener'
        ' noreferrer">@marie.dupont</a> !</p>'
    )


def test_unknown_mention_stays_text() -> None:
    html = render("Merci @inconnu", mention_url=profile_url)
    assert html.strip() == "<p>Merci @inconnu</p>"


def test_mentions_without_callback_stay_text() -> None:
    assert render("Merci @marie").strip() == "<p>Merci @marie</p>"


@pytest.mark.parametrize(
    ("source", "handles"),
    [
        ("@marie", ["marie"]),
        ("@marie, @jean-paul et @j_b.", ["marie", "jean-paul", "j_b"]),
        ("(@marie) «@jean»", ["marie", "jean"]),
        ("**@marie** _@jean_", ["marie", "jean"]),
        ("> @marie\n\n- @jean\n\n# @paul", ["marie", "jean", "paul"]),
        ("| a |\n|---|\n| @marie |", ["marie"]),
        ("@marie's printer", ["marie"]),
        ("@marie... vraiment", ["marie"]),
        ("@42", ["42"]),
        ("@marie\\_dupont", ["marie_dupont"]),
        ("[lien](/x) @marie", ["marie"]),
        ("@" + "a" * 50, ["a" * 50]),
        # Not mentions:
        ("marie@example.org", []),
        ("contact: marie.dupont@example.org", []),
        ("<marie@example.org>", []),
        ("@marie@instance.social", []),
        ("`@marie`", []),
        ("```\n@marie\n```", []),
        ("    @marie indented code", []),
        ("[@marie](https://example.org)", []),
        ("[voir @marie](/x)", []),
        ("![@marie](/a.png)", []),
        ("https://mastodon.example/@marie", []),
        ("@a", []),
        ("@" + "a" * 51, []),
        ("@Marie", []),
        ("@.marie", []),
        ("@-marie", []),
        ("@ marie", []),
        ("@", []),
        ("\\@marie", []),
        ("&#64;marie", []),
    ],
)
def test_mention_rules(source: str, handles: list[str]) -> None:
    assert mentions(source) == handles
    html = render(source, mention_url=profile_url)
    assert [a["href"] for a in tags_of(html, "a") if a.get("class") == "mention"] == [
        f"/reseau/{handle}/" for handle in handles
    ]


def test_mentions_in_order_and_unique() -> None:
    text = "@jean merci, et @marie ; @jean encore. `@paul`"
    assert mentions(text) == ["jean", "marie"]


def test_mention_url_called_once_per_handle() -> None:
    calls: list[str] = []

    def url(handle: str) -> str:
        calls.append(handle)
        return f"/u/{handle}/"

    html = render("@marie @jean @marie\n\n> @marie", mention_url=url)
    assert calls == ["marie", "jean"]
    assert html.count('class="mention"') == 4


def test_unsafe_mention_url_loses_its_href() -> None:
    html = render("@marie", mention_url=lambda handle: "javascript:alert(1)")
    assert_safe(html)
    assert tags_of(html, "a") == [{"class": "mention", "rel": LINK_REL}]


# --- blocks and inline markup -----------------------------------------------------------


def test_blockquote_and_nesting() -> None:
    html = render("> Citation\n>> imbriquée")
    assert [tag for tag, _ in parse(html)] == ["blockquote", "p", "blockquote", "p"]


def test_lists() -> None:
    html = render("- un\n- deux\n\n3. trois\n4. quatre")
    assert [tag for tag, _ in parse(html)] == ["ul", "li", "li", "ol", "li", "li"]
    assert tags_of(html, "ol") == [{"start": "3"}]


def test_table_alignment_without_style() -> None:
    html = render("| Modèle | Pilote | OK |\n|:--|:-:|--:|\n| HP | hplip | oui |")
    assert tags_of(html, "th") == [{"align": "left"}, {"align": "center"}, {"align": "right"}]
    assert tags_of(html, "td") == [{"align": "left"}, {"align": "center"}, {"align": "right"}]
    assert "style" not in html
    assert {"table", "thead", "tbody", "tr"} <= {tag for tag, _ in parse(html)}


def test_emphasis_strikethrough_rule_and_breaks() -> None:
    html = render("*em* **strong** ~~barré~~\nligne 2\n\n---")
    assert html.strip() == (
        "<p><em>em</em> <strong>strong</strong> <del>barré</del><br>\nligne 2</p>\n<hr>"
    )


# --- size limit -------------------------------------------------------------------------


def test_max_length_is_accepted() -> None:
    assert render("a" * MAX_LENGTH).startswith("<p>aaa")


@pytest.mark.parametrize("function", [render, mentions, excerpt])
def test_too_long_raises(function) -> None:
    with pytest.raises(PostTooLong) as caught:
        function("a" * (MAX_LENGTH + 1))
    assert isinstance(caught.value, ValueError)
    assert caught.value.length == 50_001
    assert caught.value.limit == 50_000


def test_too_long_message_is_translatable() -> None:
    assert isinstance(PostTooLong.message, Promise)
    with translation.override("en"):
        assert str(PostTooLong(50_001)) == (
            "A post can hold at most 50000 characters; this one has 50001."
        )


# --- excerpt ----------------------------------------------------------------------------


def test_excerpt_strips_markup() -> None:
    text = (
        "# Pilote\n\nNotre **imprimante** ne marche pas, voir [la doc](https://example.org)"
        " et ![capture](/a.png).\n\n> @marie a une idée\n\n```\nlpstat -p\n```\n\n- un\n- deux"
    )
    assert excerpt(text) == (
        "Pilote Notre imprimante ne marche pas, voir la doc et capture. @marie a une idée"
        " lpstat -p un deux"
    )


def test_excerpt_keeps_raw_html_as_text() -> None:
    assert excerpt("a <b>b</b>   \n\n  c") == "a <b>b</b> c"


def test_excerpt_short_text_unchanged() -> None:
    assert excerpt("Bonjour à tous") == "Bonjour à tous"
    assert excerpt("") == ""


def test_excerpt_cuts_on_a_word() -> None:
    text = "Notre pilote d'imprimante ne fonctionne plus depuis la mise à jour"
    assert excerpt(text, 30) == "Notre pilote d'imprimante ne…"
    assert len(excerpt(text, 30)) <= 30
    assert excerpt(text, 26) == "Notre pilote d'imprimante…"
    assert excerpt(text, 25) == "Notre pilote…"


def test_excerpt_drops_trailing_punctuation_before_ellipsis() -> None:
    assert excerpt("Bonjour, merci beaucoup pour tout", 10) == "Bonjour…"


def test_excerpt_hard_cut_on_a_long_word() -> None:
    assert excerpt("a" * 300, 10) == "a" * 9 + "…"


@pytest.mark.parametrize("length", [1, 5, 50, 199, 200])
def test_excerpt_respects_length(length: int) -> None:
    text = "mot " * 200
    assert len(excerpt(text, length)) <= length


def test_excerpt_rejects_non_positive_length() -> None:
    with pytest.raises(ValueError, match="positive"):
        excerpt("x", 0)


# --- XSS corpus -------------------------------------------------------------------------

XSS_PAYLOADS = [
    # Raw HTML: scripts.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//xss.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<script/xss src="x"></script>',
    '"><script>alert(1)</script>',
    "<template><script>alert(1)</script></template>",
    "<xss onafterscriptexecute=alert(1)><script>1</script>",
    # Event handlers in every form.
    "<img src=x onerror=alert(1)>",
    "<img src=x OnErRoR=alert(1)>",
    '<img/src="x"/onerror="alert(1)">',
    "<img src=x onerror\n=\nalert(1)>",
    "<img src=`x` onerror=`alert(1)`>",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    "<marquee onstart=alert(1)>x</marquee>",
    "<isindex type=image src=1 onerror=alert(1)>",
    '<a href="https://example.org" onmouseover="alert(1)">x</a>',
    # Obfuscated javascript:, data:, vbscript: in raw HTML.
    '<a href="javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;vascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="javas&#99;ript:alert(1)">x</a>',
    '<a href="\u2028javascript:alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<img src="javascript:alert(1)">',
    '<img srcset="x 1x, javascript:alert(1) 2x">',
    '<base href="javascript:alert(1)//">',
    '<link rel=stylesheet href="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    # SVG and MathML.
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    "**<svg/onload=alert(1)>**",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    # Style.
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<div style="width: expression(alert(1))">x</div>',
    "<style>@import 'http://evil.example/x.css';</style>",
    # Frames, plugins, forms.
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>">',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    # Parser differentials.
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    # Markdown links.
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "[x](<java\tscript:alert(1)>)",
    "[x](javascript&colon;alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6a;avascript&#x3a;alert(1))",
    "[x](javas&#99;ript:alert(1))",
    "[x](%6Aavascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](VBSCRIPT:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:text/html,<script>alert(1)</script>)",
    '[x](https://example.org "t\\" onmouseover=\\"alert(1)")',
    '[x](https://example.org" onmouseover="alert(1))',
    "[@marie](javascript:alert(1))",
    "[![x](/a.png)](javascript:alert(1))",
    # Markdown images.
    "![x](javascript:alert(1))",
    "![x](JAVASCRIPT:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    '![x" onerror="alert(1)](/a.png)',
    '![x](/a.png" onerror="alert(1))',
    '![x](/a.png "t\\" onerror=\\"alert(1)")',
    # Reference-style links and images.
    "[x][r]\n\n[r]: javascript:alert(1)",
    '[x][r]\n\n[r]: <javascript:alert(1)> "t"',
    "![x][r]\n\n[r]: javascript:alert(1)",
    "[r]\n\n[r]: &#106;avascript:alert(1)",
    # Autolinks.
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html,<script>alert(1)</script>>",
    '<https://example.org/"onmouseover="alert(1)>',
    # Nested quotes, lists, tables.
    "> > > <script>alert(1)</script>",
    "> [x](javascript:alert(1))\n> > ![y](javascript:alert(1))",
    "- > ```\n  > <script>alert(1)</script>\n  > ```",
    "| a |\n|---|\n| <script>alert(1)</script> |",
    "| <img src=x onerror=alert(1)> |\n|:-:|\n| [x](javascript:alert(1)) |",
    # Code fences with hostile info strings.
    '```"onmouseover="alert(1)\nx\n```',
    '```js" onmouseover="alert(1)\nx\n```',
    '~~~ language-"onmouseover=alert(1)\nx\n~~~',
    "```<script>alert(1)</script>\nx\n```",
    "```js\n</code></pre><script>alert(1)</script>\n```",
    # Mentions with HTML.
    "@<script>alert(1)</script>",
    "@marie<img src=x onerror=alert(1)>",
    '@marie"onmouseover="alert(1)',
    "@javascript:alert(1)",
    # Unicode tricks.
    "[x](\u200bjavascript:alert(1))",
    "[x](\u0000javascript:alert(1))",
    "[x](\uff4a\uff41\uff56\uff41\uff53\uff43\uff52\uff49\uff50\uff54:alert(1))",
    "[x](java\u00adscript:alert(1))",
    "@marie\u202e<script>alert(1)</script>",
    "<scr\u0000ipt>alert(1)</scr\u0000ipt>",
]


def permissive_image(src: str) -> bool:
    return True


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
@pytest.mark.parametrize("callbacks", ["default", "permissive"])
def test_xss_corpus(payload: str, callbacks: str) -> None:
    if callbacks == "default":
        html = render(payload)
    else:
        html = render(payload, mention_url=profile_url, image_url_allowed=permissive_image)
    assert_safe(html)
    if "<script" in payload.lower():
        assert "<script" not in html.lower()


def test_xss_corpus_is_large_enough() -> None:
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS) >= 60


def test_xss_corpus_in_one_post() -> None:
    html = render("\n\n".join(XSS_PAYLOADS), mention_url=profile_url)
    assert_safe(html)


def test_checker_catches_unsafe_html() -> None:
    # The corpus checks are only worth something if the checker fails on bad output.
    for unsafe in [
        "<script>x</script>",
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<img src="x" onerror="y">',
        '<p style="color:red">x</p>',
        '<a href=" vbscript:x">x</a>',
        "<svg></svg>",
        '<img srcset="x">',
        '<span class="x">x</span>',
    ]:
        with pytest.raises(AssertionError):
            assert_safe(unsafe)


# --- stability --------------------------------------------------------------------------

SAMPLES = [
    "# Titre\n\nTexte *emphase* **fort** ~~barré~~ `code` @marie\n\n> citation\n\n---",
    "| a | b |\n|:-:|--:|\n| [lien](https://example.org) | ![img](/a.png) |",
    "```python\nprint('<b>')\n```\n\n1. un\n2. deux\n\n- trois",
    "![ext](https://example.org/a.png) <https://example.org> <marie@example.org>",
]


@pytest.mark.parametrize("text", SAMPLES + XSS_PAYLOADS[:20])
def test_rendering_is_stable(text: str) -> None:
    first = render(text, mention_url=profile_url)
    assert render(text, mention_url=profile_url) == first
    # The output is already what the sanitizer keeps.
    assert sanitize(first) == first


# Pieces of Markdown and HTML syntax; random posts glued from them must never raise
# and never produce anything outside the allowlist.
FUZZ_PIECES = [
    "#",
    "##",
    "> ",
    "- ",
    "1. ",
    "* ",
    "**",
    "_",
    "~~",
    "`",
    "```",
    "~~~",
    "\n",
    "\n\n",
    "|",
    "|---|",
    ":-:",
    "[",
    "]",
    "(",
    ")",
    "![",
    "<",
    ">",
    '"',
    "'",
    "\\",
    "&#106;",
    "&colon;",
    "&#64;",
    "@",
    "@marie",
    "marie",
    " ",
    "\t",
    "javascript:",
    "data:",
    "/a.png",
    "https://example.org",
    "mailto:a@b.fr",
    "<script>",
    "onerror=",
    "<img src=x ",
    "=",
    "\u200b",
    "\u0000",
    "\u202e",
    "é",
    "[r]: ",
    "    ",
    "---",
    "<!--",
    "-->",
]


def test_random_posts_are_safe() -> None:
    generator = random.Random(20240611)  # fixed seed: the same posts on every run
    for _ in range(400):
        text = "".join(generator.choices(FUZZ_PIECES, k=generator.randint(1, 60)))
        html = render(text, mention_url=profile_url, image_url_allowed=permissive_image)
        assert_safe(html)
        assert sanitize(html) == html
        excerpt(text)
        mentions(text)
