"""Two people chat in two browsers: one types (the other sees it), sends with Enter (the
other sees the message, and the unread counter in the header on another page), the other
replies to it (shown as a reply), she reacts to the reply, and he corrects it in place."""

from __future__ import annotations

from playwright.sync_api import expect

from core.workspaces.models import MembershipRole
from extranet.chat import services
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, GroupFactory, MembershipFactory, UserFactory


def test_two_people_chat_with_typing_unread_and_reply(new_page):
    alice = UserFactory(email="alice@exemple.fr", display_name="Alice Martin")
    bob = UserFactory(email="bob@exemple.fr", display_name="Bob Durand")
    group = GroupFactory(name="Atelier vidéo")
    MembershipFactory(workspace=group, user=alice, role=MembershipRole.OWNER)
    MembershipFactory(workspace=group, user=bob)
    room = services.group_room(workspace=group)

    a = new_page()
    sign_in(a, "alice@exemple.fr", PASSWORD)
    b = new_page()
    sign_in(b, "bob@exemple.fr", PASSWORD)

    # Bob is elsewhere: the header counts what arrives.
    b.goto("/espace/")
    a.goto(room.get_absolute_url())
    composer = a.get_by_label("Message", exact=True)
    composer.fill("Qui vient jeudi ?")
    composer.press("Enter")
    expect(a.locator(".chat-message", has_text="Qui vient jeudi ?")).to_be_visible()
    chat_link = b.get_by_role("link", name="Messagerie")
    expect(chat_link.locator("[data-nav-count] [data-count]")).to_have_text("1")
    expect(chat_link).to_have_accessible_name("Messagerie 1 non lues")

    # Bob opens the room: the message is there; Alice sees him typing.
    b.goto(room.get_absolute_url())
    message = b.locator(".chat-message", has_text="Qui vient jeudi ?")
    expect(message).to_be_visible()
    b.wait_for_timeout(500)  # connected
    reply_box = b.get_by_label("Message", exact=True)
    message.get_by_role("button", name="Répondre").click()
    expect(b.get_by_text("Réponse à Alice Martin")).to_be_visible()
    reply_box.press_sequentially("Moi !")
    expect(a.get_by_text("Bob Durand écrit…")).to_be_visible()
    reply_box.press("Shift+Enter")
    reply_box.press_sequentially("Avec la caméra.")
    reply_box.press("Enter")

    reply = a.locator(".chat-message", has_text="Avec la caméra.")
    expect(reply).to_be_visible()
    expect(reply.locator(".chat-reply")).to_contain_text("En réponse à Alice Martin")
    expect(reply.locator(".chat-body")).to_contain_text("Moi !")
    # Announced politely to screen readers.
    expect(a.locator("[data-chat-announce]")).to_have_text("Nouveau message de Bob Durand")
    expect(b.get_by_label("Message", exact=True)).to_have_value("")

    # Alice reacts to the reply with one of the six reactions, by keyboard; Bob sees it.
    picker = reply.locator("summary", has_text="Réagir")
    picker.focus()
    picker.press("Enter")
    party = reply.get_by_role("button", name="Réagir 🎉")
    expect(party).to_be_visible()
    party.focus()
    party.press("Enter")
    on_bob = b.locator(".chat-message", has_text="Avec la caméra.").locator(".chat-reactions")
    expect(on_bob).to_contain_text("🎉 1")

    # Bob corrects his reply in place; Escape first puts it back untouched.
    mine = b.locator(".chat-message", has_text="Avec la caméra.")
    mine.get_by_role("button", name="Modifier").click()
    box = mine.get_by_role("textbox", name="Modifier")
    expect(box).to_be_focused()
    box.press("Escape")
    expect(box).to_have_count(0)
    mine.get_by_role("button", name="Modifier").click()
    box = mine.get_by_role("textbox", name="Modifier")
    box.fill("Moi ! Avec le trépied.")
    box.press("Enter")
    edited = a.locator(".chat-message", has_text="Avec le trépied.")
    expect(edited).to_contain_text("modifié")
    expect(edited.locator(".chat-reactions")).to_contain_text("🎉 1")

    # Alice owns the group: she moderates its room and reads its (empty) moderation log.
    a.get_by_role("link", name="Journal de modération").click()
    expect(a.get_by_text("Aucun message n’a été supprimé par un modérateur.")).to_be_visible()
    # A direct conversation lists its people, and offers to add someone.
    direct = services.direct_start(actor=alice, people=[bob])
    a.goto(direct.get_absolute_url())
    a.get_by_role("link", name="Personnes").click()
    expect(a.locator(".chat-people")).to_contain_text("Bob Durand")
    expect(a.get_by_label("Son identifiant")).to_be_visible()
