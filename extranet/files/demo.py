"""A few real files in the demo network's spaces, made here (no file is shipped)."""

from __future__ import annotations

import ctypes
import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from core.workspaces.models import Workspace


def _pdf(lines: list[str]) -> bytes:
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    document = pdfium.PdfDocument.new()
    page = document.new_page(595, 842)  # A4
    for index, line in enumerate(lines):
        text = raw.FPDFPageObj_NewTextObj(document, b"Helvetica", 16.0 if index else 24.0)
        buffer = ctypes.create_string_buffer((line + "\0").encode("utf-16-le"))
        raw.FPDFText_SetText(text, ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)))
        raw.FPDFPageObj_Transform(text, 1, 0, 0, 1, 60, 760 - 32 * index)
        raw.FPDFPage_InsertObject(page, text)
    raw.FPDFPage_GenerateContent(page)
    page.close()
    out = io.BytesIO()
    document.save(out)
    document.close()
    return out.getvalue()


def _png(title: str) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (800, 450), "#1d6f6f")
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 760, 410), outline="white", width=6)
    draw.text((80, 200), title, fill="white", font_size=40)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _odt(paragraphs: list[str]) -> bytes:
    from xml.sax.saxutils import escape

    body = "".join(f"<text:p>{escape(p)}</text:p>" for p in paragraphs)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
            'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            'manifest:version="1.3"><manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
            '<manifest:file-entry manifest:full-path="content.xml" '
            'manifest:media-type="text/xml"/></manifest:manifest>',
            zipfile.ZIP_DEFLATED,
        )
    return out.getvalue()


def _demo_files() -> list[tuple[str, str, str, bytes]]:
    """(workspace: a group's name, "network" or "personal:<key>", author key, name, bytes)"""
    return [
        (
            "network",
            "coordinator",
            "Charte du réseau.pdf",
            _pdf(
                [
                    "Charte du réseau Maillage",
                    "1. Accueillir chacun, sans condition.",
                    "2. Partager nos ressources et nos solutions.",
                    "3. Protéger les données des personnes accompagnées.",
                ]
            ),
        ),
        (
            "EPN du Pays de Montbéliard",
            "montbeliard",
            "Planning des ateliers.csv",
            (
                "Date;Lieu;Atelier;Places\n"
                "2027-01-12;Médiathèque de Montbéliard;Premiers pas sur tablette;8\n"
                "2027-01-19;EPN de Bethoncourt;Démarches en ligne : la CAF;6\n"
                "2027-01-26;Médiathèque de Montbéliard;Sauvegarder ses photos;8\n"
            ).encode(),
        ),
        (
            "EPN du Pays de Montbéliard",
            "montbeliard",
            "Compte rendu réunion de janvier.odt",
            _odt(
                [
                    "Compte rendu de la réunion des EPN du 8 janvier",
                    "Présents : les animateurs de 14 espaces sur 23.",
                    "Décision : achat groupé de 12 tablettes pour les ateliers seniors.",
                ]
            ),
        ),
        (
            "EPN du Pays de Montbéliard",
            "montbeliard",
            "Affiche ateliers tablette.png",
            _png("Ateliers tablette — janvier"),
        ),
        (
            "Logiciels libres en EPN",
            "saint_etienne",
            "Guide Linux Mint pour postes publics.pdf",
            _pdf(
                [
                    "Guide : Linux Mint sur les postes publics",
                    "Installer, verrouiller la session invité, restaurer au redémarrage.",
                    "Imprimantes Brother : paquet printer-driver-brlaser.",
                ]
            ),
        ),
        (
            "personal:montbeliard",
            "montbeliard",
            "Notes.md",
            (
                "# À faire\n\n- Relancer la mairie pour la salle du jeudi\n"
                "- Préparer le support « Premiers pas sur tablette »\n"
            ).encode(),
        ),
    ]


def load_files_demo(people: dict, network: Workspace | None) -> int:
    """Idempotent: a file already there (same space, same name) is left alone."""
    from extranet.files.models import File
    from extranet.files.services import file_upload

    added = 0
    for where, author_key, name, data in _demo_files():
        author = people.get(author_key)
        if author is None:
            continue
        if where == "network":
            workspace = network
        elif where.startswith("personal:"):
            owner = people.get(where.split(":", 1)[1])
            workspace = getattr(owner, "personal_workspace", None)
        else:
            workspace = Workspace.objects.filter(kind="group", name=where).first()
        if workspace is None or File.objects.filter(workspace=workspace, name=name).exists():
            continue
        file_upload(
            actor=author,
            workspace=workspace,
            folder=None,
            upload=SimpleUploadedFile(name, data),
            name=name,
        )
        added += 1
    return added
