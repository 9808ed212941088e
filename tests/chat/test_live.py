"""The chat over the tab's one socket: stored first, numbered, broadcast after commit to the
room's members only; retried sends stored once; what was missed resumed in order."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from core.workspaces.models import Membership
from core.workspaces.services import membership_leave, membership_remove
from extranet.chat import services
from extranet.chat.models import Message, ModerationLog
from tests.chat.conftest import open_socket
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("release_connections"),
]


def send_frame(room, body, client_id, **extra):
    return {"type": "chat.send", "room": room.pk, "body": body, "client_id": client_id, **extra}


async def test_a_message_reaches_every_members_socket_once_and_no_one_elses(team):
    room = team["room"]
    alice = await open_socket(team["alice"])
    bob = await open_socket(team["bob"])
    outsider = await open_socket(team["outsider"])
    assert [r["id"] for r in alice.hello["rooms"]] == [room.pk]
    assert outsider.hello["rooms"] == []

    await alice.send(send_frame(room, "Bonjour **tout le monde**", "c-1"))
    ack = await alice.receive_type("chat.ack")
    assert ack == {"type": "chat.ack", "room": room.pk, "client_id": "c-1", "seq": 1}
    for client in (alice, bob):
        frame = await client.receive_type("chat.message")
        assert frame["message"]["seq"] == 1
        assert frame["message"]["html"] == "<p>Bonjour <strong>tout le monde</strong></p>"
        assert frame["message"]["author"]["id"] == team["alice"].pk
    assert await bob.nothing()
    assert await outsider.nothing()
    assert await database_sync_to_async(Message.objects.count)() == 1
    for client in (alice, bob, outsider):
        await client.close()


async def test_a_retried_send_is_stored_once_and_acknowledged_again(team):
    room = team["room"]
    alice = await open_socket(team["alice"])
    for _attempt in range(3):
        await alice.send(send_frame(room, "Une seule fois", "same-id"))
        assert (await alice.receive_type("chat.ack"))["seq"] == 1
    assert await database_sync_to_async(Message.objects.filter(room=room).count)() == 1
    await alice.close()


async def test_a_client_that_reconnects_gets_exactly_what_it_missed_in_order(team):
    room = team["room"]
    bob = await open_socket(team["bob"])
    await bob.send(send_frame(room, "premier", "b-1"))
    await bob.receive_type("chat.ack")
    await bob.close()

    def three_more():
        for n in range(2, 5):
            services.message_post(actor=team["alice"], room=room, body=f"n°{n}", client_id=f"a{n}")

    await database_sync_to_async(three_more)()
    bob = await open_socket(team["bob"])
    await bob.send({"type": "chat.resume", "room": room.pk, "after": 1})
    answer = await bob.receive_type("chat.resume")
    assert [m["seq"] for m in answer["messages"]] == [2, 3, 4]
    assert answer["last_rev"] == 4
    assert answer["more"] is False
    await bob.close()


async def test_history_pages_go_back_in_time(team, settings):
    settings.CHAT_MESSAGES_PER_MINUTE_NEW = 1000
    room = team["room"]

    def many():
        for n in range(1, 121):
            services.message_post(actor=team["owner"], room=room, body=f"m{n}", client_id=f"m{n}")

    await database_sync_to_async(many)()
    alice = await open_socket(team["alice"])
    await alice.send({"type": "chat.history", "room": room.pk})
    newest = await alice.receive_type("chat.history")
    assert [m["seq"] for m in newest["messages"]] == list(range(71, 121))
    assert newest["more"] is True
    await alice.send({"type": "chat.history", "room": room.pk, "before": 21})
    oldest = await alice.receive_type("chat.history")
    assert [m["seq"] for m in oldest["messages"]] == list(range(1, 21))
    assert oldest["more"] is False
    await alice.close()


async def test_removing_a_member_stops_their_sockets_receiving_the_room_at_once(team):
    room = team["room"]
    bob = await open_socket(team["bob"])
    membership = await database_sync_to_async(Membership.objects.get)(
        user=team["bob"], workspace=team["group"]
    )
    await database_sync_to_async(membership_remove)(actor=team["owner"], membership=membership)
    left = await bob.receive_type("chat.left")
    assert left["room"] == room.pk
    await database_sync_to_async(services.message_post)(
        actor=team["alice"], room=room, body="Bob n'est plus là", client_id="x"
    )
    # (He hears of his removal as a notification, not of the room any more.)
    assert [f for f in await bob.drain() if f["type"].startswith("chat.")] == []
    # Nor can the socket ask for it.
    await bob.send({"type": "chat.resume", "room": room.pk, "after": 0})
    assert (await bob.receive_type("error"))["code"] == "not_found"
    await bob.close()


async def test_leaving_the_group_stops_the_room_at_once(team):
    alice = await open_socket(team["alice"])
    await database_sync_to_async(membership_leave)(user=team["alice"], group=team["group"])
    assert (await alice.receive_type("chat.left"))["room"] == team["room"].pk
    await alice.close()


async def test_leaving_a_conversation_stops_it_at_once(team):
    room = await database_sync_to_async(services.direct_start)(
        actor=team["alice"], people=[team["bob"], team["outsider"]]
    )
    outsider = await open_socket(team["outsider"])
    assert room.pk in [r["id"] for r in outsider.hello["rooms"]]
    await database_sync_to_async(services.member_remove)(
        actor=team["outsider"], room=room, user=team["outsider"]
    )
    assert (await outsider.receive_type("chat.left"))["room"] == room.pk
    await database_sync_to_async(services.message_post)(
        actor=team["alice"], room=room, body="secret", client_id="s"
    )
    assert await outsider.nothing(0.5)
    await outsider.close()


async def test_someone_added_to_a_conversation_follows_it_live(team):
    alice = await open_socket(team["alice"])
    room = await database_sync_to_async(services.direct_start)(
        actor=team["bob"], people=[team["alice"]]
    )
    hello = await alice.receive_type("chat.hello")
    assert room.pk in [r["id"] for r in hello["rooms"]]
    await database_sync_to_async(services.message_post)(
        actor=team["bob"], room=room, body="Salut", client_id="s"
    )
    frame = await alice.receive_type("chat.message")
    assert frame["room"] == room.pk
    assert frame["unread_total"] == 1
    await alice.close()


async def test_typing_reaches_the_others_not_the_typist(team):
    room = team["room"]
    alice = await open_socket(team["alice"])
    bob = await open_socket(team["bob"])
    await alice.send({"type": "chat.typing", "room": room.pk})
    frame = await bob.receive_type("chat.typing")
    assert frame["user"] == team["alice"].pk
    assert frame["name"] == str(team["alice"])
    assert await alice.nothing()
    await alice.close()
    await bob.close()


async def test_presence_of_room_members(team):
    room = team["room"]
    alice = await open_socket(team["alice"])
    bob = await open_socket(team["bob"])
    await alice.send({"type": "chat.presence", "state": "away"})
    await bob.send({"type": "chat.presence", "state": "online"})
    await alice.send({"type": "chat.who", "room": room.pk})
    who = await alice.receive_type("chat.who")
    states = {p["id"]: p["state"] for p in who["people"]}
    assert states[team["alice"].pk] == "away"
    assert states[team["bob"].pk] == "online"
    assert states[team["owner"].pk] == "offline"
    assert team["outsider"].pk not in states
    await alice.close()
    await bob.close()


async def test_edit_and_delete_ones_own_and_moderators_delete_any_with_a_log(team):
    room = team["room"]
    alice = await open_socket(team["alice"])
    await alice.send(send_frame(room, "une fôte", "a1"))
    await alice.receive_type("chat.ack")
    await alice.receive_type("chat.message")
    await alice.send({"type": "chat.edit", "room": room.pk, "seq": 1, "body": "une faute"})
    edited = (await alice.receive_type("chat.message"))["message"]
    assert (edited["seq"], edited["rev"], edited["edited"]) == (1, 2, True)
    assert edited["html"] == "<p>une faute</p>"

    bob = await open_socket(team["bob"])
    await bob.send({"type": "chat.edit", "room": room.pk, "seq": 1, "body": "piraté"})
    assert (await bob.receive_type("error"))["code"] == "forbidden"
    await bob.send({"type": "chat.delete", "room": room.pk, "seq": 1})
    assert (await bob.receive_type("error"))["code"] == "forbidden"

    moderator = await open_socket(team["moderator"])
    await moderator.send({"type": "chat.delete", "room": room.pk, "seq": 1})
    deleted = (await alice.receive_type("chat.message"))["message"]
    assert deleted["deleted"] is True
    assert deleted["html"] == deleted["body"] == ""
    log = await database_sync_to_async(ModerationLog.objects.get)()
    assert log.moderator_id == team["moderator"].pk
    assert log.body == "une faute"
    for client in (alice, bob, moderator):
        await client.close()


async def test_reactions_and_replies(team):
    room = team["room"]
    alice = await open_socket(team["alice"])
    await alice.send(send_frame(room, "Qui vient jeudi ?", "q"))
    await alice.receive_type("chat.ack")
    bob = await open_socket(team["bob"])
    await bob.send(send_frame(room, "Moi !", "r", reply_to=1))
    reply = (await alice.receive_type("chat.message"))["message"]
    while reply["seq"] != 2:
        reply = (await alice.receive_type("chat.message"))["message"]
    assert reply["reply_to"] == {
        "seq": 1,
        "author": str(team["alice"]),
        "excerpt": "Qui vient jeudi ?",
    }
    await bob.send({"type": "chat.react", "room": room.pk, "seq": 1, "emoji": "👍"})
    reacted = (await alice.receive_type("chat.message"))["message"]
    assert reacted["seq"] == 1
    assert reacted["reactions"] == {"👍": [team["bob"].pk]}
    await alice.close()
    await bob.close()


async def test_a_mention_notifies_the_person_mentioned_if_they_may_read_the_room(team):
    from core.notifications.models import Notification

    def handles():
        for key in ("bob", "outsider"):
            type(team[key]).objects.filter(pk=team[key].pk).update(handle=key)

    await database_sync_to_async(handles)()
    await database_sync_to_async(services.message_post)(
        actor=team["alice"], room=team["room"], body="@bob et @outsider : venez", client_id="m"
    )
    notified = await database_sync_to_async(list)(
        Notification.objects.values_list("recipient_id", "verb")
    )
    assert notified == [(team["bob"].pk, "chat.mention")]


async def test_an_archived_groups_room_is_read_only(team):
    from django.utils import timezone

    await database_sync_to_async(type(team["group"]).objects.filter(pk=team["group"].pk).update)(
        archived_at=timezone.now()
    )
    alice = await open_socket(team["alice"])
    assert [r["can_post"] for r in alice.hello["rooms"]] == [False]
    await alice.send(send_frame(team["room"], "encore ?", "z"))
    assert (await alice.receive_type("error"))["code"] == "forbidden"
    await alice.close()


async def test_the_header_counter_counts_unread_messages_of_others(team):
    room = team["room"]
    bob = await open_socket(team["bob"])
    assert bob.hello["unread_total"] == 0
    await database_sync_to_async(services.message_post)(
        actor=team["alice"], room=room, body="un", client_id="1"
    )
    assert (await bob.receive_type("chat.message"))["unread_total"] == 1
    await bob.send({"type": "chat.read", "room": room.pk, "seq": 1})
    assert (await bob.receive_type("chat.read"))["unread_total"] == 0
    await bob.close()
    # A new socket counts from the database.
    await database_sync_to_async(services.message_post)(
        actor=team["alice"], room=room, body="deux", client_id="2"
    )
    bob = await open_socket(team["bob"])
    assert bob.hello["unread_total"] == 1
    await bob.send({"type": "chat.mute", "room": room.pk, "muted": True})
    assert (await bob.receive_type("chat.muted"))["unread_total"] == 0
    await bob.close()


async def test_a_new_account_may_send_fewer_messages_a_minute(team, settings):
    settings.CHAT_MESSAGES_PER_MINUTE = 10
    settings.CHAT_MESSAGES_PER_MINUTE_NEW = 3
    newcomer = team["alice"]  # joined today
    alice = await open_socket(newcomer)
    for n in range(3):
        await alice.send(send_frame(team["room"], f"m{n}", f"c{n}"))
        await alice.receive_type("chat.ack")
    await alice.send(send_frame(team["room"], "de trop", "c9"))
    error = await alice.receive_type("error")
    assert error["code"] == "rate_limited"
    assert error["client_id"] == "c9"
    assert error["message"] == "Vous envoyez des messages trop vite : patientez un instant."
    await alice.close()

    from datetime import timedelta

    from django.utils import timezone

    veteran = await database_sync_to_async(UserFactory)(
        date_joined=timezone.now() - timedelta(days=400)
    )
    await database_sync_to_async(team["group"].memberships.create)(user=veteran)
    old = await open_socket(veteran)
    for n in range(5):
        await old.send(send_frame(team["room"], f"v{n}", f"v{n}"))
        await old.receive_type("chat.ack")
    await old.close()


async def test_joining_a_group_follows_its_room_at_once(team):
    from core.workspaces.models import JoinPolicy
    from core.workspaces.services import group_join

    newcomer = await database_sync_to_async(UserFactory)()
    socket = await open_socket(newcomer)
    assert socket.hello["rooms"] == []
    group = team["group"]
    await database_sync_to_async(type(group).objects.filter(pk=group.pk).update)(
        join_policy=JoinPolicy.OPEN
    )
    group.join_policy = JoinPolicy.OPEN
    await database_sync_to_async(group_join)(user=newcomer, group=group)
    hello = await socket.receive_type("chat.hello")
    assert [r["id"] for r in hello["rooms"]] == [team["room"].pk]
    await database_sync_to_async(services.message_post)(
        actor=team["alice"], room=team["room"], body="Bienvenue !", client_id="w"
    )
    assert (await socket.receive_type("chat.message"))["room"] == team["room"].pk
    await socket.close()
