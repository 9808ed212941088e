"""The chat's part of the demo network: two network channels and a few messages."""

from __future__ import annotations

from core.accounts.models import User
from core.registry import DemoContext
from extranet.chat import services
from extranet.chat.models import Room, RoomKind


def load_chat_demo(context: DemoContext) -> str | None:
    if Room.objects.filter(kind=RoomKind.CHANNEL, name="Entraide").exists():
        return None
    coordinator = User.objects.filter(network_role="coordinator", is_active=True).first()
    if coordinator is None:
        return None
    entraide = services.channel_create(
        actor=coordinator, name="Entraide", topic="Une question ? Le réseau répond."
    )
    services.channel_create(
        actor=coordinator,
        name="Annonces",
        topic="Les nouvelles du réseau.",
        restricted_posting=True,
        posters=[coordinator],
    )
    people = [p for p in context.people.values() if p.pk != coordinator.pk][:2]
    lines = [
        (coordinator, "Bienvenue sur le canal **Entraide** : posez vos questions ici."),
        *[(p, "Bonjour à toutes et à tous !") for p in people],
    ]
    for number, (author, body) in enumerate(lines):
        services.message_post(actor=author, room=entraide, body=body, client_id=f"demo-{number}")
    return "Chat: channels « Entraide » and « Annonces » added."
