"""The public menu comes from the cache, per site and language, and is forgotten whenever
what it shows changes: a page published, unpublished, moved, renamed or deleted, a section
made private, a site changed."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from wagtail.models import Page, PageViewRestriction, Site

from public_site.models import HomePage, StandardPage
from public_site.selectors import MENU_CACHE_PREFIX, public_menu, site_for_request
from tests.factories import UserFactory
from tests.public_site import factories

pytestmark = pytest.mark.django_db

MENU = Template('{% load public_site_tags %}<ul>{% public_menu "footer" %}</ul>')


def menu(path: str = "/", host: str = "testserver", language: str = "fr") -> str:
    request = RequestFactory().get(path, HTTP_HOST=host)
    with translation.override(language):
        return MENU.render(Context({"request": request}))


@pytest.fixture
def programme(home):
    page = factories.standard_page(home, title="Le programme", slug="le-programme")
    page.show_in_menus = True
    page.save_revision().publish()
    return page


@pytest.fixture
def cached(programme, django_assert_num_queries):
    """The menu, built and cached (the next render costs no query)."""
    menu()
    with django_assert_num_queries(0):
        assert ">Le programme<" in menu()


def test_menu_is_served_from_the_cache_in_the_members_area_too(client, cached):
    client.force_login(UserFactory())
    page = client.get("/espace/").content.decode()
    assert '<a href="/le-programme/">Le programme</a>' in page


def test_a_published_page_appears(home, cached):
    factories.standard_page(home, title="Ateliers d’hiver", slug="hiver", show_in_menus=True)
    assert ">Ateliers d’hiver<" in menu()


def test_an_unpublished_page_disappears(programme, cached):
    programme.unpublish()
    assert "Le programme" not in menu()


def test_a_renamed_page_shows_its_new_title_once_published(programme, cached):
    programme.title = "Notre programme"
    revision = programme.save_revision()
    assert ">Le programme<" in menu()  # a draft changes nothing yet
    revision.publish()
    assert ">Notre programme<" in menu()


def test_a_new_slug_gives_a_new_address_once_published(programme, cached):
    programme.slug = "programme-2027"
    programme.save_revision().publish()
    assert 'href="/programme-2027/"' in menu() and "/le-programme/" not in menu()


def test_a_page_moved_out_of_the_first_level_disappears(home, programme, cached):
    parent = factories.standard_page(home, title="À propos", slug="a-propos")
    programme.move(parent, pos="last-child")
    assert "Le programme" not in menu()


def test_a_page_moved_to_the_first_level_appears(home, cached):
    parent = factories.standard_page(home, title="À propos", slug="a-propos")
    child = factories.standard_page(parent, title="Contact", slug="contact", show_in_menus=True)
    menu()
    Page.objects.get(pk=child.pk).move(home, pos="last-child")
    assert '<a href="/contact/">Contact</a>' in menu()


def test_a_deleted_page_disappears(programme, cached):
    programme.delete()
    assert "Le programme" not in menu()


def test_a_live_page_added_by_code_appears(home, cached):
    # add_child makes a live page without Wagtail's publishing (imports, scripts).
    home.add_child(instance=StandardPage(title="Direct", slug="direct", show_in_menus=True))
    assert ">Direct<" in menu()


def test_a_new_charter_shows_in_the_footer(home, cached):
    charter = factories.standard_page(home, title="La charte", slug="charte")
    home.charter_page = charter
    home.save_revision().publish()
    assert '<a href="/charte/">La charte</a>' in menu()


def test_private_pages_are_never_in_the_menu_whoever_asks(programme, cached):
    restriction = PageViewRestriction.objects.create(
        page=programme, restriction_type=PageViewRestriction.LOGIN
    )
    assert "Le programme" not in menu()
    restriction.delete()
    assert ">Le programme<" in menu()


def test_every_language_is_forgotten(programme, cached):
    menu(language="en")
    programme.title = "Notre programme"
    programme.save_revision().publish()
    assert ">Notre programme<" in menu(language="fr")
    assert ">Notre programme<" in menu(language="en")


def test_a_menu_cached_before_the_commit_is_forgotten_at_the_commit(
    programme, cached, django_capture_on_commit_callbacks
):
    before = cache.get(MENU_CACHE_PREFIX + "fr")
    assert before is not None
    with django_capture_on_commit_callbacks(execute=True):
        programme.title = "Notre programme"
        programme.save_revision().publish()
        # Another request, served before the commit, caches the menu it could still read.
        cache.set(MENU_CACHE_PREFIX + "fr", before)
    assert ">Notre programme<" in menu()


@pytest.fixture
def two_sites(home, programme):
    other_root = Page.get_first_root_node().add_child(
        instance=HomePage(title="Autre réseau", slug="autre")
    )
    factories.standard_page(other_root, title="Agenda", slug="agenda", show_in_menus=True)
    Site.objects.filter(is_default_site=True).update(hostname="maillage.localhost", port=80)
    Site.objects.create(hostname="autre.localhost", port=80, root_page=other_root)
    return other_root


def test_each_site_has_its_own_menu(two_sites):
    assert ">Le programme<" in menu(host="maillage.localhost")
    own = menu(host="autre.localhost")
    assert '<a href="/agenda/">Agenda</a>' in own and "Le programme" not in own
    assert ">Le programme<" in menu(host="inconnu.localhost")  # the default site


@pytest.mark.parametrize(
    "host",
    [
        "maillage.localhost",
        "maillage.localhost:8000",
        "autre.localhost",
        "autre.localhost:8000",
        "autre.localhost:9000",
        "inconnu.localhost",
        "testserver",
    ],
)
def test_the_site_is_the_one_wagtail_finds(two_sites, host):
    third = Page.get_first_root_node().add_child(
        instance=HomePage(title="Troisième", slug="troisieme")
    )
    factories.standard_page(third, title="Contact", slug="contact", show_in_menus=True)
    Site.objects.create(hostname="autre.localhost", port=8000, root_page=third)
    roots = [site.root_page for site in Site.objects.select_related("root_page")]
    titles = {root.pk: [c.title for c in root.get_children().live().in_menu()] for root in roots}

    expected = Site.find_for_request(RequestFactory().get("/", HTTP_HOST=host))
    items = public_menu(RequestFactory().get("/", HTTP_HOST=host)).items

    assert [i.title for i in items] == titles[expected.root_page_id]
    assert site_for_request(RequestFactory().get("/", HTTP_HOST=host)) == expected


def test_a_site_given_a_new_root_shows_its_menu(two_sites, cached):
    Site.objects.filter(is_default_site=True).update(root_page=two_sites)  # no signal
    site = Site.objects.get(is_default_site=True)
    site.save()
    assert ">Agenda<" in menu(host="maillage.localhost")


def test_pages_of_the_public_site_find_their_site_in_the_cache(client, programme):
    client.get("/le-programme/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/le-programme/")
    assert page.status_code == 200 and page.context["page"] == programme
    assert not [q for q in queries.captured_queries if "wagtailcore_site" in q["sql"]]


def test_a_site_given_a_new_hostname_serves_its_pages_there_at_once(two_sites, client, settings):
    settings.ALLOWED_HOSTS = [".localhost"]
    site = Site.objects.get(hostname="autre.localhost")
    assert client.get("/agenda/", HTTP_HOST="autre.localhost").status_code == 200
    site.hostname = "ailleurs.localhost"
    site.save()
    assert client.get("/agenda/", HTTP_HOST="autre.localhost").status_code == 404
    assert client.get("/agenda/", HTTP_HOST="ailleurs.localhost").status_code == 200
