"""Shared storage in Chromium: drag two files onto the upload area and watch a progress bar
for each, open the PDF in the in-page viewer (pdf.js), send a new version, restore the old
one."""

from __future__ import annotations

import base64
import re

from playwright.sync_api import expect

from core.workspaces.models import MembershipRole
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, GroupFactory, MembershipFactory, UserFactory
from tests.files.conftest import pdf, png

DROP = """
([files]) => {
  const transfer = new DataTransfer();
  for (const [name, type, data] of files) {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], name, { type }));
  }
  const area = document.querySelector("[data-upload-area]");
  for (const kind of ["dragenter", "dragover", "drop"]) {
    area.dispatchEvent(new DragEvent(kind, { dataTransfer: transfer, bubbles: true }));
  }
}
"""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_drag_two_files_preview_the_pdf_and_restore_a_version(new_page, tmp_path):
    user = UserFactory(email="lea@exemple.fr", display_name="Léa Martin")
    group = GroupFactory(name="Numérique en Lot")
    MembershipFactory(user=user, workspace=group, role=MembershipRole.OWNER)
    page = new_page()
    sign_in(page, "lea@exemple.fr", PASSWORD)
    page.goto(f"/espace/fichiers/{group.slug}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fichiers de Numérique en Lot")
    area = page.get_by_role("button", name=re.compile("Déposez des fichiers ici"))
    expect(area).to_be_visible()

    page.evaluate(
        DROP,
        [
            [
                ["programme.pdf", "application/pdf", _b64(pdf("Programme de mars"))],
                ["affiche.png", "image/png", _b64(png((200, 120)))],
            ]
        ],
    )
    rows = page.locator("[data-upload-list] li:has(progress)")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).locator("progress")).to_have_attribute("value", "100")
    expect(rows.nth(1).locator("progress")).to_have_attribute("value", "100")
    expect(rows.filter(has_text="programme.pdf")).to_contain_text(
        "enregistré sous « programme.pdf »"
    )
    expect(rows.filter(has_text="affiche.png")).to_contain_text("enregistré sous « affiche.png »")

    # A refused file gets its own message, from the server.
    page.evaluate(DROP, [[["setup.pdf", "application/pdf", _b64(b"MZ" + b"\0" * 200)]]])
    expect(page.locator("[data-upload-list] li.upload-error")).to_contain_text(
        "« setup.pdf » est un programme ou un script"
    )

    page.get_by_role("link", name="Afficher les nouveaux fichiers dans la liste").click()
    page.get_by_role("link", name="programme.pdf", exact=True).click()
    viewer = page.locator("[data-pdf-viewer]")
    expect(viewer).to_have_attribute("data-rendered", "1")
    expect(page.locator("[data-pdf-status]")).to_have_text("Page 1 sur 1")

    # A new version under the same name, through the plain file picker.
    second = tmp_path / "programme.pdf"
    second.write_bytes(pdf("Programme d’avril", pages=2))
    page.goto(f"/espace/fichiers/{group.slug}/")
    page.locator('input[type="file"]').set_input_files(str(second))
    expect(page.locator("[data-upload-list] li:has(progress)")).to_contain_text(
        "enregistré sous « programme.pdf »"
    )
    page.goto(f"/espace/fichiers/{group.slug}/")
    page.get_by_role("link", name="programme.pdf", exact=True).click()
    expect(page.locator("[data-pdf-status]")).to_have_text("Page 1 sur 2")
    page.get_by_role("button", name="Restaurer la version 1").click()
    expect(page.locator(".messages")).to_contain_text(
        "La version 1 est de nouveau l’actuelle, en tant que version 3."
    )
    expect(page.locator("[data-pdf-status]")).to_have_text("Page 1 sur 1")
    expect(page.locator("tr[data-version]")).to_have_count(3)
