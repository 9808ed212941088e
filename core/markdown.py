"""The safe Markdown subset shared by the forum and the chat: from what facilitators
type to HTML that is safe to ``mark_safe``.

Safety does not rest on one layer:

1. The parser (markdown-it-py, CommonMark plus tables and strikethrough) runs with raw
   HTML turned off, so ``<script>`` in a post is text, never markup. Its link validator
   is narrowed to http, https, mailto and relative URLs, so ``[x](javascript:…)`` and
   ``<javascript:…>`` stay literal text.
2. One pass over the token stream applies the forum's rules: headings move down two
   levels, strikethrough becomes ``<del>``, table alignment becomes ``align`` instead of
   a ``style``, code fences keep only a well-formed language name, ``@handle`` mentions
   become tokens of their own, images outside the allowed URLs become plain links.
3. nh3 (ammonia) then re-parses the HTML and keeps only an explicit allowlist of tags,
   attributes, attribute values and URL schemes. Whatever a future parser option or
   renderer bug lets through, the allowlist still holds.

Everything here is pure: no database, no settings. Callers pass callbacks
(``mention_url``, ``image_url_allowed``) when a rule needs to know about the site.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import unquote

import nh3
from django.utils.translation import gettext_lazy as _
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import OptionsDict

__all__ = [
    "MAX_LENGTH",
    "PostTooLong",
    "excerpt",
    "is_safe_url",
    "mentions",
    "render",
    "sanitize",
    "site_path",
]

#: Longest post accepted, in characters. Far above any real post, low enough that a
#: pasted log cannot make one request parse megabytes.
MAX_LENGTH = 50_000

SAFE_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener noreferrer"

# What survives sanitizing, and nothing else. Each entry is something the renderer
# produces on purpose:
# - h3–h6: post headings sit under the page's h1 (topic) and h2 (sections);
# - p, br, hr, blockquote, ul, ol, li, strong, em, del, code, pre: CommonMark and
#   strikethrough output;
# - table, thead, tbody, tr, th, td: GFM tables;
# - a: links and mentions; img: images from allowed URLs.
# Not in the list, on purpose: div/span (no use without class or style), input (task
# lists), iframe/object/embed/svg/math/form and friends.
ALLOWED_TAGS = frozenset(
    {
        "a",
        "blockquote",
        "br",
        "code",
        "del",
        "em",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
# ``class`` on a and code is further narrowed by _filter_attribute; ``rel`` on a is set
# by nh3 itself (LINK_REL), ``loading`` on img likewise; ``align`` on cells is limited
# to three values. No style, no id/name (DOM clobbering), no srcset, no on* anywhere.
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title", "class"}),
    "img": frozenset({"src", "alt"}),
    "code": frozenset({"class"}),
    "ol": frozenset({"start"}),
}
_CELL_ALIGN = frozenset({"left", "center", "right"})

_LANGUAGE_RE = re.compile(r"[a-z0-9+#-]{1,20}")
_LANGUAGE_CLASS_RE = re.compile(r"language-[a-z0-9+#-]{1,20}")
_HANDLE_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,49}")
# A mention candidate: ``@`` not glued to a preceding word, e-mail local part, URL or
# another ``@``, followed by handle characters (possessively, so that backtracking
# cannot shorten ``marie@example.org`` into a handle) not followed by ``@``. The
# candidate is then trimmed of trailing dots and checked against _HANDLE_RE.
_MENTION_CANDIDATE_RE = re.compile(r"(?<![\w.%+\-/@:=&?#\\])@([A-Za-z0-9][A-Za-z0-9._-]*+)(?!@)")
# Whitespace and control characters that browsers drop or ignore inside URLs.
_URL_IGNORED_RE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028\u2029\u2060\ufeff]")
# Control characters: refused in a decoded image path (some servers cut a path at NUL).
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_HEADING_TAGS = {"h1": "h3", "h2": "h4", "h3": "h5", "h4": "h6", "h5": "h6", "h6": "h6"}


class PostTooLong(ValueError):
    """The text is longer than MAX_LENGTH characters; nothing was rendered."""

    message = _("A post can hold at most %(limit)d characters; this one has %(length)d.")

    def __init__(self, length: int, limit: int = MAX_LENGTH) -> None:
        self.length = length
        self.limit = limit
        super().__init__(length, limit)

    def __str__(self) -> str:
        # Formatted when shown, so the message follows the language active then.
        return str(self.message) % {"limit": self.limit, "length": self.length}


def is_safe_url(url: str) -> bool:
    """Whether ``url`` is relative or uses http, https or mailto.

    Checked the way a browser reads it: whitespace and control characters are ignored
    (``java\\tscript:`` is ``javascript:``), case does not matter. A colon before the
    first ``/``, ``?`` or ``#`` means a scheme; a relative reference cannot have one
    there, so anything else with a colon is refused rather than guessed at.
    """
    cleaned = _URL_IGNORED_RE.sub("", url).lower()
    head = re.split(r"[/?#]", cleaned, maxsplit=1)[0]
    if ":" not in head:
        return True
    return head.split(":", 1)[0] in SAFE_URL_SCHEMES


def site_path(src: str) -> str | None:
    """The decoded path that ``src`` requests if it is a plain site-relative path, else None.

    "Plain" is strict, because what a prefix test sees is not what gets requested:
    browsers resolve ``/a/../../b`` and ``/a/%2e%2e/b`` to ``/b``, read ``//host`` and
    ``/\\host`` as another host, and some servers take ``%2f`` or ``%5c`` for a slash.
    So ``src`` must start with a single ``/`` and carry no query or fragment, and once
    percent-decoded (as valid UTF-8) it must hold no backslash, no control character and
    no empty, ``.`` or ``..`` segment. What passes is its own normal form: a caller that
    then matches it (against a prefix or a URL pattern) matches what will be requested.
    """
    if not src.startswith("/") or "?" in src or "#" in src:
        return None
    try:
        path = unquote(src, errors="strict")
    except UnicodeDecodeError:
        return None
    if "\\" in path or _CONTROL_RE.search(path):
        return None
    if any(segment in ("", ".", "..") for segment in path.split("/")[1:]):
        return None
    return path


def _default_image_url_allowed(src: str) -> bool:
    # Plain site-relative paths only (our own media): see site_path.
    return site_path(src) is not None


class _ForumMarkdownIt(MarkdownIt):
    def validateLink(self, url: str) -> bool:  # markdown-it calls it by this name
        # Called by the link, image and autolink rules on the normalized destination;
        # a refused destination leaves the Markdown source as plain text.
        return is_safe_url(url)


def _forum_rules(state: StateCore) -> None:
    """Core rule run after inline parsing: applies the forum's rules to the tokens."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = _HEADING_TAGS.get(token.tag, "h6")
        elif token.type in ("th_open", "td_open"):
            _style_to_align(token)
        elif token.type == "fence":
            words = token.info.split(maxsplit=1)
            language = words[0].lower() if words else ""
            token.info = language if _LANGUAGE_RE.fullmatch(language) else ""
        elif token.type == "inline" and token.children:
            token.children = list(_inline_rules(token.children))


