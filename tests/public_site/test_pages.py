"""Each page type renders in French with its content, in accessible markup."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from public_site.models import HomeKeyFigure
from tests.public_site import factories

pytestmark = pytest.mark.django_db


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_home_page_shows_intro_key_figures_and_place_search_in_french(client, home):
    home.key_figures = [
        HomeKeyFigure(number="23", label="espaces publics numériques"),
        HomeKeyFigure(number="2 500", label="personnes formées en un an"),
    ]
    home.save_revision().publish()

    page = html(client.get("/"))

    assert '<html lang="fr">' in page
    assert "<h1>Le réseau des espaces publics numériques</h1>" in page
    assert "Trouvez le lieu le plus proche de chez vous." in page
    assert "Le réseau en chiffres" in page
    assert page.index("espaces publics numériques</span>") < page.index("personnes formées")
    # The place search: a labelled GET form to the directory.
    assert 'action="/lieux/"' in page and 'method="get"' in page
    assert '<label for="place-search-q">Commune, code postal ou adresse</label>' in page
    assert 'id="place-search-q" name="q"' in page


def test_home_page_lists_the_latest_three_news(client, home):
    index = factories.news_index(home)
    for days_ago in (30, 1, 20, 10):
        factories.news(index, f"Nouvelle d’il y a {days_ago} jours", days_ago=days_ago)
    factories.news(index, "Brouillon récent", days_ago=0, live=False)

    page = html(client.get("/"))

    assert "Dernières actualités" in page
    shown = [f"Nouvelle d’il y a {d} jours" for d in (1, 10, 20)]
    positions = [page.index(title) for title in shown]
    assert positions == sorted(positions)
    assert "il y a 30 jours" not in page
    assert "Brouillon récent" not in page
    assert 'href="/actualites/"' in page


def test_home_page_without_news_leaves_that_section_out_and_teases_the_directory(client, home):
    page = html(client.get("/"))
    assert "Dernières actualités" not in page
    assert "Les lieux sur la carte" in page
    assert "0 lieu référencé, partout en France." in page


def test_standard_page_renders_its_blocks_with_alt_text_and_heading_levels(client, home):
    picture = factories.image("Atelier")
    charter_pdf = factories.document("La charte", "charte.pdf", b"%PDF-1.4\n%%EOF\n")
    factories.standard_page(
        home,
        title="La charte du réseau",
        slug="charte",
        intro="Les principes communs.",
        body=[
            {"type": "heading", "value": {"text": "Accueillir", "level": "h2"}},
            {"type": "paragraph", "value": "<p>Tout le <b>monde</b>.</p>"},
            {"type": "heading", "value": {"text": "Dans le détail", "level": "h3"}},
            {
                "type": "image",
                "value": {"image": picture.pk, "alt_text": "Un atelier", "caption": "En atelier"},
            },
            {"type": "quote", "value": {"text": "Faire avec.", "attribution": "La charte"}},
            {"type": "document", "value": {"document": charter_pdf.pk, "label": ""}},
        ],
    )

    page = html(client.get("/charte/"))

    assert "<h1>La charte du réseau</h1>" in page
    assert '<p class="lead">Les principes communs.</p>' in page
    assert "<h2>Accueillir</h2>" in page and "<h3>Dans le détail</h3>" in page
    assert "<p>Tout le <b>monde</b>.</p>" in page
    assert 'alt="Un atelier"' in page and "<figcaption>En atelier</figcaption>" in page
    assert "<blockquote><p>Faire avec.</p></blockquote>" in page
    assert charter_pdf.url in page and "(PDF, 15\xa0octets)" in page
    assert 'aria-label="Fil d’Ariane"' in page


def test_news_page_shows_date_image_with_alt_and_tag_links(client, home):
    index = factories.news_index(home)
    factories.news(
        index,
        "Le fablab ouvre ses portes",
        slug="fablab",
        tags=("fablab", "ateliers"),
        main_image=factories.image(),
        main_image_alt="L’imprimante 3D du fablab",
        body=[{"type": "paragraph", "value": "<p>Trois ateliers par semaine.</p>"}],
    )

    page = html(client.get("/actualites/fablab/"))

    assert "<h1>Le fablab ouvre ses portes</h1>" in page
    assert 'Publié le <time datetime="2026-11-01">1 novembre 2026</time>' in page
    assert 'alt="L’imprimante 3D du fablab"' in page
    assert "<h2>Étiquettes</h2>" in page
    assert 'href="/actualites/tag/fablab/"' in page
    assert "Trois ateliers par semaine." in page


def test_news_page_with_an_image_requires_its_alternative_text(home):
    page = factories.news(factories.news_index(home), "Sans texte", slug="sans-texte")
    page.main_image = factories.image()
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "main_image_alt" in error.value.message_dict
    page.main_image_alt = "Une bannière bleue"
    page.full_clean()


def test_press_review_lists_articles_newest_first_with_outlet_and_date(client, home):
    factories.press_review(
        home,
        [
            {
                "title": "Article ancien",
                "outlet": "La Dépêche du Midi",
                "date": "2026-01-10",
                "url": "https://www.ladepeche.fr/",
                "excerpt": "Un résumé neutre.",
            },
            {
                "title": "Article récent",
                "outlet": "L’Est Républicain",
                "date": "2026-10-02",
                "url": "https://www.estrepublicain.fr/",
            },
        ],
    )

    page = html(client.get("/revue-de-presse/"))

    assert page.index("Article récent") < page.index("Article ancien")
    assert '<a href="https://www.estrepublicain.fr/" rel="external noopener" hreflang="fr">' in page
    assert "L’Est Républicain</span>" in page
    assert '<time datetime="2026-10-02">2 octobre 2026</time>' in page
    assert "Un résumé neutre." in page


def test_press_review_is_paginated_by_ten(client, home):
    factories.press_review(
        home,
        [
            {
                "title": f"Article {n:02d}",
                "outlet": "Le Progrès",
                "date": f"2026-01-{n:02d}",
                "url": "https://www.leprogres.fr/",
            }
            for n in range(1, 13)
        ],
    )

    first = html(client.get("/revue-de-presse/"))
    second = html(client.get("/revue-de-presse/", {"page": 2}))

    assert "Article 12" in first and "Article 03" in first and "Article 02" not in first
    assert "Article 02" in second and "Article 01" in second and "Article 12" not in second
    assert "Page 2 sur 2" in second or "Page 2 of 2" in second
    canonical = "https://maillage.example.fr/revue-de-presse/?page=2"
    assert f'<link rel="canonical" href="{canonical}">' in second


def test_dossier_index_lists_dossiers_and_filters_them_by_kind(client, home):
    index = factories.dossier_index(home)
    factories.dossier(index, title="Étude des publics", slug="etude", kind="study")
    factories.dossier(index, title="Kit presse", slug="kit", kind="press_kit", intro="Le kit.")

    everything = html(client.get("/dossiers/"))
    press_kits = html(client.get("/dossiers/", {"kind": "press_kit"}))

    assert "Étude des publics" in everything and "Kit presse" in everything
    assert '<span class="dossier-kind">Dossier de presse</span>' in everything
    assert "Kit presse" in press_kits and "Étude des publics" not in press_kits
    assert 'href="/dossiers/?kind=press_kit" aria-current="page"' in press_kits


def test_dossier_page_lists_documents_with_format_and_size_and_they_download(client, home):
    index = factories.dossier_index(home)
    pdf = factories.document("Synthèse", "synthese.pdf", b"%PDF-1.4\n" + b"x" * 2038)
    table = factories.document("Tableau", "tableau.csv", b"a;b\r\n1;2\r\n")
    factories.dossier(
        index,
        title="Les chiffres clés",
        slug="chiffres",
        documents=[(pdf, "La synthèse en deux pages."), (table, "Les chiffres.")],
    )

    page = html(client.get("/dossiers/chiffres/"))

    assert '<h2 id="documents-heading">Documents à télécharger</h2>' in page
    assert (
        f'<a href="{pdf.url}" download>Synthèse <span class="file-meta">(PDF, 2,0\xa0Kio)</span>'
        in page
    )
    assert "(CSV, 10\xa0octets)" in page
    assert "La synthèse en deux pages." in page
    assert page.index("Synthèse") < page.index("Tableau")

    download = client.get(table.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"a;b\r\n1;2\r\n"
