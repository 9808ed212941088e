"""Background work on files (django-tasks): thumbnails and text extraction.

Both treat the file as hostile: Pillow's pixel limit, a fixed thumbnail size whatever the
page claims, zip entries read with size and ratio limits, XML never parsed (tags are
stripped, so no entity can expand), and a cap on the text kept.
"""

from __future__ import annotations

import html
import io
import logging
import re
import warnings
import zipfile

from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import task

from core.uploads import MAX_IMAGE_PIXELS
from extranet.files import storage
from extranet.files.models import File, Version

logger = logging.getLogger(__name__)

THUMBNAIL_SIZE = 480
TEXT_LIMIT = 200_000  # characters kept per file for the search to come
PDF_PAGES_READ = 200
ZIP_ENTRY_LIMIT = 20 * 2**20  # bytes of one XML part read at most
ZIP_RATIO_LIMIT = 200  # uncompressed / compressed: past it, a zip bomb
_PREVIEWABLE = {"image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf"}


def thumbnail_name(blob: str) -> str:
    return f"files/thumbs/{blob.rsplit('/', 1)[-1]}.png"


def delete_thumbnails(blobs: set[str]) -> None:
    used = set(Version.objects.filter(blob__in=blobs).values_list("blob", flat=True))
    for blob in blobs - used:
        storage.delete_blob(thumbnail_name(blob))


def _image_thumbnail(source) -> "Image.Image":  # noqa: F821, UP037
    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(source)
        if image.width * image.height > MAX_IMAGE_PIXELS:
            raise Image.DecompressionBombError("too many pixels")
        image.draft("RGB", (THUMBNAIL_SIZE, THUMBNAIL_SIZE))  # JPEG decodes at a lower scale
        image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        return image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB")


def _pdf_thumbnail(source) -> "Image.Image":  # noqa: F821, UP037
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(source)
    try:
        page = pdf[0]
        width, height = page.get_size()
        # Scaled to the thumbnail whatever size the page claims: a huge page renders small.
        scale = THUMBNAIL_SIZE / max(width, height, 1)
        return page.render(scale=scale).to_pil()
    finally:
        pdf.close()


@task()
def make_preview(*, version_id: int) -> str:
    version = Version.objects.filter(pk=version_id).first()
    if version is None or version.mime not in _PREVIEWABLE or version.thumbnail:
        return ""
    name = thumbnail_name(version.blob)
    try:
        with storage.files_storage().open(version.blob, "rb") as source:
            if version.mime == "application/pdf":
                image = _pdf_thumbnail(io.BytesIO(source.read()) if _remote() else source)
            else:
                image = _image_thumbnail(source)
        buffer = io.BytesIO()
        image.save(buffer, "PNG", optimize=True)
    except Exception:  # a damaged or hostile file: no preview, the file stays downloadable
        logger.info("No preview for version %s", version_id, exc_info=True)
        Version.objects.filter(pk=version_id).update(preview_failed=True)
        return ""
    storage.delete_blob(name)
    saved = storage.files_storage().save(name, ContentFile(buffer.getvalue()))
    Version.objects.filter(blob=version.blob).update(thumbnail=saved)
    return saved


def _remote() -> bool:
    # pdfium reads a local file handle in place; a remote object is read into memory first
    # (uploads are size-limited by FILES_MAX_UPLOAD_MB).
    return not storage.is_local()


def _read_limited(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    if info.file_size > ZIP_ENTRY_LIMIT:
        raise ValueError("zip entry too large")
    if info.compress_size and info.file_size / info.compress_size > ZIP_RATIO_LIMIT:
        raise ValueError("zip entry compressed too well: a bomb")
    with archive.open(info) as part:
        data = part.read(ZIP_ENTRY_LIMIT + 1)  # headers may lie: never more than the limit
    if len(data) > ZIP_ENTRY_LIMIT:
        raise ValueError("zip entry too large")
    return data.decode("utf-8", "replace")


_BREAKS = re.compile(r"</(text:p|text:h|w:p|a:p|si|table:table-cell)>|<text:line-break/>")
_TAGS = re.compile(r"<[^>]*>")


def _xml_text(xml: str) -> str:
    xml = _BREAKS.sub("\n", xml)
    return html.unescape(_TAGS.sub("", xml))


def _zip_text(source, parts: re.Pattern) -> str:
    chunks = []
    with zipfile.ZipFile(source) as archive:
        for info in archive.infolist():
            if parts.fullmatch(info.filename):
                chunks.append(_xml_text(_read_limited(archive, info)))
                if sum(map(len, chunks)) > TEXT_LIMIT:
                    break
    return "\n".join(chunks)


_ODF = "application/vnd.oasis.opendocument."
_OOXML = "application/vnd.openxmlformats-officedocument."
_ZIP_PARTS = {
    _ODF + "text": r"content\.xml",
    _ODF + "spreadsheet": r"content\.xml",
    _ODF + "presentation": r"content\.xml",
    _OOXML + "wordprocessingml.document": r"word/document\.xml",
    _OOXML + "spreadsheetml.sheet": r"xl/sharedStrings\.xml",
    _OOXML + "presentationml.presentation": r"ppt/slides/slide\d+\.xml",
}


def _pdf_text(source) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(source)
    try:
        chunks, total = [], 0
        for index in range(min(len(pdf), PDF_PAGES_READ)):
            text = pdf[index].get_textpage().get_text_range()
            chunks.append(text)
            total += len(text)
            if total > TEXT_LIMIT:
                break
        return "\n".join(chunks)
    finally:
        pdf.close()


def text_of(blob: str, mime: str) -> str:
    with storage.files_storage().open(blob, "rb") as source:
        if mime in ("text/plain", "text/csv", "text/markdown"):
            return source.read(TEXT_LIMIT * 4).decode("utf-8", "ignore")
        if mime == "application/pdf":
            return _pdf_text(io.BytesIO(source.read()) if _remote() else source)
        if mime in _ZIP_PARTS:
            return _zip_text(source, re.compile(_ZIP_PARTS[mime]))
    return ""


@task()
def extract_text(*, file_id: int) -> int:
    file = File.objects.select_related("current").filter(pk=file_id).first()
    if file is None or file.current is None:
        return 0
    try:
        text = text_of(file.current.blob, file.current.mime)
    except Exception:  # damaged or hostile: no text, the file itself is unaffected
        logger.info("No text for file %s", file_id, exc_info=True)
        text = ""
    text = " ".join(text.replace("\x00", "").split(" "))[:TEXT_LIMIT]
    # Only if the version is still current: a newer upload extracts its own text.
    File.objects.filter(pk=file_id, current=file.current).update(
        text=text, text_extracted_at=timezone.now()
    )
    return len(text)