def _style_to_align(token: Token) -> None:
    style = token.attrs.pop("style", None)
    if isinstance(style, str) and style.startswith("text-align:"):
        align = style.removeprefix("text-align:").strip()
        if align in _CELL_ALIGN:
            token.attrs["align"] = align


def _inline_rules(children: Sequence[Token]) -> Iterator[Token]:
    link_depth = 0
    run: list[Token] = []  # consecutive text and text_special (escape, entity) tokens
    for child in children:
        if child.type in ("text", "text_special"):
            run.append(child)
            continue
        if run:
            yield from _run_with_mentions(run) if link_depth == 0 else run
            run = []
        if child.type == "link_open":
            link_depth += 1
        elif child.type == "link_close":
            link_depth -= 1
        elif child.type in ("s_open", "s_close"):
            child.tag = "del"
        elif child.type == "image":
            child.meta["in_link"] = link_depth > 0
        yield child
    if run:
        yield from _run_with_mentions(run) if link_depth == 0 else run


def _find_mentions(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, handle) of each mention in plain text, ``start`` on the ``@``."""
    for match in _MENTION_CANDIDATE_RE.finditer(text):
        handle = match.group(1).rstrip(".")
        if _HANDLE_RE.fullmatch(handle):
            yield match.start(), match.start() + 1 + len(handle), handle


def _run_with_mentions(run: list[Token]) -> list[Token]:
    """Split a run of text tokens around its mentions.

    Runs in place of markdown-it's ``text_join``, before escapes and entities melt into
    the text: an ``@`` written ``\\@`` or ``&#64;`` does not start a mention, which
    gives writers a way to type a handle without notifying anyone.
    """
    text = "".join(token.content for token in run)
    if "@" not in text:
        return run
    escaped: set[int] = set()
    offset = 0
    for token in run:
        if token.type == "text_special":
            escaped.update(range(offset, offset + len(token.content)))
        offset += len(token.content)
    level = run[0].level
    tokens: list[Token] = []
    position = 0
    for start, end, handle in _find_mentions(text):
        if start in escaped:
            continue
        if start > position:
            tokens.append(_text_token(text[position:start], level))
        tokens.append(
            Token("mention", "", 0, level=level, content=f"@{handle}", meta={"handle": handle})
        )
        position = end
    if position == 0:
        return run
    if position < len(text):
        tokens.append(_text_token(text[position:], level))
    return tokens


def _text_token(content: str, level: int) -> Token:
    return Token("text", "", 0, level=level, content=content)


class _ForumRenderer(RendererHTML):
    def mention(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict[str, Any]
    ) -> str:
        token = tokens[idx]
        handle: str = token.meta["handle"]
        url = _mention_url(env, handle)
        if url is None:
            return escapeHtml(token.content)
        return f'<a class="mention" href="{escapeHtml(url)}">{escapeHtml(token.content)}</a>'

    def image(
        self, tokens: Sequence[Token], idx: int, options: OptionsDict, env: dict[str, Any]
    ) -> str:
        token = tokens[idx]
        src = str(token.attrs.get("src", ""))
        alt = self.renderInlineAsText(token.children, options, env)
        allowed: Callable[[str], bool] = env["image_url_allowed"]
        if is_safe_url(src) and allowed(src):
            return f'<img src="{escapeHtml(src)}" alt="{escapeHtml(alt)}" loading="lazy">'
        label = escapeHtml(alt or src)
        if token.meta.get("in_link") or not is_safe_url(src):
            # Already inside a link: a nested <a> is invalid, the text is enough.
            return label
        return f'<a href="{escapeHtml(src)}">{label}</a>'


def _mention_url(env: dict[str, Any], handle: str) -> str | None:
    # One callback call per handle and render: it may well query the database.
    cache: dict[str, str | None] = env["mention_urls"]
    if handle not in cache:
        callback: Callable[[str], str | None] | None = env["mention_url"]
        cache[handle] = callback(handle) if callback is not None else None
    return cache[handle]


def _build_parser() -> MarkdownIt:
    parser = _ForumMarkdownIt(
        "commonmark",
        {"html": False, "linkify": False, "typographer": False, "breaks": True, "xhtmlOut": False},
        renderer_cls=_ForumRenderer,
    ).enable(["table", "strikethrough"])
    # Before text_join, so that escaped "@" are still told apart (see _run_with_mentions).
    parser.core.ruler.before("text_join", "maillage_forum", _forum_rules)
    return parser


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    """Last word on attribute values nh3 lets through (it already checked names)."""
    if attribute == "class":
        if element == "a":
            return value if value == "mention" else None
        if element == "code":
            return value if _LANGUAGE_CLASS_RE.fullmatch(value) else None
        return None
    if attribute in ("href", "src"):
        return value if is_safe_url(value) else None
    if attribute == "start":
        return value if value.isascii() and value.isdigit() and len(value) <= 9 else None
    return value


_PARSER = _build_parser()
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style"},
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_filter_attribute,
    tag_attribute_values={"th": {"align": set(_CELL_ALIGN)}, "td": {"align": set(_CELL_ALIGN)}},
    set_tag_attribute_values={"img": {"loading": "lazy"}},
    url_schemes=set(SAFE_URL_SCHEMES),
    link_rel=LINK_REL,
    strip_comments=True,
)


def _check_length(text: str) -> None:
    if len(text) > MAX_LENGTH:
        raise PostTooLong(len(text))


def _parse(text: str, env: dict[str, Any]) -> list[Token]:
    _check_length(text)
    return _PARSER.parse(text, env)


def sanitize(html: str) -> str:
    """Run ``html`` through the forum's allowlist (what ``render`` does last).

    Idempotent: sanitizing sanitized HTML returns it unchanged.
    """
    return _CLEANER.clean(html)


def render(
    text: str,
    *,
    mention_url: Callable[[str], str | None] | None = None,
    image_url_allowed: Callable[[str], bool] | None = None,
) -> str:
    """Render a post's Markdown to sanitized HTML, safe to pass to ``mark_safe``.

    ``mention_url(handle)`` returns the profile URL of the member ``@handle`` or None
    (unknown member, or one the reader may not see); without it mentions stay text.
    ``image_url_allowed(src)`` says whether an image may be loaded from ``src`` (the
    normalized, percent-encoded URL); by default only plain site-relative paths
    (``/media/…``, see ``site_path``) may, since an external image leaks readers' IP
    addresses to its host. A refused image becomes a plain link labelled with its alt
    text.

    Raises PostTooLong beyond MAX_LENGTH characters.
    """
    env: dict[str, Any] = {
        "mention_url": mention_url,
        "mention_urls": {},
        "image_url_allowed": image_url_allowed or _default_image_url_allowed,
    }
    tokens = _parse(text, env)
    return sanitize(_PARSER.renderer.render(tokens, _PARSER.options, env))


def mentions(text: str) -> list[str]:
    """Handles mentioned in ``text``, first occurrence order, each once.

    Same rules as ``render``: nothing in code, inline code, link text or e-mail
    addresses. Raises PostTooLong beyond MAX_LENGTH characters.
    """
    found: dict[str, None] = {}
    for token in _parse(text, {}):
        for child in token.children or ():
            if child.type == "mention":
                found.setdefault(child.meta["handle"], None)
    return list(found)


def excerpt(text: str, length: int = 200) -> str:
    """Plain text of a post, at most ``length`` characters, for notifications,
    e-mails and search snippets.

    Markup is dropped (link text, image alt text and code are kept), whitespace is
    collapsed, and a longer text is cut after a whole word with "…". The result is
    text, not HTML: templates escape it as usual. Raises PostTooLong beyond
    MAX_LENGTH characters.
    """
    if length < 1:
        raise ValueError("length must be positive")
    plain = " ".join("".join(_plain_parts(_parse(text, {}))).split())
    if len(plain) <= length:
        return plain
    head = plain[: length - 1]
    if plain[length - 1] != " ":
        space = head.rfind(" ")
        if space > 0:
            head = head[:space]
    head = head.rstrip(" ,;:.!?-–—([{«\"'") or plain[: length - 1]
    return head + "…"


def _plain_parts(tokens: Sequence[Token]) -> Iterator[str]:
    for token in tokens:
        if token.type == "inline":
            yield from _inline_plain_parts(token.children or ())
        elif token.type in ("fence", "code_block"):
            yield token.content
        yield " "


def _inline_plain_parts(children: Sequence[Token]) -> Iterator[str]:
    for child in children:
        if child.type in ("text", "code_inline", "mention"):
            yield child.content
        elif child.type in ("softbreak", "hardbreak"):
            yield " "
        elif child.type == "image":
            yield from _inline_plain_parts(child.children or ())
