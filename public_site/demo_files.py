"""Files for the demo content, made in memory: banner images (Pillow), small PDFs written
by hand, CSV tables. Nothing is downloaded and nothing is read from disk."""

from __future__ import annotations

import csv
import io
import textwrap
import unicodedata

from PIL import Image, ImageDraw, ImageFont

# Banner colours: the palette of core/static/core/maillage.css, each dark enough for
# white text (AA contrast of at least 4.5:1).
BANNER_COLOURS = ["#00557f", "#003b59", "#1d6b33", "#7a4b00", "#0b5394"]

BANNER_SIZE = (1200, 630)


def banner_png(title: str, *, colour: str, kicker: str = "Maillage") -> bytes:
    """A 1200×630 PNG (the OpenGraph size): a coloured ground, a mesh of nodes (the
    network) and the title in white."""
    image = Image.new("RGB", BANNER_SIZE, colour)
    draw = ImageDraw.Draw(image)

    # A light mesh in the right half: nodes joined to their neighbours.
    mesh = "#ffffff"
    nodes = [(x, y) for x in range(700, 1200, 110) for y in range(60, 630, 110)]
    for x, y in nodes:
        for dx, dy in ((110, 0), (0, 110), (110, 110)):
            if (x + dx, y + dy) in nodes:
                draw.line([(x, y), (x + dx, y + dy)], fill=_blend(colour, mesh, 0.25), width=3)
    for x, y in nodes:
        draw.ellipse([x - 9, y - 9, x + 9, y + 9], fill=_blend(colour, mesh, 0.45))

    (small, _), (large, accents) = _font(32), _font(56)
    if not accents:
        # Pillow's built-in font has no accented letters: fold them rather than draw boxes
        # (the page and the alternative text keep the exact title).
        title, kicker = _fold(title), _fold(kicker)
    draw.text((70, 70), kicker, font=small, fill="#ffffff")
    y = 160
    for line in _wrap(title, large, max_width=600)[:5]:
        draw.text((70, y), line, font=large, fill="#ffffff")
        y += 72
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


# Common system fonts with French accents; Pillow looks them up in the usual font folders.
_FONT_FILES = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf", "arialbd.ttf")


def _font(size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """A font of `size` pixels, and whether it has accented letters."""
    for name in _FONT_FILES:
        try:
            return ImageFont.truetype(name, size), True
        except OSError:
            continue
    return ImageFont.load_default(size=size), False


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _wrap(
    text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, *, max_width: int
) -> list[str]:
    """Lines of whole words no wider than `max_width` pixels."""
    lines: list[str] = []
    current = ""
    # Split on plain spaces only: no-break spaces ("2 500") keep their words together.
    for word in text.split(" "):
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _blend(base: str, top: str, alpha: float) -> str:
    b = [int(base[i : i + 2], 16) for i in (1, 3, 5)]
    t = [int(top[i : i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(bv + (tv - bv) * alpha) for bv, tv in zip(b, t, strict=True)]
    return "#" + "".join(f"{v:02x}" for v in mixed)


def csv_bytes(header: list[str], rows: list[list[str | int]]) -> bytes:
    """UTF-8 with a byte-order mark and semicolons: what French spreadsheets open as is."""
    output = io.StringIO()
    writer = csv.writer(output, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return output.getvalue().encode("utf-8-sig")


# --- PDF -----------------------------------------------------------------------------------
# A minimal PDF 1.4: one page per slide or section, Helvetica in WinAnsiEncoding (the
# cp1252 code page, which covers French accents, « », € and the typographic apostrophe).

_A4 = (595, 842)
_MARGIN = 56
_LINE_CHARS = 88


def pdf_bytes(title: str, pages: list[tuple[str, list[str]]]) -> bytes:
    """A valid PDF whose pages each have a heading and paragraphs (wrapped here)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree's number is known
    pages_ref = add(b"")
    regular = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    bold = add(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
    )
    kids = []
    for number, (heading, paragraphs) in enumerate(pages, start=1):
        stream = _page_stream(title, heading, paragraphs, number, len(pages))
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> >> /Contents %d 0 R >>"
                % (pages_ref, _A4[0], _A4[1], regular, bold, content)
            )
        )
    info = add(b"<< /Title %s /Producer (Maillage) >>" % _pdf_text_string(title))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_ref
    objects[pages_ref - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )

    output = io.BytesIO()
    output.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")  # binary marker line, as the spec advises
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(output.tell())
        output.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = output.tell()
    output.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        output.write(b"%010d 00000 n \n" % offset)
    output.write(
        b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, info, xref)
    )
    return output.getvalue()


def _page_stream(title: str, heading: str, paragraphs: list[str], number: int, total: int) -> bytes:
    top = _A4[1] - _MARGIN
    parts = [
        b"BT",
        b"/F1 10 Tf %d %d Td (%s) Tj" % (_MARGIN, top, _pdf_literal(title)),
        b"ET",
        b"BT",
        b"/F2 20 Tf %d %d Td 26 TL (%s) Tj" % (_MARGIN, top - 44, _pdf_literal(heading)),
        b"/F1 12 Tf 17 TL T* T*",
    ]
    for paragraph in paragraphs:
        for line in textwrap.wrap(paragraph, width=_LINE_CHARS) or [""]:
            parts.append(b"(%s) Tj T*" % _pdf_literal(line))
        parts.append(b"T*")
    parts.append(b"ET")
    footer = f"{number} / {total}"
    parts.append(b"BT /F1 9 Tf %d %d Td (%s) Tj ET" % (_A4[0] - 100, 30, _pdf_literal(footer)))
    return b"\n".join(parts)


def _pdf_literal(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _pdf_text_string(text: str) -> bytes:
    # Document information strings outside PDFDocEncoding are UTF-16BE with a BOM.
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"
