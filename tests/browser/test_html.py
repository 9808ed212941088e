"""The HTML of the public site and of the members' area is valid (html-validate, standard
rules), in French and in English: a crawl from the home page as a visitor and from the
desktop as the coordinator, over a small network holding every kind of page.

(The other browser tests validate every page their browser receives: see conftest.py.)
"""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urljoin, urlsplit

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connections
from django.test import Client
from wagtail.rich_text import RichText

from core.workspaces.services import network_workspace
from forum import services as forum
from geodirectory.models import PlacePhoto
from tests.calendars.factories import make_workshop, register
from tests.factories import GroupFactory, MembershipFactory, PlaceFactory, UserFactory, coordinator
from tests.public_site import factories

# Not ours (Wagtail's admin), not pages (files, feeds, the open data), or what would change
# the crawl's state (the language switch, signing out).
SKIPPED = re.compile(
    r"^/(admin|static|media|documents|api|i18n)/|^/comptes/logout/|\.(ics|xml|csv|json|txt)$"
)
MAX_PAGES = 150
MAX_PER_PATH = 3  # the same path with other filters or page numbers: a few suffice


@pytest.fixture
def network(territory_subset):
    from django.core.management import call_command

    cache.clear()
    call_command("load_territories", file=territory_subset, verbosity=0)
    home = factories.home_page(intro="Trouvez le lieu le plus proche.")
    factories.standard_page(home, title="Le programme", slug="le-programme", show_in_menus=True)
    news_index = factories.news_index(home, show_in_menus=True)
    factories.news(
        news_index,
        "Le fablab ouvre",
        slug="fablab",
        tags=("fablab",),
        main_image=factories.image(size=(1200, 630)),
        main_image_alt="L’atelier du fablab",
        body=[
            ("heading", {"text": "Trois ateliers", "level": "h2"}),
            ("paragraph", RichText("<p>Le <b>mardi</b> et le jeudi.</p>")),
            ("image", {"image": factories.image(), "alt_text": "Une imprimante 3D", "caption": ""}),
            ("quote", {"text": "Enfin un lieu pour apprendre.", "attribution": "Une habitante"}),
        ],
    )
    factories.news(news_index, "Sans image", slug="sans-image")
    dossiers = factories.dossier_index(home, show_in_menus=True)
    document = factories.document("Synthèse", "synthese.pdf", b"%PDF-1.4 " * 200)
    factories.dossier(dossiers, [(document, "Les chiffres de l’année")], title="Bilan 2026")
    factories.press_review(
        home,
        [
            {
                "title": "Le numérique pour tous",
                "outlet": "L’Est républicain",
                "date": "2026-10-01",
                "url": "https://www.estrepublicain.fr/",
                "excerpt": "Vingt-trois lieux.",
            }
        ],
        show_in_menus=True,
    )

    boss = coordinator(email="coordination@exemple.fr")
    place = PlaceFactory(nom="EPN du centre", slug="epn-du-centre", horaires="Mo-Fr 09:00-17:00")
    place.facilitators.add(boss)
    PlacePhoto.objects.create(
        place=place,
        image=ContentFile(factories_png(), name="salle.png"),
        alt_text="La salle et ses douze postes",
    )
    PlaceFactory(nom="Médiathèque", slug="mediatheque", latitude=47.541, longitude=6.804)
    workshop = make_workshop(place, title="Premiers pas", slug="premiers-pas", capacity=1)
    register(workshop, email="camille@exemple.fr")  # full: the waiting-list form
    make_workshop(place, title="Messagerie", slug="messagerie")

    category = forum.category_create(actor=boss, workspace=network_workspace(), name="Matériel")
    asker, helper = UserFactory(display_name="Thomas"), UserFactory(display_name="Nadia")
    topic = forum.topic_create(
        actor=asker, category=category, title="Imprimante introuvable", body="Une idée ?"
    )
    answer = forum.post_create(actor=helper, topic=topic, body="Installez `brlaser`.")
    forum.post_create(actor=asker, topic=topic, body="Merci **beaucoup** !")
    forum.solution_set(actor=asker, topic=topic, post=answer)
    group = GroupFactory(name="Animateurs du Lot")
    MembershipFactory(workspace=group, user=boss, role="owner")
    return boss


def factories_png() -> bytes:
    import io

    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (64, 48), "#00557f").save(output, format="PNG")
    return output.getvalue()


def crawl(client: Client, *starts: str) -> dict[str, str]:
    """The HTML pages reachable from `starts` by links of this site (address → HTML).

    The requests run in a thread of their own: Playwright keeps an event loop in this one,
    where Django could not run the async views (the directory's search).
    """
    with ThreadPoolExecutor(max_workers=1) as thread:
        try:
            return thread.submit(_crawl, client, starts).result()
        finally:
            thread.submit(connections.close_all).result()


def _crawl(client: Client, starts: tuple[str, ...]) -> dict[str, str]:
    pages: dict[str, str] = {}
    per_path: Counter[str] = Counter()
    queue, queued = deque(starts), set(starts)
    while queue and len(pages) < MAX_PAGES:
        address = queue.popleft()
        response = client.get(address)
        if response.streaming or "text/html" not in response.get("Content-Type", ""):
            continue
        body = response.content.decode()
        pages[f"{address} ({response.status_code})"] = body
        for href in re.findall(r'href="([^"]+)"', body):
            target = urljoin(address, html.unescape(href))
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or SKIPPED.search(parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in queued or per_path[parts.path] >= MAX_PER_PATH:
                continue
            per_path[parts.path] += 1
            queued.add(target)
            queue.append(target)
    return pages


@pytest.mark.timeout(600)  # a network to build and some 200 pages to render
@pytest.mark.parametrize("language", ["fr", "en"])
def test_public_and_members_pages_are_valid_html(network, html_validator, language):
    # The live server's session allows only its own host names (conftest.py).
    visitor = Client(HTTP_HOST="localhost")
    visitor.cookies["django_language"] = language
    # Forms lead to some pages (the search): start there too.
    public = crawl(visitor, "/", "/recherche/?q=atelier", "/lieux/?q=25200", "/ateliers/?q=25200")
    member = Client(HTTP_HOST="localhost")
    member.cookies["django_language"] = language
    member.force_login(network)
    members = crawl(member, "/espace/", "/espace/forum/recherche/?q=imprimante")

    # The crawl reached every kind of page.
    for path in ["/", "/actualites/fablab/", "/dossiers/bilan-2026/", "/revue-de-presse/"]:
        assert f"{path} (200)" in public, path
    for path in ["/lieux/", "/lieux/epn-du-centre/", "/ateliers/premiers-pas/", "/recherche/"]:
        assert any(page.startswith(path) for page in public), path
    assert any("/espace/forum/sujets/" in page for page in members)
    assert any("/espace/groupes/" in page for page in members)
    assert len(members) > 40

    found = html_validator({**public, **{f"member {k}": v for k, v in members.items()}})
    assert not found, "HTML errors (html-validate):\n" + "\n".join(found)
