"""Co-edited documents in Chromium: two people type in the same paragraph from two browser
contexts and both see the same text; one restores a version and the other sees it."""

from __future__ import annotations

from playwright.sync_api import expect

from core.workspaces.models import MembershipRole
from extranet.documents import services
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, GroupFactory, MembershipFactory, UserFactory


def _text(page) -> str:
    """The document's text in the page's editor (without the others' caret labels)."""
    return page.evaluate("window.maillageEditor.getText()")


def _same_text(one, other) -> str:
    """Both editors hold the same text (once the last keystrokes have crossed)."""
    for _ in range(50):
        if _text(one) == _text(other):
            return _text(one)
        one.wait_for_timeout(200)
    assert _text(one) == _text(other)
    return _text(one)


def _open(new_page, email, document):
    page = new_page()
    sign_in(page, email, PASSWORD)
    page.goto(document.get_absolute_url())
    expect(page.locator("[data-doc-status]")).to_have_attribute("data-state", "saved")
    return page


def test_two_people_type_in_the_same_paragraph_and_a_restore_reaches_both(new_page):
    lea = UserFactory(email="lea@exemple.fr", display_name="Léa Martin")
    omar = UserFactory(email="omar@exemple.fr", display_name="Omar Benali")
    group = GroupFactory(name="Fablab du Lot")
    MembershipFactory(user=lea, workspace=group, role=MembershipRole.OWNER)
    MembershipFactory(user=omar, workspace=group)
    document = services.document_create(actor=lea, workspace=group, title="Ordre du jour")

    first = _open(new_page, "lea@exemple.fr", document)
    second = _open(new_page, "omar@exemple.fr", document)
    # The list says who is in the document now (both pages hold a socket open).
    listing = new_page()
    sign_in(listing, "lea@exemple.fr", PASSWORD)
    listing.goto(f"/espace/documents/{group.slug}/")
    row = listing.locator("tr", has_text="Ordre du jour")
    expect(row).to_contain_text("Omar Benali")
    expect(row).to_contain_text("Léa Martin")
    editor_1 = first.locator(".ProseMirror")
    editor_2 = second.locator(".ProseMirror")

    editor_1.click()
    first.keyboard.type("Bonjour ")
    expect(editor_2).to_contain_text("Bonjour")
    editor_2.click()
    second.keyboard.press("End")
    second.keyboard.type("à tous")
    first.keyboard.type("et bienvenue ")
    expect(editor_1).to_contain_text("à tous")
    expect(editor_2).to_contain_text("bienvenue")
    both = _same_text(first, second)
    assert "Bonjour" in both and "à tous" in both and "bienvenue" in both
    assert editor_1.locator("p").count() == 1  # one paragraph, typed in by both
    # Saved means stored: the database holds what both see.
    expect(first.locator("[data-doc-status]")).to_have_attribute("data-state", "saved")
    expect(second.locator("[data-doc-status]")).to_have_attribute("data-state", "saved")
    services.text_refresh(document_id=document.pk)
    document.refresh_from_db()
    assert document.text == both
    # Each sees the other's caret with their name.
    expect(first.locator(".collaboration-carets__label")).to_contain_text("Omar Benali")

    # A named version, then more text, then Léa restores the version: Omar sees it.
    first.goto(f"{document.get_absolute_url()}historique/")
    first.locator("#id_name").fill("Première version")
    first.locator("form.inline-form button[type=submit]").click()
    first.goto(document.get_absolute_url())
    expect(first.locator("[data-doc-status]")).to_have_attribute("data-state", "saved")
    first.locator(".ProseMirror").click()
    first.keyboard.press("Control+End")
    first.keyboard.type(" — phrase à retirer")
    expect(editor_2).to_contain_text("phrase à retirer")
    version = document.versions.get(name="Première version")
    first.goto(f"{document.get_absolute_url()}versions/{version.pk}/")
    first.locator("[data-restore-version]").click()
    expect(editor_2).not_to_contain_text("phrase à retirer")
    assert _same_text(first, second) == both
