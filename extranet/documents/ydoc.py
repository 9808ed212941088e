"""Yjs content on the server, with pycrdt: v1 updates only (a v2 update applied by pycrdt
silently yields an empty document), the y-websocket frames, and what we read out of a
document (its plain text, its blocks for the exports).

The editor (Tiptap's Collaboration extension) keeps the content in the XML fragment named
"default": paragraphs, headings, lists… as elements, their text as XmlText with marks.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pycrdt

FRAGMENT = "default"
EMPTY_UPDATE = b"\x00\x00"

# y-websocket message types (the first var-uint of a frame).
MESSAGE_SYNC = 0
MESSAGE_AWARENESS = 1
MESSAGE_AUTH = 2
MESSAGE_QUERY_AWARENESS = 3
# Ours: "your frames are stored" (count of sync frames of this socket committed so far),
# sent only to clients that asked for it (?ack=1): stock clients never see it.
MESSAGE_SAVED = 100
SYNC_STEP1 = 0
SYNC_STEP2 = 1
SYNC_UPDATE = 2

# Blocks whose end is a line break in the plain text.
BLOCKS = {
    "paragraph",
    "heading",
    "blockquote",
    "listItem",
    "taskItem",
    "codeBlock",
    "tableRow",
    "horizontalRule",
}


class FrameError(ValueError):
    """A frame that does not follow the y-websocket protocol."""


def write_var_uint(num: int) -> bytes:
    return pycrdt.write_var_uint(num)


def read_var_uint(data: bytes, pos: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        if pos >= len(data):
            raise FrameError("truncated number")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, pos
        if shift > 63:
            raise FrameError("number too long")


def read_var_bytes(data: bytes, pos: int) -> tuple[bytes, int]:
    length, pos = read_var_uint(data, pos)
    end = pos + length
    if end > len(data):
        raise FrameError("truncated payload")
    return data[pos:end], end


@dataclass(frozen=True)
class Frame:
    kind: int  # MESSAGE_*
    sync: int | None  # SYNC_* for sync frames
    payload: bytes


def parse_frame(data: bytes) -> Frame:
    """Split a client's binary frame; raise FrameError for anything malformed."""
    kind, pos = read_var_uint(data, 0)
    if kind == MESSAGE_SYNC:
        sync, pos = read_var_uint(data, pos)
        if sync not in (SYNC_STEP1, SYNC_STEP2, SYNC_UPDATE):
            raise FrameError("unknown sync step")
        payload, pos = read_var_bytes(data, pos)
    elif kind == MESSAGE_AWARENESS:
        sync = None
        payload, pos = read_var_bytes(data, pos)
    elif kind == MESSAGE_QUERY_AWARENESS:
        return Frame(kind, None, b"")
    else:
        raise FrameError("unknown message type")
    if pos != len(data):
        raise FrameError("trailing bytes")
    return Frame(kind, sync, payload)


def sync_frame(step: int, payload: bytes) -> bytes:
    return bytes([MESSAGE_SYNC, step]) + write_var_uint(len(payload)) + payload


def awareness_frame(payload: bytes) -> bytes:
    return bytes([MESSAGE_AWARENESS]) + write_var_uint(len(payload)) + payload


def saved_frame(count: int) -> bytes:
    return write_var_uint(MESSAGE_SAVED) + write_var_uint(count)


def awareness_clients(payload: bytes) -> dict[int, int]:
    """The client ids (and clocks) an awareness update speaks for; FrameError if malformed."""
    return signed_awareness(payload, None)[1]


def signed_awareness(payload: bytes, name: str | None) -> tuple[bytes, dict[int, int]]:
    """The awareness update with the name on each caret (`user.name`) set to `name`, the
    account's, whatever the client wrote there, and the client ids (and clocks) it speaks
    for. FrameError if malformed, or if a state is not JSON (every peer would fail to read
    it). With `name` None, the payload is only checked."""
    count, pos = read_var_uint(payload, 0)
    clients = {}
    out = [write_var_uint(count)]
    for _i in range(count):
        client, pos = read_var_uint(payload, pos)
        clock, pos = read_var_uint(payload, pos)
        raw, pos = read_var_bytes(payload, pos)
        try:
            state = json.loads(raw)
        except ValueError as error:  # UnicodeDecodeError included
            raise FrameError("awareness state is not JSON") from error
        if name is not None and isinstance(state, dict) and isinstance(state.get("user"), dict):
            state["user"]["name"] = name
            raw = json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode()
        clients[client] = clock
        out += [write_var_uint(client), write_var_uint(clock), write_var_uint(len(raw)), raw]
    if pos != len(payload):
        raise FrameError("trailing bytes in awareness")
    return b"".join(out), clients


