"""The permission matrix of the files module: every read path (list, search hook,
download, preview, version, share link) and upload, for each kind of person and space.

read = may read the workspace; write = may contribute; archived groups are read-only; a
secret group's file never appears, is never counted, and its URLs answer 404 to others.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from core.workspaces.models import MembershipRole, Visibility
from core.workspaces.services import network_workspace
from extranet.files import selectors, services
from extranet.files.models import File
from extranet.files.permissions import files_visible_to
from tests.factories import GroupFactory, MembershipFactory, UserFactory, coordinator
from tests.files.conftest import png, store, upload

pytestmark = pytest.mark.django_db

SPACES = ["personal", "network", "public", "members", "secret", "archived", "no_module"]
PEOPLE = ["anonymous", "outsider", "member", "owner", "coordinator"]

# Who reads (R) and who writes (W) in each space; "-" neither, "404" hidden entirely.
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


@pytest.fixture
def world(django_capture_on_commit_callbacks):
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
    files = {}
    with django_capture_on_commit_callbacks(execute=True):
        for key, space in spaces.items():
            author = member if key != "network" else owner
            store(author, space, f"matrice-{key}.png", png())
            files[key] = store(author, space, f"matrice-{key}.png", png(color="red")).file
    spaces["archived"].archived_at = timezone.now()
    spaces["archived"].save()
    spaces["no_module"].files_enabled = False
    spaces["no_module"].save()
    return people, spaces, files


def _cases():
    for space in SPACES:
        for index, person in enumerate(PEOPLE):
            yield space, person, EXPECTED[space][index]


@pytest.mark.parametrize(("space", "person", "expected"), list(_cases()))
def test_matrix(client, world, space, person, expected):
    people, spaces, files = world
    user, workspace, file = people[person], spaces[space], files[space]
    file.refresh_from_db()
    assert file.current.thumbnail  # the preview was made by the task
    if user is not None:
        client.force_login(user)
    urls = {
        "list": reverse("files:workspace", args=[workspace.slug]),
        "detail": file.get_absolute_url(),
        "download": file.get_download_url(),
        "preview": reverse("files:thumbnail", args=[workspace.slug, file.pk]),
        "version": reverse("files:version_download", args=[workspace.slug, file.pk, 1]),
    }
    reads = "R" in expected
    for what, url in urls.items():
        status = client.get(url).status_code
        if expected == "login":
            assert status == 302, what
        elif reads:
            assert status == 200, what
        elif expected == "404":
            assert status == 404, what
        else:  # sees the space, but the module is off: refused
            assert status in (403, 404), what

    # The search hook and the lists' twin agree with the rule, and count nothing hidden.
    found = set(
        selectors.search_files(user or _anonymous(), "matrice").values_list("pk", flat=True)
    )
    assert (file.pk in found) == reads
    assert (
        file.pk in set(files_visible_to(user or _anonymous()).values_list("pk", flat=True))
    ) == reads
    assert (
        file.pk
        in set(selectors.recent_files(user or _anonymous(), limit=100).values_list("pk", flat=True))
    ) == reads

    # Upload: writers store, readers are refused (403), the hidden see nothing (404).
    response = client.post(
        reverse("files:upload", args=[workspace.slug]), {"files": [upload("nouveau.png", png())]}
    )
    if expected == "login":
        assert response.status_code == 302 and "/comptes/" in response["Location"]
    elif "W" in expected:
        assert response.status_code == 302
        assert File.objects.filter(workspace=workspace, name="nouveau.png").exists()
    elif expected == "404":
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    if "W" not in expected:
        assert not File.objects.filter(workspace=workspace, name="nouveau.png").exists()


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_share_links_never_leave_a_secret_group(client, world):
    people, _spaces, files = world
    with pytest.raises(PermissionDenied):
        services.share_link_create(actor=people["owner"], item=files["secret"])


def test_share_links_answer_while_their_author_may_read(client, world):
    people, spaces, files = world
    link = services.share_link_create(actor=people["member"], item=files["members"])
    assert client.get(link.get_absolute_url()).status_code == 200
    download = client.get(reverse("files_share:download", args=[link.token]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"\x89PNG")
    # The group turns secret: the link stops answering, as if it never existed.
    spaces["members"].visibility = Visibility.SECRET
    spaces["members"].save()
    assert client.get(link.get_absolute_url()).status_code == 404
    assert client.get(reverse("files_share:download", args=[link.token])).status_code == 404
    # A link whose author's account is closed dies too.
    other = services.share_link_create(actor=people["member"], item=files["public"])
    assert client.get(other.get_absolute_url()).status_code == 200
    people["member"].is_active = False
    people["member"].save()
    assert client.get(other.get_absolute_url()).status_code == 404


def test_a_version_url_of_a_secret_file_is_404_even_with_a_guessed_slug(client, world):
    people, spaces, files = world
    client.force_login(people["outsider"])
    secret = files["secret"]
    # The file's id under a space the outsider may read: still nothing.
    url = reverse("files:version_download", args=[spaces["members"].slug, secret.pk, 1])
    assert client.get(url).status_code == 404
    assert client.get(reverse("files:index")).content.decode().count(spaces["secret"].name) == 0
