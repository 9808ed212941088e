"""Bad input on every way in: frames over the socket (an error event, never a crash, the
socket stays open), the plain form, and hostile text in messages and room names (an XSS
corpus that must execute nothing)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from channels.db import database_sync_to_async
from django.test import Client
from django.urls import reverse

from extranet.chat import services
from extranet.chat.models import Message
from tests.chat.conftest import open_socket

XSS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "[clic](javascript:alert(1))",
    "<javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "<svg/onload=alert(1)>",
    '"><script>alert(1)</script>',
    "<iframe src=https://evil.example></iframe>",
    "![x](https://evil.example/pixel.png)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<style>body{display:none}</style>",
    "`<script>` **<b onmouseover=alert(1)>gras</b>**",
    "[a](JaVaScRiPt:alert(1))",
    "[a](&#106;avascript:alert(1))",
]


class _Elements(HTMLParser):
    """Every element and attribute of an HTML fragment, as a browser would parse it."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def dangers(html: str) -> list[str]:
    """What in `html` could run script, load something from elsewhere or restyle the page."""
    parser = _Elements()
    parser.feed(html)
    found = []
    for tag, attrs in parser.found:
        if tag in {"script", "iframe", "svg", "style", "img", "object", "embed", "form"}:
            found.append(tag)
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                found.append(f"{tag}[{name}]")
            if name in {"href", "src"} and not re.match(r"(https?:|mailto:|/|#)", value or ""):
                found.append(f"{tag}[{name}={value}]")
    return found


@pytest.mark.parametrize("text", XSS)
def test_hostile_markdown_is_stored_as_harmless_html(team, text, settings):
    settings.CHAT_MESSAGES_PER_MINUTE_NEW = 1000
    message, _created = services.message_post(
        actor=team["alice"], room=team["room"], body=text, client_id="x"
    )
    assert dangers(message.body_html) == [], message.body_html


def test_hostile_room_names_and_messages_are_escaped_on_the_page(team, settings):
    settings.CHAT_MESSAGES_PER_MINUTE_NEW = 1000
    room = services.direct_start(
        actor=team["alice"], people=[team["bob"]], name='<script>alert("nom")</script>'
    )
    for n, text in enumerate(XSS):
        services.message_post(actor=team["alice"], room=room, body=text, client_id=f"x{n}")
    client = Client()
    client.force_login(team["bob"])
    for url in (reverse("chat:room", args=[room.pk]), reverse("chat:index")):
        page = client.get(url).content.decode()
        assert "&lt;script&gt;alert(&quot;nom&quot;)&lt;/script&gt;" in page
        main = page[page.index("<main") : page.index("</main>")]
        assert [d for d in dangers(main) if d != "form"] == []


pytestmark_live = pytest.mark.django_db(transaction=True)


@pytestmark_live
@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ('{"type": "chat.send"}', "malformed"),
        ('{"type": "chat.send", "room": "un"}', "malformed"),
        ('{"type": "chat.send", "room": -1}', "malformed"),
        ('{"type": "chat.send", "room": true}', "malformed"),
        ('{"type": "chat.send", "room": 999999, "body": "x", "client_id": "a"}', "not_found"),
        ('{"type": "chat.launch", "room": ROOM}', "unknown_type"),
        ('{"type": "chat.send", "room": ROOM, "body": "x"}', "invalid"),
        ('{"type": "chat.send", "room": ROOM, "body": "x", "client_id": "<b>"}', "invalid"),
        ('{"type": "chat.send", "room": ROOM, "body": "   ", "client_id": "a"}', "invalid"),
        ('{"type": "chat.send", "room": ROOM, "body": 12, "client_id": "a"}', "invalid"),
        ('{"type": "chat.send", "room": ROOM, "body": ["x"], "client_id": "a"}', "invalid"),
        (
            '{"type": "chat.send", "room": ROOM, "body": "x", "client_id": "a", "reply_to": 77}',
            "invalid",
        ),
        (
            '{"type": "chat.send", "room": ROOM, "body": "x", "client_id": "a", "files": "1"}',
            "malformed",
        ),
        (
            '{"type": "chat.send", "room": ROOM, "body": "x", "client_id": "a", "files": [1]}',
            "invalid",
        ),
        ('{"type": "chat.resume", "room": ROOM, "after": "hier"}', "malformed"),
        ('{"type": "chat.history", "room": ROOM, "before": -3}', "malformed"),
        ('{"type": "chat.edit", "room": ROOM, "seq": "1", "body": "x"}', "malformed"),
        ('{"type": "chat.edit", "room": ROOM, "seq": 42, "body": "x"}', "not_found"),
        ('{"type": "chat.react", "room": ROOM, "seq": 1}', "malformed"),
        ('{"type": "chat.presence", "state": "invisible"}', "malformed"),
        ('{"type": 12}', "unknown_type"),
        ('{"type": "chat"}', "unknown_type"),
        ('{"type": "nothing.here"}', "unknown_type"),
    ],
)
async def test_malformed_chat_frames_get_an_error_event_and_the_socket_stays_open(
    team, frame, code, release_connections
):
    client = await open_socket(team["alice"])
    await client.send_raw(frame.replace("ROOM", str(team["room"].pk)))
    error = await client.receive_type("error")
    assert error["code"] == code
    assert error["message"]
    await client.send({"type": "ping"})
    assert await client.receive_type("pong")
    assert await database_sync_to_async(Message.objects.count)() == 0
    await client.close()


