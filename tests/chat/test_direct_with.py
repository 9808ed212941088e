"""« Send a message » from a colleague's profile: the conversation with that person, or a
button that starts it; a GET creates nothing, and someone one may not see answers 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from extranet.chat.models import Room, RoomKind
from extranet.network.selectors import message_url
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_network_offers_to_write_to_a_colleague_now_that_chat_is_installed():
    person = UserFactory(display_name="Inès")
    assert message_url(person) == reverse("chat:direct", args=[person.pk])


def test_writing_to_a_colleague_asks_first_then_starts_one_conversation(client):
    me, colleague = UserFactory(display_name="Nadia"), UserFactory(display_name="Inès")
    client.force_login(me)
    url = reverse("chat:direct", args=[colleague.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "Démarrer une conversation avec Inès" in page.content.decode()
    assert not Room.objects.exists()  # a GET creates nothing

    started = client.post(url)
    room = Room.objects.get()
    assert room.kind == RoomKind.DIRECT
    assert started.status_code == 302 and started["Location"] == room.get_absolute_url()

    # The next time, straight to that conversation; no second room.
    again = client.get(url)
    assert again.status_code == 302 and again["Location"] == room.get_absolute_url()
    client.post(url)
    assert Room.objects.count() == 1


def test_writing_to_a_closed_account_answers_404(client):
    me, gone = UserFactory(), UserFactory(is_active=False)
    client.force_login(me)
    assert client.get(reverse("chat:direct", args=[gone.pk])).status_code == 404
    assert client.post(reverse("chat:direct", args=[gone.pk])).status_code == 404
    assert client.get(reverse("chat:direct", args=[987654])).status_code == 404
    assert not Room.objects.exists()


def test_writing_to_oneself_leads_back_to_the_conversations(client):
    me = UserFactory()
    client.force_login(me)
    response = client.get(reverse("chat:direct", args=[me.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("chat:index")


def test_anonymous_visitors_are_sent_to_sign_in(client):
    person = UserFactory()
    response = client.get(reverse("chat:direct", args=[person.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Room.objects.exists()
