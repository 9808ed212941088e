"""Uploading, listing, versions, downloads with Range and ETag: the vertical slice."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from extranet.files.models import File, Quota, Version
from tests.files.conftest import jpeg, noise_png, pdf, png, store, upload

pytestmark = pytest.mark.django_db


def test_a_member_uploads_several_files_and_sees_them_listed(client, people):
    group = people["groups"]["network"]
    client.force_login(people["member"])
    response = client.post(
        reverse("files:upload", args=[group.slug]),
        {"files": [upload("photo.jpg", jpeg()), upload("programme.pdf", pdf())]},
    )
    assert response.status_code == 302
    assert set(File.objects.values_list("name", flat=True)) == {"photo.jpg", "programme.pdf"}
    page = client.get(reverse("files:workspace", args=[group.slug])).content.decode()
    assert "photo.jpg" in page and "programme.pdf" in page
    assert Quota.objects.get(pk=group.pk).used_bytes == sum(
        File.objects.values_list("size", flat=True)
    )


def test_a_refused_file_gets_its_own_message_and_the_others_are_stored(client, people):
    group = people["groups"]["network"]
    client.force_login(people["member"])
    response = client.post(
        reverse("files:upload", args=[group.slug]),
        {"files": [upload("setup.pdf", b"MZ" + b"\0" * 300), upload("ok.png", png())]},
        follow=True,
    )
    page = response.content.decode()
    assert "setup.pdf" in page and "programme ou un script" in page
    assert list(File.objects.values_list("name", flat=True)) == ["ok.png"]


def test_uppy_gets_json_with_the_reason_of_a_refusal(client, people):
    group = people["groups"]["network"]
    client.force_login(people["member"])
    response = client.post(
        reverse("files:upload", args=[group.slug]),
        {"files": [upload("page.pdf", b"<html><script>x</script>")]},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "page web" in response.json()["error"]


def test_the_same_name_makes_a_new_version_that_can_be_restored(client, people):
    group, member = people["groups"]["network"], people["member"]
    first = store(member, group, "notes.txt", b"premier jet")
    second = store(people["owner"], group, "notes.txt", b"version corrigee")
    assert first.file_id == second.file_id and second.number == 2
    file = File.objects.get()
    client.force_login(member)
    page = client.get(file.get_absolute_url()).content.decode()
    assert "Restaurer la version 1" in page
    response = client.post(
        reverse("files:version_restore", args=[group.slug, file.pk, 1]), follow=True
    )
    assert response.status_code == 200
    file.refresh_from_db()
    assert file.current.number == 3
    body = b"".join(client.get(file.get_download_url()).streaming_content)
    assert body == b"premier jet"
    old = client.get(reverse("files:version_download", args=[group.slug, file.pk, 2]))
    assert b"".join(old.streaming_content) == b"version corrigee"
    # Restoring shares the bytes: the quota counts the two uploads only.
    assert Quota.objects.get(pk=group.pk).used_bytes == len(b"premier jet") + len(
        b"version corrigee"
    )


def test_downloads_are_protected_and_support_range_and_etag(client, people):
    group = people["groups"]["network"]
    data = bytes(range(256)) * 40
    version = store(people["member"], group, "donnees.zip", _zip(data))
    file = version.file
    client.force_login(people["member"])
    response = client.get(file.get_download_url())
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/octet-stream"  # zip: download only
    whole = b"".join(response.streaming_content)
    etag = response["ETag"]
    assert client.get(file.get_download_url(), HTTP_IF_NONE_MATCH=etag).status_code == 304
    part = client.get(file.get_download_url(), HTTP_RANGE="bytes=10-19")
    assert part.status_code == 206
    assert part["Content-Range"] == f"bytes 10-19/{len(whole)}"
    assert b"".join(part.streaming_content) == whole[10:20]
    tail = client.get(file.get_download_url(), HTTP_RANGE="bytes=-5")
    assert b"".join(tail.streaming_content) == whole[-5:]
    assert client.get(file.get_download_url(), HTTP_RANGE=f"bytes={len(whole)}-").status_code == 416
    stale = client.get(file.get_download_url(), HTTP_RANGE="bytes=0-1", HTTP_IF_RANGE='"old"')
    assert stale.status_code == 200


def _zip(data: bytes) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("data.bin", data)
    return buffer.getvalue()


def test_an_upload_over_the_quota_is_refused_and_nothing_is_left(client, people, settings):
    group = people["groups"]["network"]
    Quota.objects.create(workspace=group, limit_bytes=1000)
    client.force_login(people["member"])
    response = client.post(
        reverse("files:upload", args=[group.slug]),
        {"files": [upload("grande.png", noise_png())]},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "ne tient pas" in response.json()["error"]
    assert not File.objects.exists() and not Version.objects.exists()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_sorting_and_grid_view(client, people):
    group, member = people["groups"]["network"], people["member"]
    store(member, group, "b.txt", b"bb")
    store(member, group, "a.txt", b"aaaa")
    store(member, group, "c.txt", b"c")
    client.force_login(member)
    url = reverse("files:workspace", args=[group.slug])
    page = client.get(url, {"tri": "size", "ordre": "desc"}).content.decode()
    assert page.index("a.txt") < page.index("b.txt") < page.index("c.txt")
    page = client.get(url, {"tri": "name", "vue": "grille"}).content.decode()
    assert 'class="file-grid"' in page
    assert page.index("a.txt") < page.index("b.txt") < page.index("c.txt")


def test_folders_nest_with_breadcrumbs(client, people):
    group, member = people["groups"]["network"], people["member"]
    client.force_login(member)
    client.post(reverse("files:folder_create", args=[group.slug]), {"name": "Ateliers"})
    outer = group.folders.get()
    client.post(
        reverse("files:folder_create", args=[group.slug]), {"name": "2026", "parent": outer.pk}
    )
    inner = group.folders.get(name="2026")
    store(member, group, "affiche.png", png(), folder=inner)
    page = client.get(inner.get_absolute_url()).content.decode()
    assert 'aria-label="Vous êtes ici"' in page
    assert "Ateliers" in page and "affiche.png" in page


def test_a_folder_listing_costs_the_same_queries_for_3_files_or_60(
    client, people, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    group, member = people["groups"]["network"], people["member"]
    client.force_login(member)
    url = reverse("files:workspace", args=[group.slug])
    counts = []
    for total in (3, 60):
        while File.objects.filter(workspace=group).count() < total:
            n = File.objects.filter(workspace=group).count()
            store(member, group, f"f{n}.txt", b"x")
        client.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(20):
        client.get(url + "?vue=grille")