@pytestmark_live
async def test_a_message_over_4000_characters_is_refused_with_a_clear_french_error(
    team, release_connections
):
    client = await open_socket(team["alice"])
    await client.send(
        {"type": "chat.send", "room": team["room"].pk, "body": "é" * 4001, "client_id": "long"}
    )
    error = await client.receive_type("error")
    assert error["code"] == "invalid"
    assert error["client_id"] == "long"
    assert error["message"] == "Un message compte au plus 4000 caractères (celui-ci en a 4001)."
    await client.send(
        {"type": "chat.send", "room": team["room"].pk, "body": "é" * 4000, "client_id": "ok"}
    )
    assert (await client.receive_type("chat.ack"))["seq"] == 1
    await client.close()


@pytestmark_live
async def test_a_frame_over_the_size_limit_is_refused_before_being_parsed(
    team, settings, release_connections
):
    settings.WEBSOCKET_MAX_MESSAGE_BYTES = 16 * 1024
    client = await open_socket(team["alice"])
    await client.send(
        {"type": "chat.send", "room": team["room"].pk, "body": "x" * 20000, "client_id": "big"}
    )
    assert (await client.receive_type("error"))["code"] == "too_large"
    await client.close()


@pytestmark_live
async def test_anonymous_sockets_and_foreign_origins_are_refused(team, release_connections):
    from channels.testing import WebsocketCommunicator

    from config.asgi import application
    from tests.core.test_notifications_live import session_for

    anonymous = WebsocketCommunicator(
        application, "/ws/", headers=[(b"origin", b"http://localhost")]
    )
    connected, _code = await anonymous.connect()
    assert await anonymous.receive_output(timeout=3) == {"type": "websocket.close", "code": 4401}
    key = await database_sync_to_async(session_for)(team["alice"])
    foreign = WebsocketCommunicator(
        application,
        "/ws/",
        headers=[(b"origin", b"https://evil.example"), (b"cookie", f"sessionid={key}".encode())],
    )
    connected, _code = await foreign.connect()
    assert not connected


def test_the_plain_form_posts_without_javascript_and_reports_errors(team):
    client = Client()
    client.force_login(team["alice"])
    url = reverse("chat:post", args=[team["room"].pk])
    response = client.post(url, {"body": "Sans script", "client_id": "form-1"}, follow=True)
    assert response.status_code == 200
    assert "Sans script" in response.content.decode()
    # The same form sent twice (a double click): stored once.
    client.post(url, {"body": "Sans script", "client_id": "form-1"})
    assert Message.objects.count() == 1
    response = client.post(url, {"body": "x" * 4001, "client_id": "form-2"}, follow=True)
    assert "4000" in response.content.decode()
    assert Message.objects.count() == 1
    outsider = Client()
    outsider.force_login(team["outsider"])
    assert outsider.post(url, {"body": "intrus", "client_id": "o"}).status_code == 404


def test_older_history_without_javascript_is_a_link(team, settings):
    settings.CHAT_MESSAGES_PER_MINUTE_NEW = 1000
    for n in range(1, 61):
        services.message_post(actor=team["bob"], room=team["room"], body=f"n{n}", client_id=f"{n}")
    client = Client()
    client.force_login(team["alice"])
    page = client.get(reverse("chat:room", args=[team["room"].pk])).content.decode()
    assert 'href="?avant=11"' in page
    older = client.get(reverse("chat:room", args=[team["room"].pk]) + "?avant=11")
    assert 'id="m10"' in older.content.decode()
    assert 'id="m11"' not in older.content.decode()
    assert client.get(reverse("chat:room", args=[team["room"].pk]) + "?avant=x").status_code == 404
