"""The kernel's upload checks: type from content, allowlist, clean names (issue 11.9)."""

from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from core.uploads import FORUM_TYPES, TYPES, UploadRefused, check_upload, clean_filename


def zipped(entries: dict[str, bytes], first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def odt() -> bytes:
    return zipped({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


def docx(macros: bool = False) -> bytes:
    entries = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
    if macros:
        entries["word/vbaProject.bin"] = b"\x00" * 10
    return zipped(entries)


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "JPEG")
    return buffer.getvalue()


def check(data: bytes, name: str, **kwargs):
    return check_upload(io.BytesIO(data), name=name, size=len(data), **kwargs)


@pytest.mark.parametrize(
    ("data", "name", "mime", "stored"),
    [
        (odt(), "compte-rendu.zip", "application/vnd.oasis.opendocument.text", "compte-rendu.odt"),
        (
            docx(),
            "lettre",
            TYPES["application/vnd.openxmlformats-officedocument.wordprocessingml.document"].mime,
            "lettre.docx",
        ),
        (jpeg(), "photo.JPEG", "image/jpeg", "photo.JPEG"),
        (jpeg(), "photo.pdf", "image/jpeg", "photo.jpg"),
        (b"Nom;Ville\nAda;Lyon\n", "liste.csv", "text/csv", "liste.csv"),
        ("# Titre\n\nDu texte accentué.".encode(), "notes.md", "text/markdown", "notes.md"),
        (b"plain words", "script.sh", "text/plain", "script.txt"),
        (zipped({"a.txt": b"a"}), "archive.zip", "application/zip", "archive.zip"),
    ],
)
def test_the_type_comes_from_the_content_and_the_name_follows(data, name, mime, stored):
    checked = check(data, name)
    assert (checked.mime, checked.name) == (mime, stored)


@pytest.mark.parametrize(
    ("data", "name", "code"),
    [
        (b"MZ\x90\x00" + b"\x00" * 100, "setup.pdf", "executable"),
        (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "photo.jpg", "executable"),
        (b"#!/bin/sh\nrm -rf ~\n", "notes.txt", "executable"),
        (b"<!DOCTYPE html><p>hi", "facture.pdf", "active_content"),
        (b"  <script>alert(1)</script>", "notes.txt", "active_content"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "logo.svg",
            "active_content",
        ),
        (docx(macros=True), "lettre.docx", "macros"),
        (b"PK\x03\x04 not really a zip", "archive.zip", "damaged"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "cassée.png", "damaged"),
        (b"", "vide.txt", "empty"),
        (b"\xff\xfe\x00\x00 binary \x00\x01", "data.bin", "type_not_allowed"),
        ("é".encode("latin-1") + b" texte", "ancien.txt", "type_not_allowed"),
    ],
)
def test_refused_files_say_why(data, name, code):
    with pytest.raises(UploadRefused) as refused:
        check(data, name)
    assert refused.value.code == code
    assert refused.value.messages


def test_a_type_off_the_callers_list_is_refused():
    with pytest.raises(UploadRefused) as refused:
        check(b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 200, "son.mp3", allowed=FORUM_TYPES)
    assert refused.value.code == "type_not_allowed"


def test_the_size_limit_is_checked_before_reading():
    with pytest.raises(UploadRefused) as refused:
        check(b"x" * 2049, "a.txt", max_bytes=2048)
    assert refused.value.code == "too_large"


def test_a_decompression_bomb_picture_is_refused():
    buffer = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(buffer, "PNG")  # 144 Mpx, a few kB on disk
    with pytest.raises(UploadRefused) as refused:
        check(buffer.getvalue(), "bombe.png")
    assert refused.value.code == "too_many_pixels"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ada\\rapport.pdf", "rapport.pdf"),
        ("..", ""),
        ("rapport\u202efdp.exe", "rapportfdp.exe"),
        ("zero\u200bwidth.txt", "zerowidth.txt"),
        ("ligne\nnouvelle.txt", "ligne nouvelle.txt"),
        ("bell\x07.txt", "bell.txt"),
        ('a<b>c:"d|e?f*.txt', "abcdef.txt"),
        ("CON.txt", "_CON.txt"),
        ("lpt1", "_lpt1"),
        ("  .cache.  ", "cache"),
        ("v1.2 notes", "v1.2 notes"),
        ("Compte rendu – réunion.odt", "Compte rendu – réunion.odt"),
    ],
)
def test_names_are_cleaned(raw, clean):
    assert clean_filename(raw) == clean


def test_names_fit_in_255_bytes_with_their_extension():
    name = clean_filename("é" * 300 + ".pdf", TYPES["application/pdf"])
    assert name.endswith("é.pdf")
    assert len(name.encode("utf-8")) <= 255


def test_a_name_without_anything_left_gets_a_neutral_one():
    assert clean_filename("../\u202e", TYPES["application/pdf"]).endswith(".pdf")
