"""Exports (Markdown, HTML, DOCX, PDF) and imports (Markdown, DOCX) of documents, with what a
hostile file may hold."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from extranet.documents import convert, services, ydoc
from extranet.documents.models import Document
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

RICH = (
    "<h2>Programme</h2><p>Un <strong>atelier</strong> <em>ouvert</em> "
    '<a href="https://exemple.fr">inscription</a></p>'
    "<ul><li><p>café</p></li><li><p>accueil</p></li></ul>"
    "<blockquote><p>Citation</p></blockquote>"
    "<table><tr><th><p>Heure</p></th><th><p>Quoi</p></th></tr>"
    "<tr><td><p>9 h</p></td><td><p>Accueil</p></td></tr></table>"
)


@pytest.fixture
def world():
    owner = UserFactory()
    group = GroupFactory()
    MembershipFactory(workspace=group, user=owner, role="owner")
    state = ydoc.state_from_tree(ydoc.html_tree(RICH))
    document = services.document_create(
        actor=owner, workspace=group, title="Réunion <b>mars</b>", state=state
    )
    return owner, group, document


def _export(client, document, fmt):
    url = reverse("documents:export", args=[document.workspace.slug, document.pk, fmt])
    return client.get(url)


def test_markdown_export_keeps_headings_marks_lists_quotes_and_tables(client, world):
    owner, _group, document = world
    client.force_login(owner)
    response = _export(client, document, "md")
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/markdown")
    assert (
        "filename*=UTF-8''R%C3%A9union%20%3Cb%3Emars%3C%2Fb%3E.md"
        not in response["Content-Disposition"]
    )  # the file name loses what a file system refuses
    for part in [
        "## Programme",
        "**atelier**",
        "*ouvert*",
        "[inscription](https://exemple.fr)",
        "- café",
        "> Citation",
        "| Heure | Quoi |",
    ]:
        assert part in text, part


def test_html_export_escapes_the_title_and_content(client, world):
    owner, _group, document = world
    client.force_login(owner)
    html = _export(client, document, "html").content.decode()
    assert "<title>Réunion &lt;b&gt;mars&lt;/b&gt;</title>" in html
    assert "<strong>atelier</strong>" in html
    assert "<table>" in html


def test_docx_and_pdf_exports_are_real_files(client, world):
    owner, _group, document = world
    client.force_login(owner)
    opened = docx.Document(io.BytesIO(_export(client, document, "docx").content))
    paragraphs = [p.text for p in opened.paragraphs]
    assert "Programme" in paragraphs
    assert any("atelier" in p for p in paragraphs)
    assert opened.tables[0].cell(1, 1).text == "Accueil"
    pdf = _export(client, document, "pdf").content
    assert pdf.startswith(b"%PDF")
    assert (
        client.get(
            reverse("documents:export", args=[document.workspace.slug, document.pk, "exe"])
        ).status_code
        == 404
    )


def test_markdown_import_makes_a_new_document_without_foreign_html(client, world):
    owner, group, _document = world
    client.force_login(owner)
    source = (
        "# Compte rendu\n\n<script>alert(1)</script>\n\n- [lien](javascript:alert(1))\n- **gras**\n"
    )
    response = client.post(
        reverse("documents:import", args=[group.slug]),
        {"file": SimpleUploadedFile("compte-rendu.md", source.encode())},
    )
    created = Document.objects.get(title="compte-rendu")
    assert response.status_code == 302
    state = services.document_state(created)
    html = convert.to_html_fragment(state)
    assert "<script>" not in html and 'href="javascript' not in html
    assert "<h1>Compte rendu</h1>" in html
    assert "<strong>gras</strong>" in html
    assert created.text.startswith("Compte rendu")


def test_docx_import_keeps_the_words_and_the_structure(client, world):
    owner, group, _document = world
    client.force_login(owner)
    made = docx.Document()
    made.add_heading("Bilan 2026", level=1)
    paragraph = made.add_paragraph("Des ")
    paragraph.add_run("ateliers").bold = True
    made.add_paragraph("premier point", style="List Bullet")
    buffer = io.BytesIO()
    made.save(buffer)
    client.post(
        reverse("documents:import", args=[group.slug]),
        {"file": SimpleUploadedFile("bilan.docx", buffer.getvalue())},
    )
    created = Document.objects.get(title="bilan")
    html = convert.to_html_fragment(services.document_state(created))
    assert "<h1>Bilan 2026</h1>" in html
    assert "<strong>ateliers</strong>" in html
    assert "<li><p>premier point</p></li>" in html


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("faux.docx", b"PK\x03\x04 pas un docx"),
        ("texte.md", "café".encode("latin-1")),
        ("image.png", b"\x89PNG\r\n"),
    ],
)
def test_bad_imports_get_a_clear_error_and_create_nothing(client, world, name, data):
    owner, group, _document = world
    client.force_login(owner)
    before = Document.objects.count()
    response = client.post(
        reverse("documents:import", args=[group.slug]),
        {"file": SimpleUploadedFile(name, data)},
        follow=True,
    )
    assert response.status_code == 200
    assert Document.objects.count() == before
    messages = [str(m) for m in response.context["messages"]]
    assert messages and all(m for m in messages)


def test_list_page_shows_who_edited_last_and_who_is_in_it_now(
    client, world, django_assert_max_num_queries
):
    owner, group, document = world
    for n in range(5):
        services.document_create(actor=owner, workspace=group, title=f"Doc {n}")
    services.presence_enter(document_id=document.pk, user_id=owner.pk, channel_name="x.1")
    client.force_login(owner)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("documents:workspace", args=[group.slug])).content.decode()
    assert str(owner) in page
    assert "Doc 4" in page


def test_rename_duplicate_trash_and_restore(client, world):
    owner, group, document = world
    client.force_login(owner)
    slug = group.slug
    client.post(reverse("documents:rename", args=[slug, document.pk]), {"title": "Réunion d'avril"})
    document.refresh_from_db()
    assert document.title == "Réunion d'avril"
    assert (
        client.post(
            reverse("documents:rename", args=[slug, document.pk]), {"title": ""}
        ).status_code
        == 200
    )
    client.post(reverse("documents:duplicate", args=[slug, document.pk]))
    copy = Document.objects.exclude(pk=document.pk).get(workspace=group)
    assert copy.text == document.text
    client.post(reverse("documents:trash_document", args=[slug, document.pk]))
    assert client.get(document.get_absolute_url()).status_code == 404
    trash = client.get(reverse("documents:trash", args=[slug])).content.decode()
    assert "Réunion d&#x27;avril" in trash
    client.post(reverse("documents:restore_document", args=[slug, document.pk]))
    assert client.get(document.get_absolute_url()).status_code == 200


def test_accented_text_keeps_its_marks_and_task_lists_their_boxes():
    state = ydoc.state_from_tree(
        ydoc.html_tree(
            convert.markdown_html("Café **très** bon — été\n\n- [ ] à faire\n- [x] fait\n")
        )
    )
    html = convert.to_html_fragment(state)
    assert "<p>Café <strong>très</strong> bon — été</p>" in html
    markdown = convert.to_markdown(ydoc.tree(state))
    assert "- [ ] à faire\n- [x] fait" in markdown


def test_the_demo_document_is_made_once():
    from extranet.documents.demo import load_documents_demo

    author = UserFactory()
    group = GroupFactory(name="EPN du Pays de Montbéliard")
    MembershipFactory(workspace=group, user=author, role="owner")
    assert load_documents_demo({"montbeliard": author}, None) == 1
    assert load_documents_demo({"montbeliard": author}, None) == 0
    document = Document.objects.get(workspace=group)
    assert "Relancer la mairie" in document.text


def test_links_and_pictures_to_other_sites_through_double_slashes_are_dropped():
    tree = ydoc.html_tree(
        '<p><a href="//evil.example/x">a</a> <a href="/espace/">b</a>'
        ' <a href="JavaScript:alert(1)">c</a></p><img src="//evil.example/p.png" alt="p">'
    )
    html = convert.to_html_fragment(ydoc.state_from_tree(tree))
    assert "evil.example" not in html and "alert" not in html.split("</a>")[-1]
    assert '<a href="/espace/">b</a>' in html
    assert 'href="JavaScript' not in html


def test_a_docx_that_unpacks_into_too_much_is_refused():
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (convert.DOCX_MAX_UNPACKED + 1))
    with pytest.raises(convert.ImportRefused):
        convert.import_upload("bombe.docx", buffer.getvalue())
