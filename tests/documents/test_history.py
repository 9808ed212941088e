"""History of a document: automatic snapshots while people edit, named versions, a past
version's page, restoring one as a new change that everyone connected receives, and who
wrote what between two versions."""

from __future__ import annotations

import pytest
from channels.db import aclose_old_connections, database_sync_to_async
from django.urls import reverse

from core.workspaces.models import Visibility
from extranet.documents import services, ydoc
from extranet.documents.models import Version, VersionKind
from tests.documents.conftest import open_client
from tests.factories import GroupFactory, MembershipFactory, UserFactory


def paragraph_update(client, words: str) -> bytes:
    """Append a paragraph to the client's XML fragment (what the editor does)."""
    import pycrdt

    before = client.doc.get_state()
    fragment = client.doc.get("default", type=pycrdt.XmlFragment)
    fragment.children.append(pycrdt.XmlElement("paragraph", {}, [pycrdt.XmlText(words)]))
    return client.doc.get_update(before)


def setup_world():
    owner, member, reader = (
        UserFactory(display_name="Léa"),
        UserFactory(display_name="Omar"),
        UserFactory(),
    )
    group = GroupFactory(visibility=Visibility.NETWORK)
    MembershipFactory(workspace=group, user=owner, role="owner")
    MembershipFactory(workspace=group, user=member)
    document = services.document_create(actor=owner, workspace=group, title="Programme")
    return owner, member, reader, document


@pytest.mark.django_db(transaction=True)
async def test_an_automatic_snapshot_is_taken_after_a_stretch_of_editing(settings):
    settings.DOCUMENTS_SNAPSHOT_SECONDS = 0
    owner, _member, _reader, document = await database_sync_to_async(setup_world)()
    client = await open_client(document, owner)
    await client.drain()
    await client.send(ydoc.sync_frame(ydoc.SYNC_UPDATE, paragraph_update(client, "Atelier")))
    await client.drain(0.5)
    await client.communicator.disconnect()
    versions = await database_sync_to_async(
        lambda: list(Version.objects.filter(document=document, kind=VersionKind.AUTOMATIC))
    )()
    assert len(versions) == 1
    assert versions[0].text == "Atelier"
    await aclose_old_connections()


@pytest.mark.django_db(transaction=True)
async def test_restoring_a_version_reaches_everyone_connected_as_a_new_change():
    owner, member, _reader, document = await database_sync_to_async(setup_world)()
    alice = await open_client(document, owner)
    bob = await open_client(document, member)
    await alice.drain()
    await alice.send(ydoc.sync_frame(ydoc.SYNC_UPDATE, paragraph_update(alice, "Première")))
    await bob.drain(0.5)
    version = await database_sync_to_async(services.version_name)(
        actor=owner, document=document, name="v1"
    )
    await bob.send(ydoc.sync_frame(ydoc.SYNC_UPDATE, paragraph_update(bob, "À retirer")))
    await alice.drain(0.5)
    assert "À retirer" in str(alice.doc.get("default", type=__import__("pycrdt").XmlFragment))

    seq = await database_sync_to_async(services.version_restore)(actor=owner, version=version)
    await alice.drain(0.5)
    await bob.drain(0.5)
    for client in (alice, bob):
        assert ydoc.plain_text(client.doc.get_update()) == "Première"
    stored = await database_sync_to_async(services.document_state)(document.pk)
    assert ydoc.plain_text(stored) == "Première"
    assert seq > version.seq  # a new change, not a rewrite of the log
    await alice.communicator.disconnect()
    await bob.communicator.disconnect()
    await aclose_old_connections()


@pytest.mark.django_db
def test_history_pages_show_a_version_and_who_wrote_what_between_two(client):
    owner, member, reader, document = setup_world()
    first = services.update_store(
        document_id=document.pk,
        author_id=owner.pk,
        data=ydoc.state_from_tree(ydoc.html_tree("<p>Ordre du jour</p>")),
    )
    assert first.seq == 1
    v1 = services.version_name(actor=owner, document=document, name="Avant la réunion")
    state = services.document_state(document)
    doc = ydoc.load(state)
    before = doc.get_state()
    ydoc.set_content(doc, ydoc.html_tree("<p>Ordre du jour</p><p>Point ajouté par Omar</p>"))
    services.update_store(document_id=document.pk, author_id=member.pk, data=doc.get_update(before))
    v2 = services.version_name(actor=member, document=document, name="Après")

    client.force_login(reader)
    page = client.get(
        reverse("documents:version", args=[document.workspace.slug, document.pk, v1.pk])
    )
    assert page.status_code == 200
    assert "Ordre du jour" in page.content.decode()
    assert "Point ajouté" not in page.content.decode()
    # A reader sees no restore button and cannot restore.
    assert b"data-restore-version" not in page.content
    restore = reverse(
        "documents:version_restore", args=[document.workspace.slug, document.pk, v1.pk]
    )
    assert client.post(restore).status_code == 403

    compare = client.get(
        reverse("documents:compare", args=[document.workspace.slug, document.pk]),
        {"de": v1.pk, "a": v2.pk},
    ).content.decode()
    authors = compare.split('<ul class="authors">')[1].split("</ul>")[0]
    assert "Omar" in authors
    assert "Léa" not in authors
    assert "Point ajouté par Omar" in compare
    history = client.get(reverse("documents:history", args=[document.workspace.slug, document.pk]))
    assert "Avant la réunion" in history.content.decode()


@pytest.mark.django_db
def test_a_version_needs_a_name_and_an_unknown_version_is_404(client):
    owner, _member, _reader, document = setup_world()
    client.force_login(owner)
    response = client.post(
        reverse("documents:version_name", args=[document.workspace.slug, document.pk]),
        {"name": " "},
    )
    assert response.status_code == 302
    assert not document.versions.exists()
    missing = reverse("documents:version", args=[document.workspace.slug, document.pk, 999])
    assert client.get(missing).status_code == 404
    assert (
        client.get(
            reverse("documents:compare", args=[document.workspace.slug, document.pk]), {"de": "x"}
        ).status_code
        == 404
    )
