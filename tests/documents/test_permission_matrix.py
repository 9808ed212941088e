"""The permission matrix of the documents module: every read path (list, editor page,
history, version, comparison, export, search hook, socket) and writes (create, rename,
trash, the socket's updates), for each kind of person and space.

read = may read the workspace; write = may contribute; archived groups are read-only; a
secret group's document never appears, is never counted, and its URLs answer 404 to others.
"""

from __future__ import annotations

import pycrdt
import pytest
from asgiref.sync import async_to_sync
from django.urls import reverse
from django.utils import timezone

from core.workspaces.models import MembershipRole, Visibility
from core.workspaces.services import network_workspace
from extranet.documents import selectors, services, ydoc
from extranet.documents.models import Document
from extranet.documents.permissions import documents_visible_to
from tests.documents.conftest import open_client
from tests.factories import GroupFactory, MembershipFactory, UserFactory, coordinator

SPACES = ["personal", "network", "public", "members", "secret", "archived", "no_module"]
PEOPLE = ["anonymous", "outsider", "member", "owner", "coordinator"]

EXPECTED = {
    #             anonymous outsider member owner coordinator
    "personal": ["login", "404", "RW", "404", "404"],  # the member's own desktop
    "network": ["login", "RW", "RW", "RW", "RW"],
    "public": ["login", "R", "RW", "RW", "R"],
    "members": ["login", "R", "RW", "RW", "R"],
    "secret": ["login", "404", "RW", "RW", "R"],  # the coordinator oversees every group
    "archived": ["login", "R", "R", "R", "R"],
    "no_module": ["login", "-", "-", "-", "-"],
}


def build_world():
    member, owner = UserFactory(), UserFactory()
    people = {
        "anonymous": None,
        "outsider": UserFactory(),
        "member": member,
        "owner": owner,
        "coordinator": coordinator(),
    }
    spaces = {"personal": member.personal_workspace, "network": network_workspace()}
    for key, visibility in [
        ("public", Visibility.PUBLIC),
        ("members", Visibility.NETWORK),
        ("secret", Visibility.SECRET),
        ("archived", Visibility.NETWORK),
        ("no_module", Visibility.NETWORK),
    ]:
        group = GroupFactory(visibility=visibility)
        MembershipFactory(user=owner, workspace=group, role=MembershipRole.OWNER)
        MembershipFactory(user=member, workspace=group)
        spaces[key] = group
    documents = {}
    for key, space in spaces.items():
        state = ydoc.state_from_tree(ydoc.html_tree("<p>matrice secrète</p>"))
        documents[key] = services.document_create(
            actor=member, workspace=space, title=f"matrice {key}", state=state
        )
        services.version_name(actor=member, document=documents[key], name="v1")
    spaces["archived"].archived_at = timezone.now()
    spaces["archived"].save()
    spaces["no_module"].documents_enabled = False
    spaces["no_module"].save()
    return people, spaces, documents


def _cases():
    for space in SPACES:
        for index, person in enumerate(PEOPLE):
            yield space, person, EXPECTED[space][index]


