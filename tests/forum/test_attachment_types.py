"""Issue 11.9: the type of an attachment is taken from its content, never from the browser."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.workspaces.services import network_workspace
from forum import services
from forum.models import Attachment
from tests.factories import UserFactory, coordinator

pytestmark = pytest.mark.django_db

# The start of a Windows executable: "MZ", then the DOS stub.
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "teal").save(buffer, "PNG")
    return buffer.getvalue()


PNG = png_bytes()


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def author():
    user = UserFactory()
    user.date_joined = timezone.now() - timedelta(days=60)
    user.save()
    return user


@pytest.fixture
def topic(author):
    category = services.category_create(
        actor=coordinator(), workspace=network_workspace(), name="Matériel"
    )
    return services.topic_create(actor=author, category=category, title="Question", body="Aide")


def reply(client, author, topic, upload):
    client.force_login(author)
    return client.post(
        reverse("forum:reply", args=[topic.pk]), {"body": "Voici le fichier", "files": [upload]}
    )


def test_an_executable_declared_as_pdf_is_refused_and_nothing_is_stored(
    client, author, topic, settings
):
    upload = SimpleUploadedFile("setup.exe", EXE, content_type="application/pdf")
    response = reply(client, author, topic, upload)
    assert response.status_code == 400
    assert "setup.exe" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_an_executable_named_pdf_is_refused(client, author, topic):
    upload = SimpleUploadedFile("notice.pdf", EXE, content_type="application/pdf")
    assert reply(client, author, topic, upload).status_code == 400
    assert not Attachment.objects.exists()


def test_html_declared_as_a_picture_is_refused(client, author, topic):
    upload = SimpleUploadedFile(
        "photo.png", b"<!DOCTYPE html><script>alert(1)</script>", content_type="image/png"
    )
    assert reply(client, author, topic, upload).status_code == 400
    assert not Attachment.objects.exists()


def test_the_stored_type_and_name_follow_the_content(client, author, topic):
    # A real PNG declared as a PDF, under a PDF name: stored and served as the PNG it is.
    upload = SimpleUploadedFile("rapport.pdf", PNG, content_type="application/pdf")
    assert reply(client, author, topic, upload).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/png"
    assert attachment.name == "rapport.png"
    response = client.get(attachment.get_absolute_url())
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_pdf_declared_as_anything_is_accepted_as_pdf(client, author, topic):
    upload = SimpleUploadedFile(
        "../../etc/notice\u202egpj.pdf", PDF, content_type="application/octet-stream"
    )
    assert reply(client, author, topic, upload).status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.content_type == "application/pdf"
    assert attachment.name == "noticegpj.pdf"
    response = client.get(attachment.get_absolute_url())
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]


# --- Issue 14.9: files are the attachment store ----------------------------------------------


def test_a_reply_attaches_a_file_of_the_space_served_by_the_files_module(client, author, topic):
    from extranet.files.services import file_trash, file_upload

    network = topic.category.workspace
    stored = file_upload(
        actor=author,
        workspace=network,
        folder=None,
        upload=SimpleUploadedFile("compte-rendu.pdf", PDF),
        name="compte-rendu.pdf",
    ).file
    client.force_login(author)
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "compte-rendu.pdf" in page  # offered under the reply box
    response = client.post(
        reverse("forum:reply", args=[topic.pk]),
        {"body": "Le compte rendu est joint", "space_files": [stored.pk]},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.stored == stored and not attachment.file
    download = client.get(attachment.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff"
    # In the trash, the file is no longer served through the post either.
    file_trash(actor=author, file=stored)
    client.force_login(UserFactory())
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_a_file_of_another_space_cannot_be_attached(client, author, topic):
    from extranet.files.services import file_upload

    other = file_upload(
        actor=author,
        workspace=author.personal_workspace,
        folder=None,
        upload=SimpleUploadedFile("prive.pdf", PDF),
        name="prive.pdf",
    ).file
    with pytest.raises(Exception) as refused:
        services.post_create(actor=author, topic=topic, body="x", space_files=[other])
    assert "space_files" in str(refused.value)
    assert not Attachment.objects.exists()
