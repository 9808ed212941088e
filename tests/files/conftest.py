"""Helpers for the files module's tests: spaces, people in them, real small files."""

from __future__ import annotations

import io
import os
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.workspaces.models import MembershipRole, Visibility
from core.workspaces.services import network_workspace
from extranet.files import services
from tests.factories import GroupFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # rate limits live in the cache


def png(size=(40, 30), color="teal") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def noise_png(size=(300, 300)) -> bytes:
    """A picture that does not compress: its PNG weighs about 3 bytes per pixel."""
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, "JPEG")
    return buffer.getvalue()


def pdf(text: str = "Bonjour Maillage", pages: int = 1) -> bytes:
    """A real PDF made by pdfium, with `text` on each page."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    document = pdfium.PdfDocument.new()
    font = raw.FPDFText_LoadStandardFont(document, b"Helvetica")
    for _ in range(pages):
        page = document.new_page(300, 200)
        obj = raw.FPDFPageObj_NewTextObj(document, b"Helvetica", 14.0)
        encoded = (text + "\0").encode("utf-16-le")
        import ctypes

        buffer = ctypes.create_string_buffer(encoded)
        raw.FPDFText_SetText(obj, ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)))
        raw.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 20, 100)
        raw.FPDFPage_InsertObject(page, obj)
        raw.FPDFPage_GenerateContent(page)
        page.close()
    raw.FPDFFont_Close(font)
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()


def odt(text: str = "Compte rendu de l’atelier") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr(
            "content.xml",
            '<?xml version="1.0"?><office:document-content><office:body><office:text>'
            f"<text:p>{text}</text:p></office:text></office:body></office:document-content>",
        )
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def store(actor, workspace, name: str, data: bytes, folder=None):
    return services.file_upload(
        actor=actor, workspace=workspace, folder=folder, upload=upload(name, data), name=name
    )


@pytest.fixture
def people():
    """A group of each visibility with an owner and a member, and an outsider."""
    owner, member, outsider = UserFactory(), UserFactory(), UserFactory()
    groups = {}
    for visibility in (Visibility.PUBLIC, Visibility.NETWORK, Visibility.SECRET):
        group = GroupFactory(visibility=visibility)
        MembershipFactory(user=owner, workspace=group, role=MembershipRole.OWNER)
        MembershipFactory(user=member, workspace=group, role=MembershipRole.MEMBER)
        groups[visibility] = group
    return {
        "owner": owner,
        "member": member,
        "outsider": outsider,
        "groups": groups,
        "network": network_workspace(),
    }
