"""A corpus of malformed and hostile uploads: each is refused with a message and leaves
nothing behind, or is stored inert (a safe name, a download that never runs as a page)."""

from __future__ import annotations

import io
import os
import struct
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from PIL import Image

from extranet.files.models import File, Version
from tests.files.conftest import jpeg, pdf, png

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 300


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _bomb_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(buffer, "PNG")
    return buffer.getvalue()


def _huge_gif() -> bytes:
    # A 65535 × 65535 logical screen with next to no data: 4 billion pixels claimed.
    return (
        b"GIF89a" + struct.pack("<HH", 65535, 65535) + b"\x00\x00\x00"
        b",\x00\x00\x00\x00" + struct.pack("<HH", 65535, 65535) + b"\x00\x02\x02D\x01\x00;"
    )


def _png_with_html_chunk() -> bytes:
    image = Image.new("RGB", (8, 8), "blue")
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<html><script>alert(1)</script></html>")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def _zip_bomb_odt() -> bytes:
    return _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b"<text:p>" + b"A" * (60 * 2**20) + b"</text:p>",
        },
        zipfile.ZIP_DEFLATED,
    )


REFUSED = [
    # Programs and scripts, whatever their name says.
    ("setup.pdf", EXE),
    ("photo.jpg", EXE),
    ("image.png", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 100),
    ("chanson.mp3", b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + b"\x00" * 100),
    ("lettre.docx", b"\xca\xfe\xba\xbe\x00\x00\x00\x34" + b"\x00" * 100),
    ("notes.txt", b"#!/bin/sh\nrm -rf ~\n"),
    ("tableau.csv", b"#!/usr/bin/env python3\nimport os\n"),
    ("module.odt", b"\x00asm\x01\x00\x00\x00" + b"\x00" * 50),
    ("archive.zip", b"MSCF\x00\x00\x00\x00" + b"\x00" * 100),
    ("avatar.jpg", b"<?php system($_GET['c']); ?>"),
    # HTML under every disguise.
    ("facture.pdf", b"<!DOCTYPE html><html><body>Paiement</body></html>"),
    ("photo.jpg", b"<html><script>alert(1)</script></html>"),
    ("lisez-moi.txt", b"\xef\xbb\xbf<html><body>hi</body></html>"),
    ("notes.md", b"   \n\n<script>fetch('/espace/')</script>"),
    ("liste.csv", b"<iframe src='https://example.org'></iframe>"),
    ("rapport.docx", b"<HTML><BODY onload=alert(1)>"),
    ("page.txt", "<html>é</html>".encode("utf-16")),
    ("lien.txt", b"javascript:alert(document.cookie)"),
    ("style.txt", b"<style>body{display:none}</style>"),
    ("meta.txt", b'<meta http-equiv="refresh" content="0;url=https://example.org">'),
    # SVG that could run something.
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    (
        "logo.svg",
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><foreignObject>'
        b"<body xmlns='http://www.w3.org/1999/xhtml'>x</body></foreignObject></svg>",
    ),
    (
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    ),
    (
        "logo.svg",
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>',
    ),
    ("plan.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><set attributeName="href"/></svg>'),
    ("donnees.txt", b'<?xml version="1.0"?><?xml-stylesheet href="x.xsl"?><a/>'),
    ("donnees.txt", b'<?xml version="1.0"?><note>bonjour</note>'),
    # Containers that lie or carry macros.
    ("document.odt", _zip({"mimetype": b"text/html", "index.html": b"<script>"})),
    ("dessin.odt", _zip({"mimetype": b"application/vnd.oasis.opendocument.graphics"})),
    (
        "lettre.docx",
        _zip(
            {
                "[Content_Types].xml": b"<Types/>",
                "word/document.xml": b"<w:document/>",
                "word/vbaProject.bin": b"\x00" * 64,
            }
        ),
    ),
    # Damaged files.
    ("archive.zip", b"PK\x03\x04 this is not a zip"),
    ("image.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + os.urandom(200)),
    ("anim.gif", b"GIF89a/*" + b"*/=alert(1)//" + b"\x00" * 20),
    ("image.webp", b"RIFF\x00\x01\x00\x00WEBPVP8 " + os.urandom(100)),
    ("vide.txt", b""),
    # Too big, in bytes or in pixels.
    ("bombe.png", _bomb_png()),
    ("geant.gif", _huge_gif()),
    # Text that is not UTF-8 text.
    ("ancien.txt", "Évènement à Montbéliard".encode("latin-1")),
    ("binaire.txt", b"texte\x00avec\x00des\x00nuls"),
    ("inconnu.dat", os.urandom(512)),
]


INERT = [
    # (name sent, bytes, the stored name)
    ("../../../etc/passwd.txt", b"root:x:0:0", "passwd.txt"),
    ("..\\..\\windows\\system32\\evil.txt", b"hello", "evil.txt"),
    ("facture\u202eexe.pdf", pdf(), "factureexe.pdf"),
    ("CON.txt", b"device names", "_CON.txt"),
    ("nul\x00octet.txt", b"nul", "nuloctet.txt"),
    (".htaccess", b"Deny from all", "htaccess.txt"),
    ("   ", png(), "fichier.png"),
    ("photo.png.exe", png(), "photo.png.png"),
    ("script.js", b"alert('texte seulement')", "script.txt"),
    ("lancer.bat", b"@echo off\r\ndel *.*\r\n", "lancer.txt"),
    ("zero\u200blargeur.txt", b"zero width", "zerolargeur.txt"),
    # Django's multipart parser already drops the line break.
    ("ligne\nsaut.txt", b"newline", "lignesaut.txt"),
    ("a" * 300 + ".txt", b"long", "a" * 251 + ".txt"),
    ("document.pdf", b"%PDF-1.4\n<html><script>alert(1)</script></html>", "document.pdf"),
    ("photo.jpg", jpeg() + b"<html><script>alert(1)</script></html>", "photo.jpg"),
    ("commentaire.png", _png_with_html_chunk(), "commentaire.png"),
    (
        "appli.zip",
        _zip({"META-INF/MANIFEST.MF": b"Main-Class: X", "X.class": b"\xca\xfe"}),
        "appli.zip",
    ),
    ("faux.docx", _zip({"[Content_Types].xml": b"<Types/>"}), "faux.zip"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>', "logo.svg"),
    ("bombe.odt", _zip_bomb_odt(), "bombe.odt"),
    ("lettre.rtf", b"{\\rtf1\\ansi Bonjour}", "lettre.rtf"),
]


def _send(client, group, name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("files:upload", args=[group.slug]),
        {"files": [SimpleUploadedFile(name, data, content_type="application/pdf")]},
        HTTP_ACCEPT="application/json",
    )


def _stored_blobs(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


def test_the_corpus_has_at_least_fifty_cases():
    assert len(REFUSED) + len(INERT) + 1 >= 50  # + the oversize case below


@pytest.mark.parametrize(
    ("name", "data"), REFUSED, ids=[f"{i}-{c[0]}" for i, c in enumerate(REFUSED)]
)
def test_hostile_upload_is_refused_with_a_message_and_nothing_left(
    client, people, settings, name, data
):
    group = people["groups"]["network"]
    client.force_login(people["member"])
    response = _send(client, group, name, data)
    assert response.status_code == 400
    message = response.json()["error"]
    assert "»" in message and len(message) > 20  # names the file and says why, in French
    assert not File.objects.exists() and not Version.objects.exists()
    assert _stored_blobs(settings) == []


def test_an_upload_over_the_size_limit_is_refused(client, people, settings):
    settings.FILES_MAX_UPLOAD_MB = 1
    client.force_login(people["member"])
    response = _send(client, people["groups"]["network"], "gros.txt", b"a" * (2**20 + 1))
    assert response.status_code == 400
    assert "trop lourd" in response.json()["error"]
    assert _stored_blobs(settings) == []


@pytest.mark.parametrize(("name", "data", "stored"), INERT, ids=[f"{i}" for i in range(len(INERT))])
def test_odd_upload_is_stored_inert(
    client, people, django_capture_on_commit_callbacks, name, data, stored
):
    group = people["groups"]["network"]
    client.force_login(people["member"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _send(client, group, name, data)
    assert response.status_code == 200, response.json()
    file = File.objects.get()
    assert file.name == stored
    assert len(file.name.encode()) <= 255
    download = client.get(file.get_download_url())
    assert download.status_code == 200
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Content-Type"] not in ("text/html", "image/svg+xml", "application/xml")
    b"".join(download.streaming_content)


def test_a_zip_bomb_does_not_blow_up_text_extraction(
    client, people, django_capture_on_commit_callbacks
):
    client.force_login(people["member"])
    with django_capture_on_commit_callbacks(execute=True):
        _send(client, people["groups"]["network"], "bombe.odt", _zip_bomb_odt())
    file = File.objects.get()
    assert file.text_extracted_at is not None and file.text == ""


def test_a_pdf_with_a_giant_page_gets_a_small_thumbnail(
    people, django_capture_on_commit_callbacks, settings
):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument.new()
    document.new_page(14_400, 14_400)  # the largest page PDF allows: 200 inches square
    buffer = io.BytesIO()
    document.save(buffer)
    from tests.files.conftest import store

    with django_capture_on_commit_callbacks(execute=True):
        version = store(
            people["member"], people["groups"]["network"], "affiche.pdf", buffer.getvalue()
        )
    version.refresh_from_db()
    with Image.open(Path(settings.MEDIA_ROOT) / version.thumbnail) as thumb:
        assert max(thumb.size) <= 480
