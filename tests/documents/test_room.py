"""The room of a co-edited document, through the real ASGI application (origin check,
session, routing): sync, storing before relaying, awareness, limits, rights."""

from __future__ import annotations

import json

import pycrdt
import pytest
from channels.db import aclose_old_connections, database_sync_to_async

from core.workspaces.models import Visibility
from core.workspaces.services import group_archive, membership_remove
from extranet.documents import services, ydoc
from extranet.documents.models import Document, Update
from tests.documents.conftest import open_client
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
async def _release():
    yield
    await aclose_old_connections()


@database_sync_to_async
def setup(visibility=Visibility.NETWORK):
    owner = UserFactory()
    member = UserFactory()
    outsider = UserFactory()
    group = GroupFactory(visibility=visibility)
    MembershipFactory(workspace=group, user=owner, role="owner")
    membership = MembershipFactory(workspace=group, user=member)
    document = services.document_create(actor=owner, workspace=group, title="Ordre du jour")
    return {
        "owner": owner,
        "member": member,
        "outsider": outsider,
        "group": group,
        "membership": membership,
        "document": document,
    }


def stored_text(document_id: int) -> str:
    state = services.document_state(document_id)
    return str(ydoc.load(state).get("text", type=pycrdt.Text))


async def test_an_update_is_stored_then_relayed_to_the_others_not_to_its_sender():
    w = await setup()
    alice = await open_client(w["document"], w["owner"])
    bob = await open_client(w["document"], w["member"])
    await alice.drain()
    await alice.type("Bonjour")
    frame = await bob.next()
    while frame.kind != ydoc.MESSAGE_SYNC:
        frame = await bob.next()
    assert frame.sync == ydoc.SYNC_UPDATE
    assert str(bob.text) == "Bonjour"
    # Stored before bob heard of it.
    assert await database_sync_to_async(stored_text)(w["document"].pk) == "Bonjour"
    # Alice does not get her own update back (only awareness queries, if anything).
    await alice.drain()
    assert str(alice.text) == "Bonjour"
    await alice.communicator.disconnect()
    await bob.communicator.disconnect()


async def test_a_client_joining_later_loads_everything_stored():
    w = await setup()
    alice = await open_client(w["document"], w["owner"])
    await alice.type("Premier point. ")
    await alice.type("Second point.")
    await alice.drain()
    await alice.communicator.disconnect()
    carol = await open_client(w["document"], w["member"])
    assert str(carol.text) == "Premier point. Second point."
    await carol.communicator.disconnect()


async def test_a_reconnecting_client_sends_what_the_server_missed():
    w = await setup()
    alice = await open_client(w["document"], w["owner"], sync=False)
    # Edits made offline are in alice's document only.
    alice.text += "écrit hors ligne"
    await alice.sync()  # answers the server's step 1 with them
    await alice.drain()
    assert await database_sync_to_async(stored_text)(w["document"].pk) == "écrit hors ligne"
    await alice.communicator.disconnect()


async def test_saved_acknowledgements_come_after_the_commit_for_clients_that_ask():
    w = await setup()
    alice = await open_client(w["document"], w["owner"], ack=True)
    await alice.drain()
    await alice.type("x")
    frame = await alice.next()
    while frame.kind != ydoc.MESSAGE_SAVED:
        frame = await alice.next()
    count, _ = ydoc.read_var_uint(frame.payload, 0)
    assert count >= 1
    assert await database_sync_to_async(stored_text)(w["document"].pk) == "x"
    await alice.communicator.disconnect()


def awareness(client: int, clock: int, state: bytes) -> bytes:
    payload = ydoc.write_var_uint(1) + ydoc.write_var_uint(client) + ydoc.write_var_uint(clock)
    return payload + ydoc.write_var_uint(len(state)) + state


async def test_awareness_is_relayed_to_the_others_and_never_stored():
    w = await setup()
    alice = await open_client(w["document"], w["owner"])
    bob = await open_client(w["document"], w["member"])
    await alice.drain()
    await bob.drain()
    name = str(w["owner"]).encode()
    payload = awareness(42, 1, b'{"user":{"name":"' + name + b'","color":"#1d3f6e"}}')
    await alice.send(ydoc.awareness_frame(payload))
    frame = await bob.next()
    assert frame.kind == ydoc.MESSAGE_AWARENESS
    assert frame.payload == payload
    assert await database_sync_to_async(Update.objects.count)() == 0
    # When alice leaves, bob hears that her client is gone.
    await alice.communicator.disconnect()
    frame = await bob.next()
    assert frame.kind == ydoc.MESSAGE_AWARENESS
    assert ydoc.awareness_clients(frame.payload) == {42: 2}
    await bob.communicator.disconnect()


