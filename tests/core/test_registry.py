"""The kernel's registries: modules plug in from their apps.py, pages iterate over them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from core import registry
from core.registry import DemoLoader, DesktopWidget, NavLink, Registry, Section
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def test_a_key_registered_twice_with_another_value_is_refused():
    reg: Registry[NavLink] = Registry("test")
    first = NavLink("same", "A", "dashboard:home")
    reg.register(first)
    reg.register(first)  # the same declaration again (a second ready()) is harmless
    with pytest.raises(ValueError, match="same"):
        reg.register(NavLink("same", "B", "forum:index"))


def test_items_come_in_their_order_then_by_key():
    reg: Registry[NavLink] = Registry("test")
    for key, order in [("b", 2), ("c", 1), ("a", 2)]:
        reg.register(NavLink(key, key, "dashboard:home", order=order))
    assert [link.key for link in reg] == ["c", "a", "b"]


def test_every_module_demo_runs_after_the_network_it_needs():
    keys = [loader.key for loader in registry.demo_order()]
    assert keys[0] == "network"
    assert keys.index("places") < keys.index("calendars")
    assert {"public_site", "places", "forum", "calendars"} <= set(keys)


def test_a_demo_loader_after_an_unknown_one_is_an_error(monkeypatch):
    loaders: Registry[DemoLoader] = Registry("demo")
    loaders.register(DemoLoader("late", lambda context: None, after=("missing",)))
    monkeypatch.setattr(registry, "demo_loaders", loaders)
    with pytest.raises(ValueError, match="missing"):
        registry.demo_order()


def test_a_cycle_of_demo_loaders_is_an_error(monkeypatch):
    loaders: Registry[DemoLoader] = Registry("demo")
    loaders.register(DemoLoader("a", lambda context: None, after=("b",)))
    loaders.register(DemoLoader("b", lambda context: None, after=("a",)))
    monkeypatch.setattr(registry, "demo_loaders", loaders)
    with pytest.raises(ValueError, match="cycle"):
        registry.demo_order()


def test_every_registered_link_and_module_page_resolves():
    for link in registry.nav_links:
        assert reverse(link.url_name)
    for entry in registry.workspace_modules:
        assert reverse(entry.url_name, kwargs={"slug": "essai"})


@pytest.fixture
def throwaway(request):
    """Register items for one test only."""
    added = []

    def add(reg: Registry, item):
        reg.register(item)
        added.append((reg, item.key))
        return item

    yield add
    for reg, key in added:
        reg.unregister(key)


@pytest.mark.django_db
def test_the_desktop_shows_the_registered_widgets_offered_to_the_person(client, throwaway):
    throwaway(
        registry.desktop_widgets,
        DesktopWidget(
            "essai",
            "Widget d'essai",
            "components/messages.html",
            lambda r: {},
            roles=("facilitator",),
        ),
    )
    throwaway(
        registry.desktop_widgets,
        DesktopWidget(
            "vide",
            "Widget pour personne",
            "components/messages.html",
            lambda r: {},
            roles=("facilitator",),
            available=lambda user: False,
        ),
    )
    client.force_login(UserFactory())
    page = client.get(reverse("dashboard:home")).content.decode()
    assert "Widget d&#x27;essai" in page
    assert "Widget pour personne" not in page


@pytest.mark.django_db
def test_a_profile_shows_the_sections_registered_for_it(client, throwaway, tmp_path, settings):
    (tmp_path / "essai.html").write_text("<p>Section {{ person.display_name }} {{ extra }}</p>")
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], tmp_path]}]
    throwaway(
        registry.sections,
        Section("essai", "profile", "essai.html", lambda request, person: {"extra": "ajoutée"}),
    )
    person = UserFactory(display_name="Zoé")
    client.force_login(UserFactory())
    page = client.get(reverse("accounts:profile", args=[person.pk])).content.decode()
    assert "<p>Section Zoé ajoutée</p>" in page


def test_a_module_is_one_folder_and_one_line_of_settings():
    """tests/registry_module is a folder; its settings add one line to INSTALLED_APPS: its
    URLs, its header link and its websocket route are then served, nothing else edited."""
    probe = (
        "import django, json; django.setup();"
        "from django.urls import reverse; from core import registry;"
        "from config.routing import websocket_urlpatterns as ws;"
        "print(json.dumps({'url': reverse('registry_module:index'),"
        "'nav': [l.key for l in registry.nav_links],"
        "'ws': [str(p.pattern) for p in ws]}))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.registry_module.settings"}
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["url"] == "/espace/essai/"
    assert "registry_module" in found["nav"]
    assert "ws/essai/" in found["ws"]
