"""Rename, move, copy (within a space and to another), trash and restore, purge after 30
days, quotas set by who oversees, share links with expiry, password and counts; previews
and text extraction made by the task system."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from extranet.files import selectors, services
from extranet.files.models import File, Folder, Quota, ShareLink, Version
from tests.factories import coordinator
from tests.files.conftest import odt, pdf, png, store

pytestmark = pytest.mark.django_db


def blobs(settings) -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and "blobs" in p.parts}


def test_rename_keeps_the_extension_of_the_content(people):
    file = store(people["member"], people["groups"]["network"], "a.pdf", pdf()).file
    services.file_rename(actor=people["member"], file=file, name="../Programme\u202e.exe")
    assert file.name == "Programme.pdf"
    store(people["member"], people["groups"]["network"], "b.pdf", pdf())
    with pytest.raises(ValidationError):
        services.file_rename(actor=people["member"], file=file, name="b.pdf")


def test_move_and_copy_within_a_space_and_to_another(people):
    member, group = people["member"], people["groups"]["network"]
    other = people["groups"]["public"]
    folder = services.folder_create(actor=member, workspace=group, parent=None, name="Ateliers")
    file = store(member, group, "affiche.png", png()).file
    services.file_move(actor=member, file=file, workspace=group, folder=folder)
    assert File.objects.get(pk=file.pk).folder == folder
    copy = services.file_copy(actor=member, file=file, workspace=group, folder=folder)
    assert copy.file.name == "affiche (2).png"
    size = file.size
    assert Quota.objects.get(pk=group.pk).used_bytes == 2 * size
    services.file_move(actor=member, file=file, workspace=other, folder=None)
    assert Quota.objects.get(pk=group.pk).used_bytes == size
    assert Quota.objects.get(pk=other.pk).used_bytes == size
    # Not into a space where one may not contribute.
    with pytest.raises(PermissionDenied):
        services.file_move(
            actor=member,
            file=copy.file,
            workspace=people["network"].__class__.objects.get(
                pk=people["outsider"].personal_workspace.pk
            ),
            folder=None,
        )


def test_a_folder_moves_with_its_content_and_cannot_go_inside_itself(people):
    member, group, other = people["member"], people["groups"]["network"], people["groups"]["public"]
    outer = services.folder_create(actor=member, workspace=group, parent=None, name="A")
    inner = services.folder_create(actor=member, workspace=group, parent=outer, name="B")
    file = store(member, group, "x.txt", b"contenu", folder=inner).file
    with pytest.raises(ValidationError):
        services.folder_move(actor=member, folder=outer, workspace=group, parent=inner)
    services.folder_move(actor=member, folder=outer, workspace=other, parent=None)
    assert File.objects.get(pk=file.pk).workspace == other
    assert Quota.objects.get(pk=other.pk).used_bytes == len(b"contenu")
    assert Quota.objects.get(pk=group.pk).used_bytes == 0


def test_trash_restore_empty_and_purge_after_thirty_days(client, people, settings):
    member, group = people["member"], people["groups"]["network"]
    folder = services.folder_create(actor=member, workspace=group, parent=None, name="Vieux")
    inside = store(member, group, "dedans.txt", b"dedans", folder=folder).file
    loose = store(member, group, "seul.txt", b"seul").file
    services.folder_trash(actor=member, folder=folder)
    services.file_trash(actor=member, file=loose)
    # Gone from lists, searches and counts; the quota still counts them until emptied.
    assert not selectors.search_files(member, "txt").exists()
    assert Quota.objects.get(pk=group.pk).used_bytes == len(b"dedans") + len(b"seul")
    client.force_login(member)
    assert client.get(inside.get_download_url()).status_code == 200  # a writer sees the trash
    client.force_login(people["outsider"])
    assert client.get(inside.get_download_url()).status_code == 404
    client.force_login(member)
    page = client.get(reverse("files:trash", args=[group.slug])).content.decode()
    assert "Vieux" in page and "seul.txt" in page
    client.post(
        reverse("files:trash_action", args=[group.slug]),
        {"action": "restore", "item": f"file:{loose.pk}"},
    )
    assert File.objects.get(pk=loose.pk).trashed_at is None
    # Thirty days later the folder and what it held are deleted for good, bytes included.
    Folder.objects.filter(pk=folder.pk).update(trashed_at=timezone.now() - timedelta(days=31))
    before = blobs(settings)
    call_command("purge_trash")
    assert not File.objects.filter(pk=inside.pk).exists()
    assert not Folder.objects.filter(pk=folder.pk).exists()
    assert Quota.objects.get(pk=group.pk).used_bytes == len(b"seul")
    assert len(before) == 2


def test_emptying_the_trash_deletes_the_bytes(people, settings, django_capture_on_commit_callbacks):
    member, group = people["member"], people["groups"]["network"]
    file = store(member, group, "a.txt", b"aaa").file
    store(member, group, "a.txt", b"bbbb")
    assert len(blobs(settings)) == 2
    services.file_trash(actor=member, file=file)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.trash_empty(actor=member, workspace=group) == 1
    assert blobs(settings) == set()
    assert not Version.objects.exists()
    assert Quota.objects.get(pk=group.pk).used_bytes == 0


def test_quotas_are_set_by_the_coordinator_not_by_members(client, people):
    group = people["groups"]["network"]
    client.force_login(people["owner"])
    assert (
        client.post(reverse("files:quota", args=[group.slug]), {"limit_mb": 1}).status_code == 403
    )
    client.force_login(coordinator())
    client.post(reverse("files:quota", args=[group.slug]), {"limit_mb": 1})
    assert Quota.objects.get(pk=group.pk).limit == 2**20
    quota = services.quota_for(people["member"].personal_workspace)
    assert quota.limit == 2**30  # personal default: 1 GiB
    assert services.quota_for(people["network"]).limit == 20 * 2**30
    assert services.quota_for(people["groups"]["public"]).limit == 5 * 2**30


def test_share_link_with_password_expiry_count_and_revocation(client, people):
    member, group = people["member"], people["groups"]["network"]
    file = store(member, group, "programme.pdf", pdf()).file
    link = services.share_link_create(
        actor=member, item=file, password="tournesol", expires_at=timezone.now() + timedelta(days=2)
    )
    # Listed on the item, so its owner sees what is public.
    client.force_login(member)
    assert link.token in client.get(file.get_absolute_url()).content.decode()
    client.logout()
    page = client.get(link.get_absolute_url())
    assert "Mot de passe" in page.content.decode()
    assert client.get(reverse("files_share:download", args=[link.token])).status_code == 302
    client.post(link.get_absolute_url(), {"password": "faux"})
    client.post(link.get_absolute_url(), {"password": "tournesol"})
    response = client.get(reverse("files_share:download", args=[link.token]))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    b"".join(response.streaming_content)
    assert ShareLink.objects.get(pk=link.pk).download_count == 1
    ShareLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert client.get(link.get_absolute_url()).status_code == 404
    ShareLink.objects.filter(pk=link.pk).update(expires_at=None)
    services.share_link_revoke(actor=member, link=link)
    assert client.get(link.get_absolute_url()).status_code == 404


def test_a_shared_folder_serves_its_files_and_nothing_else(client, people):
    member, group = people["member"], people["groups"]["network"]
    folder = services.folder_create(actor=member, workspace=group, parent=None, name="Public")
    inside = store(member, group, "dedans.txt", b"dedans", folder=folder).file
    outside = store(member, group, "dehors.txt", b"dehors").file
    link = services.share_link_create(actor=member, item=folder)
    assert "dedans.txt" in client.get(link.get_absolute_url()).content.decode()
    ok = client.get(reverse("files_share:file", args=[link.token, inside.pk]))
    assert b"".join(ok.streaming_content) == b"dedans"
    assert client.get(reverse("files_share:file", args=[link.token, outside.pk])).status_code == 404


def test_a_file_of_a_shared_folder_costs_the_same_queries_whatever_the_folders_in_it(
    client, people
):
    member, group = people["member"], people["groups"]["network"]
    folder = services.folder_create(actor=member, workspace=group, parent=None, name="Public")
    file = store(member, group, "dedans.txt", b"dedans", folder=folder).file
    link = services.share_link_create(actor=member, item=folder)
    url = reverse("files_share:file", args=[link.token, file.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add(n: int) -> None:  # two levels under the shared folder, as deep each time
        inner = services.folder_create(actor=member, workspace=group, parent=folder, name=f"{n}")
        services.folder_create(actor=member, workspace=group, parent=inner, name="sous-dossier")

    add(0)
    few = queries()
    for n in range(1, 6):
        add(n)
    assert queries() == few
    services.folder_trash(actor=member, folder=folder)
    assert client.get(url).status_code == 404


def test_share_link_downloads_are_rate_limited(client, people, settings):
    settings.FILES_SHARE_DOWNLOADS_PER_HOUR = 2
    member = people["member"]
    file = store(member, people["groups"]["network"], "a.txt", b"a").file
    link = services.share_link_create(actor=member, item=file)
    url = reverse("files_share:download", args=[link.token])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_previews_and_text_are_made_by_the_task_system(people, django_capture_on_commit_callbacks):
    member, group = people["member"], people["groups"]["network"]
    with django_capture_on_commit_callbacks(execute=True):
        document = store(member, group, "programme.pdf", pdf("Atelier tablette")).file
        picture = store(member, group, "photo.png", png((800, 600))).file
        minutes = store(member, group, "cr.odt", odt("Compte rendu du comité")).file
    for file in (document, picture, minutes):
        file.refresh_from_db()
    assert document.current.thumbnail and picture.current.thumbnail
    assert "Atelier tablette" in document.text
    assert "Compte rendu du comité" in minutes.text
    # The search hook finds a file by its text, for who may read it only.
    assert list(selectors.search_files(member, "comité")) == [minutes]
    secret = people["groups"]["secret"]
    with django_capture_on_commit_callbacks(execute=True):
        store(member, secret, "secret.odt", odt("Budget confidentiel"))
    assert selectors.search_files(member, "confidentiel").count() == 1
    assert selectors.search_files(people["outsider"], "confidentiel").count() == 0