@pytest.mark.django_db
@pytest.mark.parametrize(("space", "person", "expected"), list(_cases()))
def test_matrix_of_pages(client, space, person, expected):
    people, spaces, documents = build_world()
    user, workspace, document = people[person], spaces[space], documents[space]
    version = document.versions.first()
    if user is not None:
        client.force_login(user)
    slug = workspace.slug
    urls = {
        "list": reverse("documents:workspace", args=[slug]),
        "edit": document.get_absolute_url(),
        "history": reverse("documents:history", args=[slug, document.pk]),
        "version": reverse("documents:version", args=[slug, document.pk, version.pk]),
        "compare": reverse("documents:compare", args=[slug, document.pk]) + f"?de={version.pk}",
        **{
            f"export {fmt}": reverse("documents:export", args=[slug, document.pk, fmt])
            for fmt in ("md", "html", "docx", "pdf")
        },
    }
    reads = "R" in expected
    for what, url in urls.items():
        response = client.get(url)
        if expected == "login":
            assert response.status_code == 302, what
        elif reads:
            assert response.status_code == 200, what
        elif expected == "404":
            assert response.status_code == 404, what
        else:
            assert response.status_code in (403, 404), what
    if reads:
        markdown = client.get(urls["export md"]).content.decode()
        assert "matrice secrète" in markdown

    anonymous = _anonymous()
    found = set(
        selectors.search_documents(user or anonymous, "matrice").values_list("pk", flat=True)
    )
    assert (document.pk in found) == reads
    visible = set(documents_visible_to(user or anonymous).values_list("pk", flat=True))
    assert (document.pk in visible) == reads

    # Writes: writers create and rename, readers get 403, the hidden 404.
    response = client.post(reverse("documents:create", args=[slug]), {"title": "Nouveau"})
    rename = client.post(
        reverse("documents:rename", args=[slug, document.pk]), {"title": "Renommé"}
    )
    created = Document.objects.filter(workspace=workspace, title="Nouveau").exists()
    if expected == "login":
        assert response.status_code == 302 and "/comptes/" in response["Location"]
    elif "W" in expected:
        assert created
        assert rename.status_code == 302
        document.refresh_from_db()
        assert document.title == "Renommé"
    elif expected == "404":
        assert response.status_code == 404
        assert rename.status_code == 404
    else:
        assert response.status_code in (403, 404)
        assert rename.status_code in (403, 404)
    if "W" not in expected:
        assert not created


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.mark.django_db(transaction=True)
def test_matrix_of_the_socket():
    """Each person's socket: closed when they may not read (4404, 4401 for the anonymous);
    readers load the content but their change closes the socket (4403) and is not stored;
    writers' changes are stored."""
    people, _spaces, documents = build_world()

    async def attempt(document, user):
        client = await open_client(document, user, sync=False)
        frame = await client.next()
        if frame is None:
            return client.closed["code"], ""
        await client.sync()
        await client.type(" ajout")
        await client.drain(0.5)
        code = client.closed["code"] if client.closed else None
        if code is None:
            await client.communicator.disconnect()
        return code, str(client.doc.get("text", type=pycrdt.Text))

    for space in SPACES:
        for index, person in enumerate(PEOPLE):
            expected = EXPECTED[space][index]
            document = documents[space]
            code, _text = async_to_sync(attempt)(document, people[person])
            stored = str(ydoc.load(services.document_state(document)).get("text", type=pycrdt.Text))
            where = f"{space}/{person}"
            if expected == "login":
                assert code == 4401, where
            elif expected in ("404", "-"):
                assert code == 4404, where
            elif expected == "R":
                assert code == 4403, where
            else:
                assert code is None, where
            assert (" ajout" in stored) == (expected == "RW"), where
            if expected == "RW":
                # Back to the start for the next person.
                Document.objects.filter(pk=document.pk).update(seq=0, size_bytes=0)
                document.updates.all().delete()


@pytest.mark.django_db
@pytest.mark.parametrize("person", [p for p in PEOPLE if p != "anonymous"])
def test_matrix_of_the_desktop_widget_and_the_feed(client, person):
    """The « documents edited recently » widget and the feed's « created the document »
    items show a document exactly to who may read it: a secret group's, a switched-off
    module's or someone's personal document never appears, even as an item kept for later."""
    from core.activity.models import Activity
    from core.activity.selectors import keep_allowed

    people, _spaces, documents = build_world()
    user = people[person]
    client.force_login(user)
    widget = client.get(
        reverse("dashboard:widget", args=["documents.recent"]), headers={"HX-Request": "true"}
    ).content.decode()
    items = {a.subject_id: a for a in Activity.objects.filter(kind="documents.document")}
    # Nothing is recorded from a personal desktop.
    assert str(documents["personal"].pk) not in items
    kept = {a.subject_id for a in keep_allowed(user, items.values())}
    for space in SPACES:
        reads = "R" in EXPECTED[space][PEOPLE.index(person)]
        document = documents[space]
        assert (f"matrice {space}<" in widget) == reads, (space, person)
        if space != "personal":
            assert (str(document.pk) in kept) == reads, (space, person)


@pytest.mark.django_db
def test_a_groups_home_lists_only_its_own_documents(client):
    people, spaces, _documents = build_world()
    client.force_login(people["member"])
    url = reverse("dashboard:group_widget", args=[spaces["members"].slug, "documents.recent"])
    page = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "matrice members<" in page
    assert "matrice public<" not in page and "matrice secret<" not in page