async def test_a_caret_shows_the_accounts_name_whatever_name_the_client_writes():
    w = await setup()
    alice = await open_client(w["document"], w["owner"])
    bob = await open_client(w["document"], w["member"])
    await alice.drain()
    await bob.drain()
    spoofed = '{"user":{"name":"La coordinatrice","color":"#1d3f6e"},"cursor":null}'
    await alice.send(ydoc.awareness_frame(awareness(42, 3, spoofed.encode())))
    frame = await bob.next()
    payload, clients = ydoc.signed_awareness(frame.payload, None)
    assert clients == {42: 3}
    _count, pos = ydoc.read_var_uint(payload, 0)
    _client, pos = ydoc.read_var_uint(payload, pos)
    _clock, pos = ydoc.read_var_uint(payload, pos)
    state, _pos = ydoc.read_var_bytes(payload, pos)
    assert json.loads(state) == {
        "user": {"name": str(w["owner"]), "color": "#1d3f6e"},
        "cursor": None,
    }
    await alice.communicator.disconnect()
    await bob.communicator.disconnect()


async def test_reader_who_may_not_contribute_reads_but_cannot_change_the_document():
    w = await setup()
    alice = await open_client(w["document"], w["owner"])
    await alice.type("Texte")
    await alice.drain()
    reader = await open_client(w["document"], w["outsider"])
    assert str(reader.text) == "Texte"
    await reader.type(" vandalisé")
    closed = await reader.close_frame()
    assert closed["code"] == 4403
    assert await database_sync_to_async(stored_text)(w["document"].pk) == "Texte"
    await alice.communicator.disconnect()


async def test_secret_group_document_is_not_found_for_outsiders_and_anonymous_must_sign_in():
    w = await setup(Visibility.SECRET)
    outsider = await open_client(w["document"], w["outsider"], sync=False)
    assert (await outsider.close_frame())["code"] == 4404
    anonymous = await open_client(w["document"], None, sync=False)
    assert (await anonymous.close_frame())["code"] == 4401


async def test_a_removed_members_socket_is_closed_at_once():
    w = await setup(Visibility.SECRET)
    bob = await open_client(w["document"], w["member"])
    await bob.drain()
    await database_sync_to_async(membership_remove)(actor=w["owner"], membership=w["membership"])
    closed = await bob.close_frame()
    assert closed["code"] == 4404
    assert await database_sync_to_async(Update.objects.count)() == 0


async def test_archiving_the_group_closes_writers_who_come_back_read_only():
    w = await setup()
    bob = await open_client(w["document"], w["member"])
    await bob.drain()
    group = w["group"]
    await database_sync_to_async(group_archive)(actor=w["owner"], group=group)
    assert (await bob.close_frame())["code"] == 4403
    again = await open_client(w["document"], w["member"])
    await again.type("après archivage")
    assert (await again.close_frame())["code"] == 4403
    assert await database_sync_to_async(stored_text)(w["document"].pk) == ""


async def test_trashing_a_document_closes_its_sockets():
    w = await setup()
    bob = await open_client(w["document"], w["member"])
    await bob.drain()
    await database_sync_to_async(services.document_trash)(actor=w["owner"], document=w["document"])
    assert (await bob.close_frame())["code"] == 4410


@pytest.mark.parametrize(
    "frame",
    [
        b"\x00",  # a sync message without its step
        b"\x07\x00",  # unknown message type
        b"\x00\x05\x00",  # unknown sync step
        b"\x00\x02\x0a\x01\x02",  # announced length longer than the frame
        b"\x00\x02\x03abc",  # not a Yjs update
        b"\x00\x02\x02\x00\x00extra",  # trailing bytes
        b"\x01\x05\x01\x02",  # awareness cut short
        b"\x01\x06\x01\x2a\x01\x02{x",  # an awareness state that is not JSON
        b"\x01\x07\x01\x2a\x01\x03\xff\xfe}",  # nor even text
    ],
)
async def test_malformed_frames_close_the_socket_with_a_reason(frame):
    w = await setup()
    alice = await open_client(w["document"], w["owner"])
    await alice.drain()
    await alice.send(frame)
    closed = await alice.close_frame()
    assert closed["code"] == 4400
    assert closed["reason"]


