"""Header and footer menus, meta tags, the optional map-teaser include."""

from __future__ import annotations

import pytest
from django.template import Context, Template, TemplateDoesNotExist
from django.test import RequestFactory
from django.utils import translation
from wagtail.models import Site

from public_site.models import HomePage, NewsIndexPage
from tests.public_site import factories

pytestmark = pytest.mark.django_db


def render(source: str, path: str = "/") -> str:
    request = RequestFactory().get(path)
    return Template("{% load public_site_tags %}" + source).render(Context({"request": request}))


@pytest.fixture
def menu_pages(home):
    programme = factories.standard_page(home, title="Le programme", slug="le-programme")
    programme.show_in_menus = True
    programme.save_revision().publish()
    factories.news_index(home, show_in_menus=True)
    factories.standard_page(programme, title="Sous-page", slug="sous-page", show_in_menus=True)
    factories.standard_page(home, title="Mentions légales", slug="mentions")  # not in menus
    hidden = factories.standard_page(home, title="Brouillon", slug="brouillon", show_in_menus=True)
    hidden.unpublish()
    charter = factories.standard_page(home, title="La charte du réseau", slug="charte")
    home.charter_page = charter
    home.save_revision().publish()
    return home


def test_header_menu_lists_home_children_shown_in_menus_in_order_then_find_a_place(
    client, menu_pages
):
    page = client.get("/le-programme/").content.decode()
    header = page[page.index("<header") : page.index("</header>")]

    assert header.index(">Accueil<") < header.index(">Le programme<") < header.index(">Actualités<")
    assert header.index(">Actualités<") < header.index('<a href="/lieux/">Trouver un lieu</a>')
    assert '<a href="/le-programme/" aria-current="page">Le programme</a>' in header
    assert "Mentions légales" not in header and "Brouillon" not in header
    assert "Sous-page" not in header  # only the home page's children
    assert "La charte du réseau" not in header
    assert ">Espace membres<" in header and 'aria-label="Langue"' in header


def test_footer_menu_adds_the_charter_page(client, menu_pages):
    page = client.get("/").content.decode()
    footer = page[page.index("<footer") : page.index("</footer>")]
    assert ">Le programme<" in footer and ">Actualités<" in footer
    assert '<a href="/charte/">La charte du réseau</a>' in footer
    assert '<a href="/lieux/">Trouver un lieu</a>' in footer


def test_footer_does_not_repeat_the_charter_when_it_is_already_in_the_menu(client, menu_pages):
    charter = HomePage.objects.get().charter_page
    charter.show_in_menus = True
    charter.save_revision().publish()
    footer = client.get("/").content.decode().split("<footer")[1]
    assert footer.count('href="/charte/"') == 1


def test_menu_tag_costs_no_query_once_cached_for_header_and_footer_together(
    menu_pages, django_assert_max_num_queries, django_assert_num_queries
):
    template = Template(
        '{% load public_site_tags %}<ul>{% public_menu "header" %}</ul>'
        '<ul>{% public_menu "footer" %}</ul>'
    )
    # Built once (the sites, the private sections, the menu pages), then from the cache.
    with django_assert_max_num_queries(3):
        template.render(Context({"request": RequestFactory().get("/")}))
    with django_assert_num_queries(0):
        output = template.render(Context({"request": RequestFactory().get("/")}))
    assert output.count(">Le programme<") == 2
    assert output.count(">La charte du réseau<") == 1


def test_menu_tag_renders_only_find_a_place_without_a_site(db):
    Site.objects.all().delete()
    with translation.override("fr"):
        output = render('{% public_menu "footer" %}')
    assert output.strip() == '<li><a href="/lieux/">Trouver un lieu</a></li>'


def test_menu_tag_works_when_the_site_root_is_not_a_home_page(db):
    # Wagtail's own "Welcome" page is the default site's root until load_demo runs.
    output = render('{% public_menu "footer" %}')
    assert "/lieux/" in output


def test_pages_have_canonical_and_opengraph_tags(client, home):
    index = factories.news_index(home, intro="Les nouvelles du réseau.")
    factories.news(
        index,
        "Le fablab ouvre",
        slug="fablab",
        intro="Trois ateliers par semaine.",
        main_image=factories.image(),
        main_image_alt="L’atelier du fablab",
    )

    page = client.get("/actualites/fablab/").content.decode()
    listing = client.get("/actualites/").content.decode()

    assert '<link rel="canonical" href="https://maillage.example.fr/actualites/fablab/">' in page
    assert '<meta property="og:title" content="Le fablab ouvre">' in page
    assert '<meta property="og:description" content="Trois ateliers par semaine.">' in page
    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="og:url" content="https://maillage.example.fr/actualites/fablab/">' in (
        page
    )
    assert '<meta property="og:image" content="https://maillage.example.fr/media/images/' in page
    assert '<meta property="og:image:alt" content="L’atelier du fablab">' in page
    assert '<meta name="description" content="Trois ateliers par semaine.">' in page
    assert '<meta property="og:type" content="website">' in listing
    assert "og:image" not in listing
    assert 'type="application/rss+xml"' in listing


def test_include_if_exists_renders_an_existing_template_with_the_context():
    output = render('{% include_if_exists "public_site/includes/menu.html" %}', "/lieux/")
    assert 'href="/lieux/" aria-current="page"' in output


def test_include_if_exists_renders_nothing_for_a_missing_template():
    output = render(
        '[{% include_if_exists "geodirectory/components/absent.html" as part %}{{ part }}]'
    )
    assert output == "[]"


def test_include_if_exists_still_reports_errors_inside_an_existing_template(tmp_path, settings):
    (tmp_path / "broken.html").write_text('{% include "missing/inner.html" %}')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    with pytest.raises(TemplateDoesNotExist):
        render('{% include_if_exists "broken.html" %}')


def test_home_page_shows_the_map_teaser_when_the_directory_provides_it(
    client, home, tmp_path, settings
):
    teaser = tmp_path / "geodirectory" / "components"
    teaser.mkdir(parents=True)
    (teaser / "map_teaser.html").write_text('<div id="carte">{{ page.title }}</div>')
    template_settings = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**template_settings, "DIRS": [tmp_path, *template_settings["DIRS"]]}]

    page = client.get("/").content.decode()

    assert '<h2 id="map-heading">Les lieux sur la carte</h2>' in page
    assert '<div id="carte">Le réseau des espaces publics numériques</div>' in page


def test_news_index_page_type_is_only_allowed_under_the_home_page(home):
    assert NewsIndexPage.can_create_at(home)
    assert not NewsIndexPage.can_create_at(factories.standard_page(home))
