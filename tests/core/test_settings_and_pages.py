"""Production settings, error pages, language switch, basic accessibility of the layout."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse

from core.views import server_error
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECRET"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1  # one line, no traceback


def test_production_settings_pass_the_deployment_checklist():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="maillage.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_unknown_page_gets_the_translated_404(client):
    response = client.get("/cette-page-n-existe-pas/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


@pytest.mark.django_db
def test_refused_action_gets_the_translated_403(client):
    client.force_login(UserFactory(network_role="member"))
    response = client.get(reverse("workspaces:create"))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_server_error_page_is_translated_and_needs_no_database():
    request = RequestFactory().get("/")
    response = server_error(request)
    assert response.status_code == 500
    assert "Un problème est survenu de notre côté" in response.content.decode()


@pytest.mark.django_db
def test_english_is_available_through_the_language_switch(client):
    switch = reverse("switch_language", args=["en"])
    response = client.get(f"{switch}?next=/espace/groupes/")
    assert response.status_code == 302
    page = client.get(reverse("workspaces:list")).content.decode()
    assert "Working groups" in page
    assert '<html lang="en">' in page


@pytest.mark.django_db
def test_layout_has_landmarks_skip_link_and_labelled_navigation(client):
    client.force_login(UserFactory())
    page = client.get(reverse("dashboard:home")).content.decode()
    assert '<html lang="fr">' in page
    assert 'href="#contenu"' in page and 'id="contenu"' in page
    assert 'role="banner"' in page and 'role="contentinfo"' in page and "<main" in page
    assert 'aria-label="Menu de l’espace membres"' in page
    assert '<nav class="language-switch" aria-label="Langue">' in page
    english = '<a href="/i18n/en/?next=/espace/" hreflang="en" lang="en" rel="nofollow">English</a>'
    assert english in page
