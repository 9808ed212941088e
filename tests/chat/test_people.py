"""Who is in a conversation, and who may post in a channel: a conversation's members add
someone (by handle) or leave; a channel's moderators choose its posters; anyone else is
refused, and someone who may not read the room finds nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from extranet.chat import services
from extranet.chat.models import RoomMember
from tests.factories import UserFactory, coordinator

pytestmark = pytest.mark.django_db


def people_url(room) -> str:
    return reverse("chat:people", args=[room.pk])


def test_a_member_adds_someone_by_handle_and_a_mistyped_handle_changes_nothing(client):
    nadia = UserFactory(display_name="Nadia", handle="nadia")
    ines = UserFactory(display_name="Inès", handle="ines")
    omar = UserFactory(display_name="Omar", handle="omar")
    room = services.direct_start(actor=nadia, people=[ines])
    client.force_login(nadia)

    page = client.get(people_url(room)).content.decode()
    assert "Inès" in page and "@ines" in page
    assert "Ajouter quelqu’un à la conversation" in page

    wrong = client.post(people_url(room), {"action": "add", "handle": "@omarr"})
    assert wrong.status_code == 200
    assert "Personne ne correspond à cet identifiant." in wrong.content.decode()
    assert not RoomMember.objects.filter(room=room, user=omar).exists()

    added = client.post(people_url(room), {"action": "add", "handle": "@Omar"})
    assert added.status_code == 302
    assert RoomMember.objects.filter(room=room, user=omar).exists()
    client.force_login(omar)
    assert client.get(room.get_absolute_url()).status_code == 200


def test_leaving_a_conversation_takes_one_out_of_it(client):
    nadia, ines = UserFactory(), UserFactory()
    room = services.direct_start(actor=nadia, people=[ines])
    client.force_login(ines)
    response = client.post(people_url(room), {"action": "leave"})
    assert response.status_code == 302 and response["Location"] == reverse("chat:index")
    assert not RoomMember.objects.filter(room=room, user=ines).exists()
    assert client.get(room.get_absolute_url()).status_code == 404


def test_nobody_takes_someone_else_out_of_a_conversation(client):
    nadia, ines = UserFactory(), UserFactory()
    room = services.direct_start(actor=nadia, people=[ines])
    client.force_login(nadia)
    response = client.post(people_url(room), {"action": "remove", "user": ines.pk})
    assert response.status_code == 403
    assert RoomMember.objects.filter(room=room, user=ines).exists()


def test_a_channels_moderator_chooses_its_posters_and_a_reader_may_not(client):
    boss = coordinator()
    poster = UserFactory(display_name="Paul", handle="paul")
    reader = UserFactory(handle="lecteur")
    channel = services.channel_create(
        actor=boss, name="Annonces", restricted_posting=True, posters=[poster]
    )
    client.force_login(reader)
    page = client.get(people_url(channel))
    assert page.status_code == 200
    assert "seules les personnes ci-dessous peuvent y écrire" in page.content.decode()
    assert "Paul" in page.content.decode()
    refused = client.post(people_url(channel), {"action": "add", "handle": "lecteur"})
    assert refused.status_code == 403
    refused = client.post(people_url(channel), {"action": "remove", "user": poster.pk})
    assert refused.status_code == 403
    assert list(channel.members.values_list("user", flat=True)) == [poster.pk]

    client.force_login(boss)
    client.post(people_url(channel), {"action": "add", "handle": "lecteur"})
    client.post(people_url(channel), {"action": "remove", "user": poster.pk})
    assert list(channel.members.values_list("user", flat=True)) == [reader.pk]


def test_someone_outside_a_conversation_finds_nothing(client):
    nadia, ines = UserFactory(), UserFactory()
    room = services.direct_start(actor=nadia, people=[ines])
    client.force_login(UserFactory())
    assert client.get(people_url(room)).status_code == 404
    assert client.post(people_url(room), {"action": "leave"}).status_code == 404
