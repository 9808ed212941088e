"""The live notification stream, through the real ASGI application (origin check, session
auth, routing) with channels' WebsocketCommunicator."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.db import aclose_old_connections, database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cached_db import SessionStore
from django.db import transaction

from config.asgi import application
from core.accounts.services import user_set_active
from core.notifications.models import Notification, Verb
from core.notifications.services import notification_create, notifications_mark_read
from core.workspaces.models import Visibility
from core.workspaces.services import group_invite
from tests.factories import GroupFactory, MembershipFactory, UserFactory, coordinator

pytestmark = pytest.mark.django_db(transaction=True)

ORIGIN = (b"origin", b"http://localhost")


@pytest.fixture(autouse=True)
async def release_the_consumers_database_connection():
    """After each test, close what the consumers' shared database thread still holds (a
    socket the server closed can leave its connection open there, e.g. after channels'
    auth middleware flushed a stale session): on PostgreSQL an open connection stops the
    test database from being dropped at the end of the run."""
    yield
    await aclose_old_connections()


def session_for(user) -> str:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    return store.session_key


async def connect(user=None, origin=ORIGIN, session_key=None):
    headers = [origin] if origin else []
    if user is not None:
        key = session_key or await database_sync_to_async(session_for)(user)
        headers.append((b"cookie", f"sessionid={key}".encode()))
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, code = await communicator.connect()
    return communicator, connected, code


async def receive(communicator) -> dict:
    return json.loads(await communicator.receive_from(timeout=3))


async def test_anonymous_socket_is_refused_with_a_code_the_page_can_read():
    communicator, connected, _code = await connect(None)
    # Accepted then closed at once: a handshake refused with HTTP 403 reaches the browser
    # as close code 1006, which it cannot tell from a network failure.
    assert connected
    assert await communicator.receive_output(timeout=3) == {
        "type": "websocket.close",
        "code": 4401,
    }


async def test_foreign_origin_is_refused():
    user = await database_sync_to_async(UserFactory)()
    _communicator, connected, _code = await connect(
        user, origin=(b"origin", b"https://evil.example")
    )
    assert not connected


async def test_unknown_websocket_path_is_closed_cleanly():
    communicator = WebsocketCommunicator(application, "/ws/nothing-here/", headers=[ORIGIN])
    connected, code = await communicator.connect()
    assert not connected
    assert code == 4404


async def test_notification_arrives_after_the_transaction_commits_not_before():
    user = await database_sync_to_async(UserFactory)()
    actor = await database_sync_to_async(UserFactory)()
    communicator, connected, _ = await connect(user)
    assert connected
    hello = await receive(communicator)
    assert hello == {"type": "hello", "unread": 0, "last_seq": 0}

    def notify_and_check_silence():
        with transaction.atomic():
            notification_create(recipient=user, verb=Verb.NETWORK_INVITATION_ACCEPTED, actor=actor)
            # Inside the transaction nothing has been broadcast yet.
            from asgiref.sync import async_to_sync

            return async_to_sync(communicator.receive_nothing)(timeout=0.2)

    assert await database_sync_to_async(notify_and_check_silence)() is True
    frame = await receive(communicator)
    assert frame["type"] == "notification"
    assert frame["unread"] == 1
    assert frame["notification"]["seq"] == 1
    assert str(actor) in frame["notification"]["text"]
    await communicator.disconnect()


async def test_group_invitation_is_pushed_live_in_french():
    owner = await database_sync_to_async(UserFactory)(display_name="Sophie Girard")
    invitee = await database_sync_to_async(UserFactory)()

    def make_group():
        group = GroupFactory(name="Logiciels libres")
        MembershipFactory(workspace=group, user=owner, role="owner")
        return group

    group = await database_sync_to_async(make_group)()
    communicator, _connected, _ = await connect(invitee)
    await receive(communicator)  # hello
    await database_sync_to_async(group_invite)(actor=owner, group=group, invitee=invitee)
    frame = await receive(communicator)
    assert frame["notification"]["text"] == (
        "Sophie Girard vous invite à rejoindre le groupe Logiciels libres."
    )
    assert frame["notification"]["url"] == group.get_absolute_url()
    await communicator.disconnect()


async def test_a_user_never_receives_someone_elses_notifications():
    alice = await database_sync_to_async(UserFactory)()
    bob = await database_sync_to_async(UserFactory)()
    communicator, _, _ = await connect(bob)
    await receive(communicator)
    await database_sync_to_async(notification_create)(
        recipient=alice, verb=Verb.NETWORK_INVITATION_ACCEPTED
    )
    assert await communicator.receive_nothing(timeout=0.3)
    await communicator.disconnect()


async def test_a_notification_about_a_secret_group_one_cannot_see_is_not_sent():
    user = await database_sync_to_async(UserFactory)()
    group = await database_sync_to_async(GroupFactory)(visibility=Visibility.SECRET)
    communicator, _, _ = await connect(user)
    await receive(communicator)
    # Not a member (any more): the notification's subject is hidden, so is the notification.
    await database_sync_to_async(notification_create)(
        recipient=user, verb=Verb.GROUP_INVITED, target=group
    )
    frame = await receive(communicator)
    assert frame == {"type": "unread", "unread": 0}
    await communicator.disconnect()


async def test_resume_sends_what_was_missed_in_order():
    user = await database_sync_to_async(UserFactory)()

    def three():
        for _ in range(3):
            notification_create(recipient=user, verb=Verb.NETWORK_INVITATION_ACCEPTED)

    await database_sync_to_async(three)()
    communicator, _, _ = await connect(user)
    hello = await receive(communicator)
    assert hello["last_seq"] == 3
    assert hello["unread"] == 3
    await communicator.send_to(text_data=json.dumps({"type": "resume", "after": 1}))
    answer = await receive(communicator)
    assert answer["type"] == "resume"
    assert [n["seq"] for n in answer["notifications"]] == [2, 3]
    assert answer["last_seq"] == 3
    assert answer["more"] is False
    assert answer["unread"] == 3
    await communicator.disconnect()


async def test_a_long_resume_comes_in_pages_the_client_asks_for_one_after_the_other():
    user = await database_sync_to_async(UserFactory)()

    def many():
        Notification.objects.bulk_create(
            Notification(recipient=user, seq=seq, verb=Verb.NETWORK_INVITATION_ACCEPTED)
            for seq in range(1, 251)
        )
        type(user).objects.filter(pk=user.pk).update(notification_seq=250)

    await database_sync_to_async(many)()
    communicator, _, _ = await connect(user)
    assert (await receive(communicator))["last_seq"] == 250
    seqs, after, answers = [], 0, 0
    while True:
        await communicator.send_to(text_data=json.dumps({"type": "resume", "after": after}))
        answer = await receive(communicator)
        answers += 1
        assert answer["type"] == "resume"
        assert len(answer["notifications"]) <= 100
        seqs += [n["seq"] for n in answer["notifications"]]
        after = answer["last_seq"]
        if not answer["more"]:
            break
    assert seqs == list(range(1, 251))
    assert answers == 3
    await communicator.disconnect()


async def test_a_socket_that_floods_is_told_then_closed(settings):
    settings.WEBSOCKET_FRAME_BURST = 5
    settings.WEBSOCKET_FRAMES_PER_SECOND = 0.01
    user = await database_sync_to_async(UserFactory)()
    communicator, _, _ = await connect(user)
    await receive(communicator)
    for _ in range(5):
        await communicator.send_to(text_data=json.dumps({"type": "resume", "after": 0}))
        assert (await receive(communicator))["type"] == "resume"
    await communicator.send_to(text_data=json.dumps({"type": "resume", "after": 0}))
    error = await receive(communicator)
    assert error["type"] == "error"
    assert error["code"] == "rate_limited"
    assert error["message"] == "Trop de messages : ralentissez."
    # Told once; what follows is dropped unanswered, and a socket that sends a whole burst
    # more is closed.
    for _ in range(5):
        await communicator.send_to(text_data='{"type": "ping"}')
    output = await communicator.receive_output(timeout=3)
    assert output == {"type": "websocket.close", "code": 4429}


async def test_a_socket_within_the_rate_is_never_limited(settings):
    settings.WEBSOCKET_FRAME_BURST = 3
    settings.WEBSOCKET_FRAMES_PER_SECOND = 50
    user = await database_sync_to_async(UserFactory)()
    communicator, _, _ = await connect(user)
    await receive(communicator)
    for _ in range(12):
        await communicator.send_to(text_data='{"type": "ping"}')
        assert await receive(communicator) == {"type": "pong"}
        await asyncio.sleep(0.03)
    await communicator.disconnect()


async def test_reading_elsewhere_updates_the_counter():
    user = await database_sync_to_async(UserFactory)()
    await database_sync_to_async(notification_create)(
        recipient=user, verb=Verb.NETWORK_INVITATION_ACCEPTED
    )
    communicator, _, _ = await connect(user)
    assert (await receive(communicator))["unread"] == 1
    await database_sync_to_async(notifications_mark_read)(user=user)
    assert await receive(communicator) == {"type": "unread", "unread": 0}
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", "malformed"),
        ("[1, 2]", "malformed"),
        ('{"type": "launch-missiles"}', "unknown_type"),
        ('{"type": "resume", "after": "yesterday"}', "malformed"),
        ('{"type": "resume", "after": -4}', "malformed"),
        ('{"type": "resume", "after": true}', "malformed"),
        ('{"type": "ping", "pad": "' + "x" * 70_000 + '"}', "too_large"),
    ],
)
async def test_malformed_frames_get_an_error_event_and_the_socket_stays_open(frame, code):
    user = await database_sync_to_async(UserFactory)()
    communicator, _, _ = await connect(user)
    await receive(communicator)
    await communicator.send_to(text_data=frame)
    error = await receive(communicator)
    assert error["type"] == "error"
    assert error["code"] == code
    assert error["message"]
    await communicator.send_to(text_data='{"type": "ping"}')
    assert await receive(communicator) == {"type": "pong"}
    await communicator.disconnect()


async def test_binary_frame_gets_an_error_event():
    user = await database_sync_to_async(UserFactory)()
    communicator, _, _ = await connect(user)
    await receive(communicator)
    await communicator.send_to(bytes_data=b"\x00\x01")
    assert (await receive(communicator))["code"] == "binary"
    await communicator.disconnect()


async def test_closing_an_account_closes_its_sockets():
    admin = await database_sync_to_async(coordinator)()
    user = await database_sync_to_async(UserFactory)()
    communicator, _, _ = await connect(user)
    await receive(communicator)
    await database_sync_to_async(user_set_active)(actor=admin, user=user, active=False)
    output = await communicator.receive_output(timeout=3)
    assert output == {"type": "websocket.close", "code": 4403}


async def test_a_closed_account_cannot_open_a_socket():
    user = await database_sync_to_async(UserFactory)()
    key = await database_sync_to_async(session_for)(user)
    await database_sync_to_async(type(user).objects.filter(pk=user.pk).update)(is_active=False)
    communicator, _connected, _code = await connect(user, session_key=key)
    # No hello, nothing sent: closed as signed out (the session holds no usable account).
    assert await communicator.receive_output(timeout=3) == {
        "type": "websocket.close",
        "code": 4401,
    }


async def test_signing_out_elsewhere_closes_the_socket_at_the_next_event():
    user = await database_sync_to_async(UserFactory)()
    key = await database_sync_to_async(session_for)(user)
    communicator, _, _ = await connect(user, session_key=key)
    await receive(communicator)
    await database_sync_to_async(SessionStore(session_key=key).delete)()
    await database_sync_to_async(notification_create)(
        recipient=user, verb=Verb.NETWORK_INVITATION_ACCEPTED
    )
    output = await communicator.receive_output(timeout=3)
    assert output == {"type": "websocket.close", "code": 4401}
    assert await database_sync_to_async(Notification.objects.filter(recipient=user).count)() == 1