def awareness_removal(clients: dict[int, int]) -> bytes:
    """The awareness update saying these clients left (state null, next clock)."""
    out = [write_var_uint(len(clients))]
    for client, clock in clients.items():
        out += [write_var_uint(client), write_var_uint(clock + 1), write_var_uint(4), b"null"]
    return b"".join(out)


def check_update(update: bytes) -> None:
    """Raise FrameError unless `update` decodes as a Yjs v1 update."""
    try:
        pycrdt.Doc().apply_update(update)
    except (ValueError, RuntimeError) as error:
        raise FrameError("not a Yjs update") from error


def merge(updates: Iterable[bytes]) -> bytes:
    """One v1 update holding all of `updates` (in log order).

    Applied to a document in one transaction and encoded again, not `merge_updates`: that
    one grows quadratically with the number of updates (100,000 took 80 s here, against
    half a second this way), and leaves an encoding larger than the document's own.
    An update whose dependencies are missing would be left out (pycrdt encodes only what
    integrates); the log never holds one before its dependencies, as a socket relays an
    update only after committing it, and a client depends only on what it was sent.
    """
    updates = [u for u in updates if u and u != EMPTY_UPDATE]
    if not updates:
        return EMPTY_UPDATE
    if len(updates) == 1:
        return updates[0]
    doc = pycrdt.Doc()
    with doc.transaction():
        for update in updates:
            doc.apply_update(update)
    return doc.get_update()


def state_vector(state: bytes) -> bytes:
    if state == EMPTY_UPDATE:
        return b"\x00"
    return pycrdt.get_state(state)


def diff(state: bytes, vector: bytes) -> bytes:
    """What `state` holds that a client at `vector` lacks (FrameError for a bad vector)."""
    if state == EMPTY_UPDATE:
        return EMPTY_UPDATE
    try:
        return pycrdt.get_update(state, vector)
    except (ValueError, RuntimeError) as error:
        raise FrameError("not a state vector") from error


def load(state: bytes) -> pycrdt.Doc:
    doc = pycrdt.Doc()
    if state and state != EMPTY_UPDATE:
        doc.apply_update(state)
    return doc


def fragment(doc: pycrdt.Doc) -> pycrdt.XmlFragment:
    return doc.get(FRAGMENT, type=pycrdt.XmlFragment)


# --- Reading the content ----------------------------------------------------------------------


@dataclass
class Span:
    text: str
    marks: dict


@dataclass
class Node:
    """An element of the editor's tree (tag and attributes), or a run of text (`spans`)."""

    tag: str
    attrs: dict
    children: list[Node]
    spans: list[Span] | None = None


def tree(state: bytes) -> list[Node]:
    """The content as a tree of plain Python objects."""
    return [_node(child) for child in fragment(load(state)).children]


def _node(item) -> Node:
    if isinstance(item, pycrdt.XmlText):
        spans = [Span(str(text), dict(marks or {})) for text, marks in item.diff()]
        return Node("#text", {}, [], spans)
    attrs = dict(item.attributes)
    return Node(item.tag or "", attrs, [_node(child) for child in item.children])


def _walk_text(nodes: list[Node]) -> Iterator[str]:
    for node in nodes:
        if node.spans is not None:
            yield "".join(span.text for span in node.spans if isinstance(span.text, str))
            continue
        yield from _walk_text(node.children)
        if node.tag in BLOCKS:
            yield "\n"
        elif node.tag in ("tableCell", "tableHeader"):
            yield "\t"


def plain_text(state: bytes) -> str:
    """The document's words, one block a line (for search and lists)."""
    text = "".join(_walk_text(tree(state))).replace("\n\t", "\t")
    lines = [line.rstrip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line).strip()


def build_into(parent, nodes: list[Node]) -> None:
    for node in nodes:
        if node.spans is not None:
            text = parent.children.append(pycrdt.XmlText())
            for span in node.spans:
                if span.text:
                    # At the end as pycrdt measures it (its length is not Python's).
                    text.insert(len(text), span.text, span.marks or None)
        else:
            element = parent.children.append(pycrdt.XmlElement(node.tag, dict(node.attrs)))
            build_into(element, node.children)


def set_content(doc: pycrdt.Doc, nodes: list[Node]) -> None:
    """Replace the editor's fragment by `nodes`, as one change of `doc`."""
    frag = fragment(doc)
    with doc.transaction():
        if len(frag.children):
            del frag.children[0 : len(frag.children)]
        build_into(frag, nodes)


def state_from_tree(nodes: list[Node]) -> bytes:
    doc = pycrdt.Doc()
    set_content(doc, nodes)
    return doc.get_update()


def html_tree(html: str) -> list[Node]:
    """The editor's tree of an HTML fragment (imports, tests)."""
    from extranet.documents.convert import html_to_tree

    return html_to_tree(html)