async def test_text_frames_are_refused():
    w = await setup()
    alice = await open_client(w["document"], w["owner"])
    await alice.communicator.send_to(text_data="hello")
    closed = await alice.close_frame()
    assert closed["code"] == 4400
    assert closed["reason"] == "Message mal formé."  # in the page's language


async def test_updates_over_the_limits_are_refused(settings):
    settings.DOCUMENTS_UPDATE_MAX_BYTES = 100
    w = await setup()
    alice = await open_client(w["document"], w["owner"])
    await alice.drain()
    await alice.type("x" * 300)
    assert (await alice.close_frame())["code"] == 4413
    assert await database_sync_to_async(Update.objects.count)() == 0


async def test_a_full_document_refuses_more(settings):
    settings.DOCUMENTS_MAX_BYTES = 200
    w = await setup()
    alice = await open_client(w["document"], w["owner"])
    await alice.drain()
    await alice.type("x" * 50)
    await alice.type("y" * 150)
    closed = await alice.close_frame()
    assert closed["code"] == 4413
    assert await database_sync_to_async(stored_text)(w["document"].pk) == "x" * 50


async def test_compaction_merges_the_log_without_losing_a_word(settings):
    settings.DOCUMENTS_COMPACT_EVERY = 5
    w = await setup()
    alice = await open_client(w["document"], w["owner"])
    for word in ["un ", "deux ", "trois ", "quatre ", "cinq ", "six ", "sept "]:
        await alice.type(word)
    await alice.drain(0.5)
    await alice.communicator.disconnect()
    rows = await database_sync_to_async(Update.objects.count)()
    assert rows < 7
    assert await database_sync_to_async(stored_text)(w["document"].pk) == (
        "un deux trois quatre cinq six sept "
    )
    document = await database_sync_to_async(Document.objects.get)(pk=w["document"].pk)
    assert document.seq == 7


async def test_a_relay_the_channel_layer_lost_is_read_from_the_log():
    from channels.layers import get_channel_layer

    w = await setup()
    bob = await open_client(w["document"], w["member"])
    await bob.drain()
    writer = pycrdt.Doc()
    text = writer.get("text", type=pycrdt.Text)
    text += "perdu "
    lost = writer.get_update()
    before = writer.get_state()
    text += "relayé"
    relayed = writer.get_update(before)
    store = database_sync_to_async(services.update_store)
    await store(document_id=w["document"].pk, author_id=w["owner"].pk, data=lost)
    stored = await store(document_id=w["document"].pk, author_id=w["owner"].pk, data=relayed)
    # Only the second reaches the layer (the first was dropped, as a full channel would).
    await get_channel_layer().group_send(
        f"document.{w['document'].pk}",
        {"type": "document.update", "data": relayed, "seq": stored.seq, "sender": "x"},
    )
    await bob.drain(1.5)
    assert str(bob.text) == "perdu relayé"
    await bob.communicator.disconnect()


async def test_the_pictures_offered_to_the_editor_are_the_workspace_files_one_may_read():
    from django.test import AsyncClient

    from extranet.files.services import file_upload
    from tests.files.conftest import png, upload

    w = await setup()

    def add_picture():
        file_upload(
            actor=w["owner"],
            workspace=w["group"],
            folder=None,
            upload=upload("affiche.png", png()),
            name="affiche.png",
        )

    await database_sync_to_async(add_picture)()
    client = AsyncClient()
    await database_sync_to_async(client.force_login)(w["member"])
    url = f"/espace/documents/{w['group'].slug}/{w['document'].pk}/images/"
    answer = await client.get(url)
    assert [i["name"] for i in answer.json()["images"]] == ["affiche.png"]
    await database_sync_to_async(client.force_login)(w["outsider"])
    assert (await client.get(url)).status_code == 403


async def test_the_plain_text_catches_up_when_a_writer_leaves():
    w = await setup()
    alice = await open_client(w["document"], w["owner"])
    await alice.drain()
    before = alice.doc.get_state()
    fragment = alice.doc.get("default", type=pycrdt.XmlFragment)
    fragment.children.append(pycrdt.XmlElement("paragraph", {}, [pycrdt.XmlText("Réunion")]))
    await alice.send(ydoc.sync_frame(ydoc.SYNC_UPDATE, alice.doc.get_update(before)))
    await alice.drain(0.5)
    await alice.communicator.disconnect()
    document = await database_sync_to_async(Document.objects.get)(pk=w["document"].pk)
    assert document.text == "Réunion"
