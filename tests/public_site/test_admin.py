"""Editors can create and edit every page type in the Wagtail admin."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.public_site import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = get_user_model().objects.create_superuser(
        email="redaction@exemple.fr", password="correct-horse-battery-staple"
    )
    client.force_login(user)
    return client


def test_every_page_type_has_a_working_create_form(editor, home):
    news_index = factories.news_index(home)
    dossier_index = factories.dossier_index(home)
    for parent, model in [
        (home, "standardpage"),
        (home, "newsindexpage"),
        (home, "pressreviewpage"),
        (home, "dossierindexpage"),
        (news_index, "newspage"),
        (dossier_index, "dossierpage"),
    ]:
        response = editor.get(f"/admin/pages/add/public_site/{model}/{parent.pk}/")
        assert response.status_code == 200, model


def test_home_page_edit_form_offers_key_figures_and_charter(editor, home):
    page = editor.get(f"/admin/pages/{home.pk}/edit/").content.decode()
    assert "key_figures" in page and "charter_page" in page


def test_news_page_created_through_the_admin_needs_alt_text_for_its_image(editor, home):
    index = factories.news_index(home)
    data = {
        "title": "Nouvelle",
        "slug": "nouvelle",
        "date": "2026-11-01",
        "intro": "Un résumé.",
        "main_image": factories.image().pk,
        "main_image_alt": "",
        "body-count": "0",
        "tags": "",
        "action-publish": "publish",
    }
    response = editor.post(f"/admin/pages/add/public_site/newspage/{index.pk}/", data)
    assert response.status_code == 200  # the form again, with the error
    assert "main_image_alt" in response.context["form"].errors
