"""Checks on uploaded files, shared by every module that accepts them (forum, files, …).

The browser's word is never taken: neither the declared content type nor the name decides
what a file is. `check_upload` reads the content (magic bytes through the pure-Python
`filetype` library, plus explicit checks where magic bytes are not enough: OpenDocument and
Office files are zip containers, text has no magic at all, HTML and SVG must be recognised
to be refused), refuses what is not on the caller's allowlist, and returns a clean name whose
extension matches the detected type.

Files are read in chunks: nothing here holds a whole upload in memory.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import IO, Any

import filetype
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CHUNK = 64 * 1024
HEAD = 8 * 1024
# Pictures larger than this are refused: decoding them for a thumbnail would take too much
# memory (Pillow's own limit raises only at twice its MAX_IMAGE_PIXELS).
MAX_IMAGE_PIXELS = 80_000_000
NAME_MAX_BYTES = 255


@dataclass(frozen=True)
class FileType:
    mime: str
    extension: str  # the canonical one, without a dot
    family: str
    # Other extensions a name of this type may keep (".jpeg" for a JPEG stays).
    aliases: tuple[str, ...] = ()
    # Shown in the page (pictures, PDF, audio, video) or only downloaded.
    inline: bool = False

    @property
    def extensions(self) -> tuple[str, ...]:
        return (self.extension, *self.aliases)


FAMILIES = {
    "document": gettext_lazy("documents"),
    "spreadsheet": gettext_lazy("spreadsheets"),
    "presentation": gettext_lazy("presentations"),
    "pdf": gettext_lazy("PDF"),
    "image": gettext_lazy("pictures"),
    "audio": gettext_lazy("audio"),
    "video": gettext_lazy("video"),
    "archive": gettext_lazy("zip archives"),
    "text": gettext_lazy("text"),
}

_ODF = "application/vnd.oasis.opendocument."
_OOXML = "application/vnd.openxmlformats-officedocument."
TYPES: dict[str, FileType] = {
    t.mime: t
    for t in [
        FileType("application/pdf", "pdf", "pdf", inline=True),
        FileType(_ODF + "text", "odt", "document"),
        FileType(_OOXML + "wordprocessingml.document", "docx", "document"),
        FileType("application/msword", "doc", "document"),
        FileType("application/rtf", "rtf", "document"),
        FileType(_ODF + "spreadsheet", "ods", "spreadsheet"),
        FileType(_OOXML + "spreadsheetml.sheet", "xlsx", "spreadsheet"),
        FileType("application/vnd.ms-excel", "xls", "spreadsheet"),
        FileType("text/csv", "csv", "spreadsheet"),
        FileType(_ODF + "presentation", "odp", "presentation"),
        FileType(_OOXML + "presentationml.presentation", "pptx", "presentation"),
        FileType("application/vnd.ms-powerpoint", "ppt", "presentation"),
        FileType("image/jpeg", "jpg", "image", ("jpeg", "jpe"), inline=True),
        FileType("image/png", "png", "image", inline=True),
        FileType("image/gif", "gif", "image", inline=True),
        FileType("image/webp", "webp", "image", inline=True),
        # SVG can carry scripts: accepted only without them, and never shown inline.
        FileType("image/svg+xml", "svg", "image"),
        FileType("audio/mpeg", "mp3", "audio", inline=True),
        FileType("audio/ogg", "ogg", "audio", ("oga", "opus"), inline=True),
        FileType("audio/x-wav", "wav", "audio", inline=True),
        FileType("audio/x-flac", "flac", "audio", inline=True),
        FileType("audio/mp4", "m4a", "audio", inline=True),
        FileType("video/mp4", "mp4", "video", ("m4v",), inline=True),
        FileType("video/webm", "webm", "video", inline=True),
        FileType("video/quicktime", "mov", "video"),
        FileType("video/x-matroska", "mkv", "video"),
        FileType("application/zip", "zip", "archive"),
        FileType("application/x-7z-compressed", "7z", "archive"),
        FileType("text/plain", "txt", "text", ("text", "log")),
        FileType("text/markdown", "md", "text", ("markdown",)),
    ]
}

# What the forum takes; the files module takes every type above.
FORUM_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "application/pdf",
        "text/plain",
        "text/csv",
        "text/markdown",
        "application/zip",
        _ODF + "text",
        _ODF + "spreadsheet",
        _ODF + "presentation",
        _OOXML + "wordprocessingml.document",
        _OOXML + "spreadsheetml.sheet",
        _OOXML + "presentationml.presentation",
    }
)
ALL_TYPES = frozenset(TYPES)

# Formats that run code when opened: refused whatever their name.
_EXECUTABLE_MAGIC = (
    b"MZ",  # Windows (PE, DOS)
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",  # Mach-O
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # Mach-O universal, Java class
    b"#!",  # a script with its interpreter
    b"\x00asm",  # WebAssembly
    b"MSCF",  # Windows cabinet
)
_EXECUTABLE_MIMES = {
    "application/x-msdownload",
    "application/x-executable",
    "application/wasm",
    "application/x-shockwave-flash",
    "application/vnd.ms-cab-compressed",
    "application/x-deb",
    "application/x-rpm",
    "application/x-google-chrome-extension",
}
# Markup a browser would run: looked for at the start of anything that decodes as text.
_ACTIVE_MARKUP = re.compile(
    rb"<\s*(!doctype\s+html|html|head|body|script|iframe|object|embed|frame|meta|link|style"
    rb"|img|svg|a\s|form|base|xsl|\?php)|<\?xml-stylesheet|javascript:",
    re.IGNORECASE,
)
_SVG_START = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*(<!doctype\s+svg[^>]*>\s*)?<svg\b",
                        re.IGNORECASE | re.DOTALL)  # fmt: skip
_SVG_ACTIVE = re.compile(
    rb"<\s*(script|foreignobject|iframe|embed|object|handler|set|animate)\b|\bon[a-z]+\s*="
    rb"|javascript:|data:text/html|<!entity|xlink:href\s*=\s*[\"']?(?!#)",
    re.IGNORECASE,
)
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE compound file: legacy Office
_CFB_BY_EXTENSION = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}
# OOXML parts that name the document's kind; the first found decides.
_OOXML_PARTS = {
    "word/document.xml": _OOXML + "wordprocessingml.document",
    "xl/workbook.xml": _OOXML + "spreadsheetml.sheet",
    "ppt/presentation.xml": _OOXML + "presentationml.presentation",
}
_TEXT_EXTENSIONS = {"csv": "text/csv", "tsv": "text/csv", "md": "text/markdown"}
_TEXT_EXTENSIONS["markdown"] = "text/markdown"
ZIP_MAX_ENTRIES = 10_000


class UploadRefused(ValidationError):
    """A file that is not stored, with the message that says why (already translated)."""


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    mime: str
    size: int
    type: FileType


def _read_head(file: IO[bytes], size: int = HEAD) -> bytes:
    file.seek(0)
    head = file.read(size)
    file.seek(0)
    return head


def _chunks(file: IO[bytes]) -> Iterable[bytes]:
    file.seek(0)
    while chunk := file.read(CHUNK):
        yield chunk
    file.seek(0)


def _extension(name: str) -> str:
    _stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and _stem else ""


def _is_utf8_text(file: IO[bytes]) -> bool:
    """Valid UTF-8 from start to end, without NUL: what text files are here."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for chunk in _chunks(file):
            if b"\x00" in chunk:
                return False
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _zip_type(file: IO[bytes]) -> str:
    """OpenDocument and Office files are zips: their own parts say which kind they are."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_ENTRIES:
                raise _Damaged
            names = {info.filename for info in infos}
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size <= 100:
                    declared = archive.read(info).decode("ascii", "replace").strip()
                    if declared.startswith(_ODF):
                        return declared
                    if declared:
                        return "application/epub+zip" if "epub" in declared else declared
            if "[Content_Types].xml" in names:
                if any(n.lower().endswith("vbaproject.bin") for n in names):
                    return "application/vnd.ms-office.macroenabled"
                for part, mime in _OOXML_PARTS.items():
                    if part in names:
                        return mime
            return "application/zip"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise _Damaged from None
    finally:
        file.seek(0)


class _Damaged(Exception):
    pass


def detect_type(file: IO[bytes], name: str = "") -> str:
    """The MIME type of `file` from its content. `name` only tells CSV from plain text.

    Returns a type even when it is not acceptable (executables, HTML…): the caller decides.
    Raises `_Damaged` for a container that does not open.
    """
    head = _read_head(file)
    if head.startswith(_EXECUTABLE_MAGIC):
        return "application/x-executable"
    if head.startswith(_CFB):
        return _CFB_BY_EXTENSION.get(_extension(name), "application/x-ole-storage")
    kind = filetype.guess(head)
    mime = kind.mime if kind else None
    if mime == "application/zip" or head.startswith(b"PK\x03\x04"):
        return _zip_type(file)
    if mime == "image/apng":
        return "image/png"
    if mime:
        return mime
    # No magic bytes: text, or something unknown.
    stripped = head.lstrip(b"\xef\xbb\xbf")
    if _SVG_START.match(stripped):
        return "image/svg+xml"
    if stripped.startswith(b"{\\rtf"):
        return "application/rtf"
    if not _is_utf8_text(file):
        return "application/octet-stream"
    if _ACTIVE_MARKUP.search(stripped[:1024]):
        return "text/html"
    if stripped.lstrip().startswith(b"<?xml"):
        return "application/xml"
    return _TEXT_EXTENSIONS.get(_extension(name), "text/plain")


def _check_image(file: IO[bytes], mime: str) -> None:
    """Pillow reads the header and checks the structure without decoding the pixels."""
    from PIL import Image

    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    raise Image.DecompressionBombError
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _TooManyPixels from None
    except Exception:  # Pillow raises many kinds of errors on damaged files
        raise _Damaged from None
    finally:
        file.seek(0)


class _TooManyPixels(Exception):
    pass


def _svg_is_inert(file: IO[bytes]) -> bool:
    # Chunks overlap so that a pattern cut between two chunks is still seen.
    tail = b""
    for chunk in _chunks(file):
        if _SVG_ACTIVE.search(tail + chunk):
            return False
        tail = chunk[-256:]
    return True


def accepted_families(allowed: Iterable[str]) -> str:
    families = []
    for mime in allowed:
        family = str(FAMILIES[TYPES[mime].family])
        if family not in families:
            families.append(family)
    return ", ".join(families)


def check_upload(
    file: IO[bytes] | Any,
    *,
    name: str,
    size: int | None = None,
    allowed: Iterable[str] = ALL_TYPES,
    max_bytes: int | None = None,
) -> CheckedUpload:
    """Detect what `file` is, refuse it unless allowed, and give it a clean, truthful name.

    Raises UploadRefused with a message naming the file.
    """
    allowed = frozenset(allowed)
    shown = clean_filename(name) or _("file")
    if size is None:
        size = getattr(file, "size", None)
        if size is None:
            file.seek(0, 2)
            size = file.tell()
            file.seek(0)
    if size == 0:
        raise UploadRefused(_("“%(name)s” is empty.") % {"name": shown}, code="empty")
    if max_bytes is not None and size > max_bytes:
        raise UploadRefused(
            _("“%(name)s” is too large: %(limit)s MB at most.")
            % {"name": shown, "limit": max_bytes // 2**20},
            code="too_large",
        )
    try:
        mime = detect_type(file, name)
        if mime == "image/svg+xml" and not _svg_is_inert(file):
            mime = "text/html"
        if mime in TYPES and TYPES[mime].family == "image" and mime != "image/svg+xml":
            _check_image(file, mime)
    except _Damaged:
        raise UploadRefused(
            _("“%(name)s” looks damaged: it could not be read.") % {"name": shown},
            code="damaged",
        ) from None
    except _TooManyPixels:
        raise UploadRefused(
            _("“%(name)s” is a picture too large to handle (%(mp)s million pixels at most).")
            % {"name": shown, "mp": MAX_IMAGE_PIXELS // 1_000_000},
            code="too_many_pixels",
        ) from None
    if mime == "application/x-executable" or mime in _EXECUTABLE_MIMES:
        raise UploadRefused(
            _("“%(name)s” is a program or a script: such files are not accepted.")
            % {"name": shown},
            code="executable",
        )
    if mime in ("text/html", "application/xml"):
        raise UploadRefused(
            _(
                "“%(name)s” is a web page or contains active content (HTML, scripts): "
                "such files are not accepted."
            )
            % {"name": shown},
            code="active_content",
        )
    if mime == "application/vnd.ms-office.macroenabled":
        raise UploadRefused(
            _("“%(name)s” contains macros: save it without macros first.") % {"name": shown},
            code="macros",
        )
    if mime not in allowed:
        raise UploadRefused(
            _("“%(name)s”: this kind of file is not accepted (%(accepted)s are).")
            % {"name": shown, "accepted": accepted_families(sorted(allowed))},
            code="type_not_allowed",
        )
    kind = TYPES[mime]
    return CheckedUpload(name=clean_filename(name, kind), mime=mime, size=size, type=kind)


# --- Names ----------------------------------------------------------------------------------

_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {
    f"{d}{n}" for d in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]
}
_FORBIDDEN_CHARACTERS = re.compile(r'[<>:"|?*]')


def _truncate_utf8(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", "ignore")


def clean_filename(
    name: str, kind: FileType | None = None, *, max_bytes: int = NAME_MAX_BYTES
) -> str:
    """A name safe on every disk and in every header, whose extension matches `kind`.

    Only the last path component is kept; control, format (bidi overrides, zero-width) and
    reserved characters go; leading dots and trailing dots and spaces go; Windows device
    names get a prefix; the result fits in `max_bytes` bytes of UTF-8, extension included.
    Returns "" when nothing is left and `kind` is None.
    """
    name = unicodedata.normalize("NFC", str(name))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(
        " " if ch in "\t\n\r" else ch
        for ch in name
        if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn") or ch in "\t\n\r"
    )
    name = _FORBIDDEN_CHARACTERS.sub("", name)
    name = " ".join(name.split()).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    stem = stem.strip(" .")
    if dot and not re.fullmatch(r"[A-Za-z0-9]{1,10}", ext):
        stem, ext = name, ""  # "v1.2 notes": the dot does not start an extension
    if kind is not None:
        if ext.lower() not in kind.extensions:
            # The extension lies about the content (or there is none): the content wins.
            ext = kind.extension
        stem = stem or _("file")
    elif not stem:
        stem, ext = "", ""
    if stem.split(".")[0].upper() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    suffix = f".{ext}" if ext else ""
    stem = _truncate_utf8(stem, max_bytes - len(suffix.encode("utf-8"))).strip(" .")
    if not stem:
        return ""
    return f"{stem}{suffix}"
