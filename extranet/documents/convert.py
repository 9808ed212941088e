"""Exports (Markdown, HTML, DOCX, PDF) and imports (Markdown, DOCX) of documents.

Both go through the editor's tree (`ydoc.Node`): exports render it; imports turn HTML
(markdown-it-py's rendering of Markdown, mammoth's of a .docx) into it, keeping only what
the editor knows (headings, paragraphs, lists, task lists, quotes, code, tables, images,
links, bold, italic, strike, code), so nothing foreign reaches a document.
"""

from __future__ import annotations

import io
import re
from html import escape
from html.parser import HTMLParser
from urllib.parse import quote

from django.utils.translation import gettext as _

from extranet.documents import ydoc
from extranet.documents.ydoc import Node, Span

EXPORTS = {
    "md": ("text/markdown; charset=utf-8", "md"),
    "html": ("text/html; charset=utf-8", "html"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "pdf": ("application/pdf", "pdf"),
}


DOCX_MAX_UNPACKED = 60 * 2**20


class ImportRefused(Exception):
    pass


def filename(title: str, fmt: str) -> str:
    base = re.sub(r"[\\/:*?\"<>|\x00-\x1f]+", " ", title).strip() or "document"
    return quote(f"{base[:120]}.{EXPORTS[fmt][1]}")


def export(fmt: str, title: str, state: bytes) -> tuple[bytes, str]:
    nodes = ydoc.tree(state)
    content_type = EXPORTS[fmt][0]
    if fmt == "md":
        return to_markdown(nodes).encode(), content_type
    if fmt == "html":
        return to_html_page(title, nodes).encode(), content_type
    if fmt == "docx":
        return to_docx(title, nodes), content_type
    return to_pdf(title, nodes), content_type


# --- HTML -------------------------------------------------------------------------------------

_MARK_TAGS = [("bold", "strong"), ("italic", "em"), ("strike", "s"), ("code", "code")]


def _spans_html(spans: list[Span]) -> str:
    out = []
    for span in spans:
        text = escape(span.text)
        for mark, tag in _MARK_TAGS:
            if mark in span.marks:
                text = f"<{tag}>{text}</{tag}>"
        link = span.marks.get("link")
        if isinstance(link, dict) and _safe_href(link.get("href", "")):
            text = f'<a href="{escape(link["href"])}">{text}</a>'
        out.append(text)
    return "".join(out)


def _safe_href(href: str) -> bool:
    """Web and mail links, and paths of this site (not "//host/…", another site)."""
    return bool(re.match(r"^(https?:|mailto:|/(?![/\\]))", str(href or ""), re.IGNORECASE))


def _html(nodes: list[Node]) -> str:
    out = []
    for node in nodes:
        if node.spans is not None:
            out.append(_spans_html(node.spans))
            continue
        inner = _html(node.children)
        tag = node.tag
        if tag == "heading":
            level = min(max(int(node.attrs.get("level") or 1), 1), 6)
            out.append(f"<h{level}>{inner}</h{level}>")
        elif tag == "paragraph":
            out.append(f"<p>{inner}</p>")
        elif tag == "bulletList":
            out.append(f"<ul>{inner}</ul>")
        elif tag == "orderedList":
            out.append(f"<ol>{inner}</ol>")
        elif tag == "taskList":
            out.append(f'<ul class="tasks">{inner}</ul>')
        elif tag == "taskItem":
            box = "☑" if str(node.attrs.get("checked")).lower() == "true" else "☐"
            out.append(f"<li>{box} {inner}</li>")
        elif tag == "listItem":
            out.append(f"<li>{inner}</li>")
        elif tag == "blockquote":
            out.append(f"<blockquote>{inner}</blockquote>")
        elif tag == "codeBlock":
            out.append(f"<pre><code>{inner}</code></pre>")
        elif tag == "horizontalRule":
            out.append("<hr>")
        elif tag == "hardBreak":
            out.append("<br>")
        elif tag == "table":
            out.append(f"<table>{inner}</table>")
        elif tag == "tableRow":
            out.append(f"<tr>{inner}</tr>")
        elif tag == "tableHeader":
            out.append(f"<th>{inner}</th>")
        elif tag == "tableCell":
            out.append(f"<td>{inner}</td>")
        elif tag == "image":
            src = str(node.attrs.get("src") or "")
            if _safe_href(src):
                alt = escape(str(node.attrs.get("alt") or ""))
                out.append(f'<img src="{escape(src)}" alt="{alt}">')
        else:
            out.append(inner)
    return "".join(out)


def to_html_fragment(state: bytes) -> str:
    """The content as HTML built by us from the tree (every text escaped)."""
    from django.utils.safestring import mark_safe

    return mark_safe(_html(ydoc.tree(state)))  # noqa: S308 - built from escaped parts


def to_html_page(title: str, nodes: list[Node]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head>\n<body>\n<h1>{escape(title)}</h1>\n"
        f"{_html(nodes)}\n</body>\n</html>\n"
    )


# --- Markdown ---------------------------------------------------------------------------------


def _spans_md(spans: list[Span]) -> str:
    out = []
    for span in spans:
        text = span.text
        text = f"`{text}`" if "code" in span.marks else re.sub(r"([\\`*_\[\]#])", r"\\\1", text)
        if "bold" in span.marks:
            text = f"**{text}**"
        if "italic" in span.marks:
            text = f"*{text}*"
        if "strike" in span.marks:
            text = f"~~{text}~~"
        link = span.marks.get("link")
        if isinstance(link, dict) and _safe_href(link.get("href", "")):
            text = f"[{text}]({link['href']})"
        out.append(text)
    return "".join(out)


def _inline_md(nodes: list[Node]) -> str:
    out = []
    for node in nodes:
        if node.spans is not None:
            out.append(_spans_md(node.spans))
        elif node.tag == "hardBreak":
            out.append("  \n")
        elif node.tag == "image":
            out.append(f"![{node.attrs.get('alt') or ''}]({node.attrs.get('src') or ''})")
        else:
            out.append(_inline_md(node.children))
    return "".join(out)


def _blocks_md(nodes: list[Node], prefix: str = "") -> list[str]:
    blocks = []
    for node in nodes:
        tag = node.tag
        if tag == "heading":
            level = min(max(int(node.attrs.get("level") or 1), 1), 6)
            blocks.append("#" * level + " " + _inline_md(node.children))
        elif tag in ("bulletList", "orderedList", "taskList"):
            lines = []
            for number, item in enumerate(node.children, start=1):
                marker = f"{number}." if tag == "orderedList" else "-"
                if tag == "taskList":
                    checked = str(item.attrs.get("checked")).lower() == "true"
                    marker = "- [x]" if checked else "- [ ]"
                inner = _blocks_md(item.children)
                body = "\n".join(inner).replace("\n", "\n" + " " * (len(marker) + 1))
                lines.append(f"{marker} {body}")
            blocks.append("\n".join(lines))
        elif tag == "blockquote":
            inner = "\n\n".join(_blocks_md(node.children))
            blocks.append("\n".join("> " + line for line in inner.splitlines()))
        elif tag == "codeBlock":
            code = "".join(s.text for c in node.children if c.spans for s in c.spans)
            blocks.append(f"```\n{code}\n```")
        elif tag == "horizontalRule":
            blocks.append("---")
        elif tag == "table":
            rows = [
                [_inline_md(cell.children).replace("|", "\\|") for cell in row.children]
                for row in node.children
            ]
            if rows:
                width = max(len(r) for r in rows)
                rows = [r + [""] * (width - len(r)) for r in rows]
                lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
                lines += ["| " + " | ".join(r) + " |" for r in rows[1:]]
                blocks.append("\n".join(lines))
        elif tag == "image":
            blocks.append(_inline_md([node]))
        else:
            blocks.append(_inline_md(node.children) if node.spans is None else _inline_md([node]))
    return blocks


def to_markdown(nodes: list[Node]) -> str:
    return "\n\n".join(b for b in _blocks_md(nodes)) + "\n"


# --- DOCX and PDF -----------------------------------------------------------------------------


def to_docx(title: str, nodes: list[Node]) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.add_heading(title, level=0)

    def runs(paragraph, children: list[Node]) -> None:
        for child in children:
            if child.spans is not None:
                for span in child.spans:
                    run = paragraph.add_run(span.text)
                    run.bold = "bold" in span.marks or None
                    run.italic = "italic" in span.marks or None
                    run.font.strike = "strike" in span.marks or None
            elif child.tag == "image":
                paragraph.add_run(f"[{child.attrs.get('alt') or _('image')}]")
            else:
                runs(paragraph, child.children)

    def blocks(children: list[Node], style: str | None = None) -> None:
        for node in children:
            tag = node.tag
            if tag == "heading":
                level = min(max(int(node.attrs.get("level") or 1), 1), 6)
                runs(document.add_heading("", level=level), node.children)
            elif tag in ("bulletList", "taskList"):
                for item in node.children:
                    blocks(item.children, "List Bullet")
            elif tag == "orderedList":
                for item in node.children:
                    blocks(item.children, "List Number")
            elif tag == "blockquote":
                blocks(node.children, "Quote")
            elif tag == "table":
                rows = node.children
                width = max((len(r.children) for r in rows), default=0)
                if rows and width:
                    table = document.add_table(rows=len(rows), cols=width)
                    table.style = "Table Grid"
                    for r, row in enumerate(rows):
                        for c, cell in enumerate(row.children):
                            target = table.cell(r, c).paragraphs[0]
                            runs(target, cell.children)
            elif tag == "horizontalRule":
                document.add_paragraph("—" * 10)
            else:
                runs(
                    document.add_paragraph(style=style),
                    node.children if node.spans is None else [node],
                )

    blocks(nodes)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_pdf(title: str, nodes: list[Node]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_title(title)
    pdf.add_page()
    # The core fonts know Latin-1 only: what French needs; other characters are replaced.
    pdf.set_font("helvetica", size=11)
    body = f"<h1>{escape(title)}</h1>" + _html(nodes)
    body = re.sub(r"<img [^>]*>", "", body).replace("☑", "[x]").replace("☐", "[ ]")
    body = body.encode("latin-1", "replace").decode("latin-1")
    pdf.write_html(body)
    return bytes(pdf.output())


# --- Import -----------------------------------------------------------------------------------


def import_upload(name: str, data: bytes) -> tuple[str, bytes]:
    """(title, state) of a new document from a Markdown or .docx file."""
    lower = name.lower()
    title = re.sub(r"\.(md|markdown|txt|docx)$", "", name, flags=re.I).strip() or _("Imported")
    if lower.endswith(".docx"):
        html = _docx_html(data)
    elif lower.endswith((".md", ".markdown", ".txt")):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ImportRefused(_("This Markdown file is not UTF-8 text.")) from None
        html = markdown_html(text)
    else:
        raise ImportRefused(_("Only Markdown (.md) and Word (.docx) files can be imported."))
    nodes = html_to_tree(html)
    return title[:200], ydoc.state_from_tree(nodes)


def markdown_html(text: str) -> str:
    from markdown_it import MarkdownIt

    return (
        MarkdownIt("commonmark", {"html": False})
        .enable("table")
        .enable("strikethrough")
        .render(text)
    )


def _docx_html(data: bytes) -> str:
    import zipfile

    import mammoth

    # A .docx is a zip: refuse one that would unpack into far more than it weighs.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise ImportRefused(_("This file is not a Word (.docx) document.")) from None
    if unpacked > DOCX_MAX_UNPACKED:
        raise ImportRefused(_("This Word file unpacks into too much to be imported.")) from None
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data), convert_image=mammoth.images.img_element(lambda image: {"src": ""})
        )
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise ImportRefused(_("This file is not a Word (.docx) document.")) from None
    return result.value


