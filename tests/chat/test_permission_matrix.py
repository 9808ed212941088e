"""Who may see a room, on every read path: the room list, the history page, a live event,
the search, an attachment's download; who may post. A room one may not read answers 404 and
is never counted."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core import registry
from core.permissions import can
from core.workspaces.models import MembershipRole, Visibility
from extranet.chat import selectors, services
from extranet.chat.models import Attachment, Room, RoomKind
from extranet.files.services import file_upload
from tests.chat.conftest import open_socket
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    UserFactory,
    coordinator,
    france,
    local_admin,
)

WORD = "zygomatique"


@pytest.fixture
def world(db, settings):
    settings.CHAT_MESSAGES_PER_MINUTE_NEW = 1000
    places = france()
    people = {
        "member": UserFactory(handle="membre"),
        "moderator": UserFactory(),
        "other_member": UserFactory(),
        "outsider": UserFactory(),
        "closed": UserFactory(),
        "coordinator": coordinator(),
        "admin_here": local_admin(places["pma"]),
        "admin_elsewhere": local_admin(places["lot"]),
        "lot_resident": UserFactory(home_territory=places["gourdon"]),
    }
    secret = GroupFactory(visibility=Visibility.SECRET, territory=places["montbeliard"])
    MembershipFactory(workspace=secret, user=people["member"])
    MembershipFactory(workspace=secret, user=people["moderator"], role=MembershipRole.MODERATOR)
    no_chat = GroupFactory(chat_enabled=False)
    MembershipFactory(workspace=no_chat, user=people["member"])
    rooms = {
        "secret_group": services.group_room(workspace=secret),
        "no_chat_group": Room.objects.create(kind=RoomKind.GROUP, workspace=no_chat),
        "direct": services.direct_start(actor=people["member"], people=[people["other_member"]]),
        "network_channel": services.channel_create(actor=people["coordinator"], name="Entraide"),
        "lot_channel": services.channel_create(
            actor=people["admin_elsewhere"], name="Lot", territory=places["lot"]
        ),
    }
    version = file_upload(
        actor=people["member"],
        workspace=secret,
        folder=None,
        upload=SimpleUploadedFile("notes.txt", b"Notes\n"),
        name="notes.txt",
    )
    authors = {
        "secret_group": people["member"],
        "no_chat_group": people["member"],
        "direct": people["member"],
        "network_channel": people["coordinator"],
        "lot_channel": people["lot_resident"],
    }
    messages = {}
    for key, room in rooms.items():
        if key == "no_chat_group":
            from extranet.chat.models import Message

            messages[key] = Message.objects.create(
                room=room, seq=1, rev=1, author=people["member"], client_id="x", body=WORD
            )
            continue
        files = [version.file_id] if key == "secret_group" else []
        messages[key], _created = services.message_post(
            actor=authors[key], room=room, body=f"{WORD} {key}", client_id=key, file_ids=files
        )
    type(people["closed"]).objects.filter(pk=people["closed"].pk).update(is_active=False)
    people["closed"].refresh_from_db()
    return {"people": people, "rooms": rooms, "messages": messages}


# Who reads which room (everyone else: 404, not listed, not counted, not found).
READERS = {
    "secret_group": {"member", "moderator"},
    "no_chat_group": set(),
    "direct": {"member", "other_member"},
    "network_channel": {
        "member",
        "moderator",
        "other_member",
        "outsider",
        "coordinator",
        "admin_here",
        "admin_elsewhere",
        "lot_resident",
    },
    "lot_channel": {"lot_resident", "admin_elsewhere", "coordinator"},
}
PEOPLE = [
    "member",
    "moderator",
    "other_member",
    "outsider",
    "closed",
    "coordinator",
    "admin_here",
    "admin_elsewhere",
    "lot_resident",
]


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", PEOPLE)
def test_the_room_list_and_the_rule_agree_with_the_matrix(world, who):
    user = world["people"][who]
    listed = {r.pk for r in selectors.rooms_for(user)} if user.is_active else set()
    for key, room in world["rooms"].items():
        expected = who in READERS[key]
        assert can(user, "view", room) is expected, (who, key)
        assert (room.pk in listed) is expected, (who, key)


@pytest.mark.parametrize("who", [p for p in PEOPLE if p != "closed"])
def test_history_pages_answer_404_to_who_may_not_read(world, who):
    client = browser(world["people"][who])
    for key, room in world["rooms"].items():
        response = client.get(reverse("chat:room", args=[room.pk]))
        assert response.status_code == (200 if who in READERS[key] else 404), (who, key)
        if response.status_code == 200:
            assert WORD in response.content.decode()


@pytest.mark.parametrize("who", [p for p in PEOPLE if p != "closed"])
def test_the_people_of_a_room_are_listed_only_to_who_may_read_it(world, who):
    client = browser(world["people"][who])
    for key, room in world["rooms"].items():
        response = client.get(reverse("chat:people", args=[room.pk]))
        assert response.status_code == (200 if who in READERS[key] else 404), (who, key)


@pytest.mark.parametrize("who", [p for p in PEOPLE if p != "closed"])
def test_search_finds_only_messages_of_rooms_one_may_read(world, who):
    kind = registry.search_kinds.get("chat.message")
    found = {r.url for r in kind.search(world["people"][who], WORD)}
    expected = {world["messages"][key].get_absolute_url() for key in READERS if who in READERS[key]}
    assert found == expected


@pytest.mark.parametrize("who", [p for p in PEOPLE if p != "closed"])
def test_an_attachment_downloads_only_for_who_reads_the_room(world, who):
    attachment = Attachment.objects.get()
    response = browser(world["people"][who]).get(reverse("chat:attachment", args=[attachment.pk]))
    expected = 200 if who in READERS["secret_group"] else 404
    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == b"Notes\n"


# Who moderates which room: deletes anyone's message and reads the moderation log.
MODERATORS = {
    "secret_group": {"moderator"},
    "no_chat_group": set(),
    "direct": set(),
    "network_channel": {"coordinator"},
    "lot_channel": {"admin_elsewhere", "coordinator"},
}


@pytest.mark.parametrize("who", [p for p in PEOPLE if p != "closed"])
def test_the_moderation_log_is_for_moderators_and_hidden_from_who_may_not_read(world, who):
    """A moderator reads what deleted messages said; a reader who does not moderate is
    refused (403: the room is no secret to them); anyone else finds nothing (404)."""
    people = world["people"]
    for key, moderators in MODERATORS.items():
        if moderators:  # a reader's message, deleted by a moderator
            poster = people[sorted(READERS[key] - moderators)[0]]
            message, _created = services.message_post(
                actor=poster, room=world["rooms"][key], body=f"Hors sujet {key}", client_id="hs"
            )
            services.message_delete(actor=people[sorted(moderators)[0]], message=message)
    user = people[who]
    client = browser(user)
    for key, room in world["rooms"].items():
        assert can(user, "moderate", room) is (who in MODERATORS[key]), (who, key)
        response = client.get(reverse("chat:moderation_log", args=[room.pk]))
        if who in MODERATORS[key]:
            assert response.status_code == 200, (who, key)
            assert f"Hors sujet {key}" in response.content.decode()
        else:
            expected = 403 if who in READERS[key] else 404
            assert response.status_code == expected, (who, key)
        room_page = client.get(reverse("chat:room", args=[room.pk])).content.decode()
        log_link = reverse("chat:moderation_log", args=[room.pk])
        assert (log_link in room_page) is (who in MODERATORS[key]), (who, key)


def test_anonymous_visitors_are_sent_to_sign_in(world):
    room = world["rooms"]["network_channel"]
    response = Client().get(reverse("chat:room", args=[room.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("who", ["member", "outsider", "lot_resident", "coordinator"])
def test_live_events_reach_exactly_the_readers(world, who):
    async def scenario():
        user = world["people"][who]
        client = await open_socket(user)
        followed = {r["id"] for r in client.hello["rooms"]}
        for key, room in world["rooms"].items():
            assert (room.pk in followed) is (who in READERS[key]), key
            await database_sync_to_async(services.message_post)(
                actor=room_author(world, key), room=room, body="live", client_id=f"live-{key}"
            ) if key != "no_chat_group" else None
        received = {f["room"] for f in await client.drain(0.8) if f["type"] == "chat.message"}
        expected = {
            room.pk
            for key, room in world["rooms"].items()
            if who in READERS[key] and key != "no_chat_group"
        }
        assert received == expected
        # Asking for a room one may not read: the same answer as for one that does not exist.
        forbidden = [r for k, r in world["rooms"].items() if who not in READERS[k]]
        for room in [*forbidden, None]:
            await client.send({"type": "chat.resume", "room": room.pk if room else 99999})
            assert (await client.receive_type("error"))["code"] == "not_found"
        await client.close()

    async_to_sync(scenario)()


def room_author(world, key):
    return {
        "secret_group": world["people"]["moderator"],
        "direct": world["people"]["other_member"],
        "network_channel": world["people"]["coordinator"],
        "lot_channel": world["people"]["admin_elsewhere"],
    }.get(key)


def test_only_chosen_people_post_in_a_restricted_channel(world):
    people = world["people"]
    annonces = services.channel_create(
        actor=people["coordinator"],
        name="Annonces",
        restricted_posting=True,
        posters=[people["moderator"]],
    )
    assert can(people["moderator"], "post", annonces)
    assert can(people["coordinator"], "post", annonces)
    assert not can(people["member"], "post", annonces)
    assert can(people["member"], "view", annonces)


def test_who_creates_channels(world):
    people = world["people"]
    lot = world["rooms"]["lot_channel"].territory
    assert can(people["coordinator"], "create_chat_channel")
    assert can(people["admin_elsewhere"], "create_chat_channel", lot)
    assert not can(people["admin_here"], "create_chat_channel", lot)
    assert not can(people["member"], "create_chat_channel")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.channel_create(actor=people["admin_here"], name="Réseau entier")
    response = browser(people["member"]).get(reverse("chat:channel_new"))
    assert response.status_code == 403


def test_unread_counts_never_count_what_one_may_not_read(world):
    people = world["people"]
    rooms = list(selectors.rooms_for(people["outsider"]))
    assert [r.pk for r in rooms] == [world["rooms"]["network_channel"].pk]
    assert selectors.unread_total(rooms) == 1
