"""A mention in the chat is a notification like the others: e-mailed at once or in the
digest, leading to the message, and only to who may still read the room."""

from __future__ import annotations

from django.test import override_settings

from core.notifications.models import EmailFrequency, Notification
from core.notifications.services import email_preference_set, notification_email_send
from extranet.chat import services
from tests.core.test_notification_emails import run_digests


def test_a_mention_is_emailed_with_a_link_to_the_message(team, mailoutbox):
    type(team["bob"]).objects.filter(pk=team["bob"].pk).update(handle="bob")
    message, _created = services.message_post(
        actor=team["alice"], room=team["room"], body="@bob tu peux voir ?", client_id="m"
    )
    notification = Notification.objects.get(recipient=team["bob"])
    with override_settings(LANGUAGE_CODE="fr"):
        assert notification_email_send(notification_id=notification.pk) == "sent"
    body = mailoutbox[-1].body
    assert f"{team['alice']} vous a mentionné dans la messagerie (Atelier vidéo)." in body
    assert message.get_absolute_url() in body


def test_a_mention_reaches_the_digest_unless_the_room_is_no_longer_readable(team, mailoutbox):
    bob = team["bob"]
    type(bob).objects.filter(pk=bob.pk).update(handle="bob")
    email_preference_set(user=bob, frequency=EmailFrequency.DAILY)
    services.message_post(actor=team["alice"], room=team["room"], body="@bob salut", client_id="a")
    run_digests("daily")
    assert len(mailoutbox) == 1
    assert "vous a mentionné dans la messagerie" in mailoutbox[0].body
    # Removed from the group meanwhile: the next mention is not sent.
    services.message_post(actor=team["alice"], room=team["room"], body="@bob encore", client_id="b")
    team["group"].memberships.filter(user=bob).delete()
    run_digests("daily")
    assert len(mailoutbox) == 1
