"""News index: pagination, tag filter, RSS feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from tests.public_site import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def index(home):
    return factories.news_index(home, intro="Les nouvelles du réseau.")


def test_news_index_paginates_by_ten_newest_first(client, index):
    for n in range(12):
        factories.news(index, f"Nouvelle {n:02d}", days_ago=n)

    first = client.get("/actualites/").content.decode()
    second = client.get("/actualites/", {"page": 2}).content.decode()

    assert first.index("Nouvelle 00") < first.index("Nouvelle 09")
    assert "Nouvelle 10" not in first
    assert "Nouvelle 10" in second and "Nouvelle 11" in second and "Nouvelle 09" not in second
    assert 'rel="next"' in first and 'rel="prev"' in second
    assert '<link rel="canonical" href="https://maillage.example.fr/actualites/?page=2">' in second


def test_news_index_filters_by_tag(client, index):
    factories.news(index, "Le fablab ouvre", tags=("fablab",))
    factories.news(index, "Un atelier tablette", tags=("ateliers",))
    factories.news(index, "Un brouillon fablab", tags=("fablab",), live=False)

    response = client.get("/actualites/tag/fablab/")
    page = response.content.decode()

    assert response.status_code == 200
    assert "Le fablab ouvre" in page
    assert "Un atelier tablette" not in page and "Un brouillon fablab" not in page
    assert 'href="/actualites/tag/fablab/" aria-current="page"' in page
    assert "Actualités avec le mot-clé « fablab »." in page
    canonical = "https://maillage.example.fr/actualites/tag/fablab/"
    assert f'<link rel="canonical" href="{canonical}">' in page


def test_news_index_filters_by_tag_with_accents(client, index):
    factories.news(index, "Médiation", tags=("inclusion numérique",))
    page = client.get("/actualites/").content.decode()
    assert 'href="/actualites/tag/inclusion-num%C3%A9rique/"' in page
    assert "Médiation" in client.get("/actualites/tag/inclusion-num%C3%A9rique/").content.decode()


def test_news_index_answers_404_for_an_unknown_tag(client, index):
    assert client.get("/actualites/tag/inconnu/").status_code == 404


def test_news_index_tag_list_only_shows_tags_of_published_news(client, index):
    factories.news(index, "Publiée", tags=("territoires",))
    factories.news(index, "Brouillon", tags=("secret",), live=False)
    page = client.get("/actualites/").content.decode()
    assert ">territoires</a>" in page and "secret" not in page


def test_rss_feed_is_valid_xml_with_absolute_links_and_only_published_public_news(
    client, home, index
):
    factories.news(index, "Publiée", slug="publiee", days_ago=1, tags=("ateliers",))
    factories.news(index, "Brouillon", slug="brouillon", live=False)
    private = factories.news(index, "Réservée", slug="reservee")
    PageViewRestriction.objects.create(page=private, restriction_type="login")

    response = client.get("/actualites/rss/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    # Our own response, not untrusted input.
    channel = ET.fromstring(response.content).find("channel")  # noqa: S314
    assert channel.findtext("title") == "Actualités"
    assert channel.findtext("link") == "https://maillage.example.fr/actualites/"
    assert channel.findtext("description") == "Les nouvelles du réseau."
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == ["Publiée"]
    item = items[0]
    assert item.findtext("link") == "https://maillage.example.fr/actualites/publiee/"
    assert item.findtext("guid") == "https://maillage.example.fr/actualites/publiee/"
    assert item.findtext("pubDate").startswith("Sat, 31 Oct 2026")
    assert item.findtext("category") == "ateliers"


def queries_for(client, url: str) -> int:
    client.get(url)  # warm caches (site root paths, content types, renditions)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_rss_feed_query_count_does_not_grow_with_items(client, index):
    for n in range(2):
        factories.news(index, f"Nouvelle {n}", tags=("ateliers", "fablab"))
    few = queries_for(client, "/actualites/rss/")
    for n in range(2, 15):
        factories.news(index, f"Nouvelle {n}", tags=("ateliers", "fablab"))
    assert queries_for(client, "/actualites/rss/") == few


def test_news_index_query_count_does_not_grow_with_items(client, index):
    def add(n: int) -> None:
        factories.news(
            index,
            f"Nouvelle {n}",
            tags=("ateliers",),
            main_image=factories.image(),
            main_image_alt="Bannière",
        )

    for n in range(2):
        add(n)
    few = queries_for(client, "/actualites/")
    for n in range(2, 10):
        add(n)
    assert queries_for(client, "/actualites/") == few


def test_news_index_and_page_survive_a_tag_stored_without_a_slug(client, index):
    """A tag named only with punctuation slugified to nothing; its link could not be built,
    and the index, the tag's news and the RSS feed answered 500 to everyone. The repair
    migration gives it a slug of its own."""
    from importlib import import_module

    from django.apps import apps
    from taggit.models import Tag

    from public_site.models import NewsPageTag

    news = factories.news(index, "Un point d'interrogation", tags=("fablab",))
    # As stored before such names were refused: no slug.
    Tag.objects.bulk_create([Tag(name="???", slug="")])
    NewsPageTag.objects.create(tag=Tag.objects.get(name="???"), content_object=news)
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):  # the 500 every visitor got
        client.get("/actualites/")

    import_module("public_site.migrations.0003_repair_slugless_news_tags").repair_slugless_tags(
        apps, None
    )

    tag = Tag.objects.get(name="???")
    assert tag.slug == f"etiquette-{tag.pk}"
    index_page = client.get("/actualites/")
    assert index_page.status_code == 200
    assert f'href="/actualites/tag/{tag.slug}/"' in index_page.content.decode()
    assert client.get(f"/actualites/tag/{tag.slug}/").status_code == 200
    assert client.get(news.url).status_code == 200


def test_news_page_refuses_a_tag_name_without_letters_or_digits(index):
    from django.core.exceptions import ValidationError

    news = factories.news(index, "Des symboles", tags=("fablab",))
    news.tags.add("???")

    with pytest.raises(ValidationError) as refused:
        news.full_clean()

    assert "tags" in refused.value.message_dict
    assert "« ??? » ne peut pas être une étiquette" in " ".join(refused.value.message_dict["tags"])


def test_news_admin_form_refuses_a_tag_name_without_letters_or_digits(index):
    from django.core.exceptions import ValidationError

    from public_site.models import NewsPage

    form_class = NewsPage.get_edit_handler().get_form_class()
    news = factories.news(index, "Des symboles")
    form = form_class(instance=news, for_user=None)
    field = form.fields["tags"]

    assert field.clean("fablab") == ["fablab"]
    form.cleaned_data = {"tags": ["fablab", "🙂"]}
    with pytest.raises(ValidationError) as refused:
        form.clean_tags()
    assert "« 🙂 » ne peut pas être une étiquette" in str(refused.value)