_BLOCK_TAGS = {
    "p": "paragraph",
    "blockquote": "blockquote",
    "ul": "bulletList",
    "ol": "orderedList",
    "li": "listItem",
    "table": "table",
    "tr": "tableRow",
    "th": "tableHeader",
    "td": "tableCell",
    "pre": "codeBlock",
}
_MARKS = {
    "strong": "bold",
    "b": "bold",
    "em": "italic",
    "i": "italic",
    "s": "strike",
    "del": "strike",
    "code": "code",
}


class _TreeBuilder(HTMLParser):
    """HTML (ours to trust no more than any upload) to the editor's tree."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, [])
        self.stack = [self.root]
        self.marks: list[tuple[str, dict]] = []

    def _open(self, tag: str, attrs: dict) -> None:
        node = Node(tag, attrs, [])
        self.stack[-1].children.append(node)
        self.stack.append(node)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._open("heading", {"level": int(tag[1])})
        elif tag in _BLOCK_TAGS:
            self._open(_BLOCK_TAGS[tag], {})
        elif tag in ("thead", "tbody"):
            pass
        elif tag in _MARKS:
            self.marks.append((tag, {_MARKS[tag]: {}}))
        elif tag == "a":
            href = attrs.get("href") or ""
            self.marks.append((tag, {"link": {"href": href}} if _safe_href(href) else {}))
        elif tag == "img":
            src = attrs.get("src") or ""
            if _safe_href(src):
                self.stack[-1].children.append(
                    Node("image", {"src": src, "alt": attrs.get("alt") or ""}, [])
                )
        elif tag == "hr":
            self.stack[-1].children.append(Node("horizontalRule", {}, []))
        elif tag == "br":
            self.handle_data("\n")

    def handle_endtag(self, tag):
        if tag in _MARKS or tag == "a":
            for i in range(len(self.marks) - 1, -1, -1):
                if self.marks[i][0] == tag:
                    del self.marks[i]
                    break
            return
        wanted = "heading" if tag in ("h1", "h2", "h3", "h4", "h5", "h6") else _BLOCK_TAGS.get(tag)
        if wanted is None:
            return
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == wanted:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if not data:
            return
        parent = self.stack[-1]
        if (
            parent.tag
            in (
                "#root",
                "bulletList",
                "orderedList",
                "table",
                "tableRow",
                "blockquote",
                "listItem",
                "tableCell",
                "tableHeader",
            )
            and not data.strip()
        ):
            return
        marks: dict = {}
        for _tag, mark in self.marks:
            marks.update(mark)
        last = parent.children[-1] if parent.children else None
        if last is None or last.spans is None:
            last = Node("#text", {}, [], [])
            parent.children.append(last)
        last.spans.append(Span(data, marks))


_TEXT_BLOCKS = {"paragraph", "heading", "codeBlock"}
_WRAPPED = {"listItem", "blockquote", "tableCell", "tableHeader", "#root"}


def _normalise(node: Node) -> Node:
    """Fit the tree to the editor's schema: loose text in a container goes in a paragraph,
    lists hold items, text blocks hold only text."""
    if node.spans is not None:
        return node
    children = []
    for child in node.children:
        child = _normalise(child)
        if node.tag in _WRAPPED and (
            child.spans is not None or (child.tag == "image" and node.tag != "#root")
        ):
            if (
                children
                and children[-1].tag == "paragraph"
                and children[-1].children
                and children[-1].children[-1].spans is not None
                and child.spans is not None
            ):
                children[-1].children[-1].spans.extend(child.spans)
            else:
                children.append(Node("paragraph", {}, [child]))
        elif node.tag in ("bulletList", "orderedList") and child.tag != "listItem":
            children.append(
                Node(
                    "listItem",
                    {},
                    [child if child.tag == "paragraph" else Node("paragraph", {}, [child])],
                )
            )
        else:
            children.append(child)
    if node.tag in _TEXT_BLOCKS:
        children = [c for c in children if c.spans is not None]
        if node.tag == "codeBlock":
            for c in children:
                c.spans = [Span(s.text, {}) for s in c.spans]
    if node.tag in ("listItem", "tableCell", "tableHeader") and not children:
        children = [Node("paragraph", {}, [])]
    node.children = children
    return node


_TASK = re.compile(r"^\[([ xX])\]\s+")


def _tasks(node: Node) -> Node:
    """A bulleted list whose every item starts with "[ ]" or "[x]" (Markdown's task lists,
    which CommonMark reads as text) becomes a task list."""
    for child in node.children:
        if child.spans is None:
            _tasks(child)
    if node.tag != "bulletList" or not node.children:
        return node
    firsts = []
    for item in node.children:
        paragraph = item.children[0] if item.children else None
        text = paragraph.children[0] if paragraph and paragraph.children else None
        if text is None or text.spans is None or not text.spans:
            return node
        match = _TASK.match(text.spans[0].text)
        if match is None:
            return node
        firsts.append((item, text, match))
    node.tag = "taskList"
    for item, text, match in firsts:
        item.tag = "taskItem"
        item.attrs = {"checked": match.group(1) != " "}
        text.spans[0].text = text.spans[0].text[match.end() :]
    return node


def html_to_tree(html: str) -> list[Node]:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return _tasks(_normalise(builder.root)).children


# --- Pictures of the workspace ----------------------------------------------------------------


def workspace_images(user, workspace) -> list[dict]:
    from extranet.files.permissions import files_visible_to

    files = files_visible_to(user).filter(workspace=workspace, mime__startswith="image/")
    return [
        {"name": f.name, "src": f.get_download_url()}
        for f in files.select_related("workspace").order_by("name")[:200]
    ]
