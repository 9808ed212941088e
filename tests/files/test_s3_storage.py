"""The S3 storage path (django-storages) against an S3-compatible server that the test
runs itself: moto's server mode (moto.server.ThreadedMotoServer) on 127.0.0.1. Not AWS,
and named as such in README.md. With STORAGE_URL set, the last test runs the same flow
against that real bucket."""

from __future__ import annotations

import contextlib
import os
import socket
import urllib.request

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from extranet.files import services
from extranet.files.models import File
from tests.files.conftest import pdf, store, upload

pytestmark = pytest.mark.django_db

BUCKET = "maillage-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def moto_server():
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3(moto_server, settings, monkeypatch):
    import boto3

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test-key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test-secret")
    client = boto3.client(
        "s3",
        endpoint_url=moto_server,
        region_name="eu-west-3",
        aws_access_key_id="test-key",
        aws_secret_access_key="test-secret",
    )
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-3"}
        )
    settings.STORAGES = {
        **settings.STORAGES,
        "files": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": moto_server,
                "region_name": "eu-west-3",
                "location": "essai",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            },
        },
    }
    yield client
    listing = client.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    for item in listing:
        client.delete_object(Bucket=BUCKET, Key=item["Key"])


def _keys(client) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def _round_trip(client, people, django_capture_on_commit_callbacks):
    """Upload, preview, download through a presigned URL; the bytes never pass through
    Python on the way out."""
    member, group = people["member"], people["groups"]["network"]
    data = pdf("Stockage objet")
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("files:upload", args=[group.slug]), {"files": [upload("objet.pdf", data)]}
        )
    assert response.status_code == 302
    file = File.objects.get(name="objet.pdf")
    assert file.current.thumbnail  # made by the task, reading from the bucket
    assert "Stockage objet" in file.text
    answer = client.get(file.get_download_url())
    assert answer.status_code == 302
    presigned = answer["Location"]
    assert "X-Amz-Signature=" in presigned
    with urllib.request.urlopen(presigned, timeout=10) as remote:  # noqa: S310 - our own server
        assert remote.read() == data
        assert remote.headers["Content-Type"] == "application/pdf"
        assert 'filename="objet.pdf"' in remote.headers["Content-Disposition"]
    return file


def test_upload_preview_and_presigned_download_on_an_s3_compatible_server(
    client, people, s3, django_capture_on_commit_callbacks
):
    file = _round_trip(client, people, django_capture_on_commit_callbacks)
    keys = _keys(s3)
    assert any(k.startswith("essai/files/blobs/") for k in keys)
    assert any(k.startswith("essai/files/thumbs/") for k in keys)
    # Emptying the trash deletes the objects.
    services.file_trash(actor=people["member"], file=file)
    with django_capture_on_commit_callbacks(execute=True):
        services.trash_empty(actor=people["member"], workspace=file.workspace)
    assert _keys(s3) == []


def test_a_refused_or_over_quota_upload_leaves_no_object(client, people, s3):
    from extranet.files.models import Quota

    group = people["groups"]["network"]
    Quota.objects.create(workspace=group, limit_bytes=100)
    with pytest.raises(services.QuotaExceeded):
        store(people["member"], group, "gros.pdf", pdf())
    client.force_login(people["member"])
    client.post(
        reverse("files:upload", args=[group.slug]), {"files": [upload("x.pdf", b"MZ" + b"0" * 99)]}
    )
    assert _keys(s3) == []


@pytest.mark.skipif(
    not os.environ.get("STORAGE_URL"), reason="STORAGE_URL is not set: no real bucket"
)
def test_the_real_bucket_of_storage_url(client, people, django_capture_on_commit_callbacks):
    assert django_settings.STORAGES["files"]["BACKEND"] == "storages.backends.s3.S3Storage"
    file = _round_trip(client, people, django_capture_on_commit_callbacks)
    services.file_trash(actor=people["member"], file=file)
    with django_capture_on_commit_callbacks(execute=True):
        services.trash_empty(actor=people["member"], workspace=file.workspace)
