"""The desktop and the network in Chromium: arrange widgets (buttons and drag and drop),
reload, find the same desktop; follow a colleague and see their solution arrive live."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from core.workspaces.services import network_workspace
from forum.services import category_create, topic_create
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, UserFactory, coordinator


def seasoned(**kwargs):
    user = UserFactory(**kwargs)
    user.date_joined = timezone.now() - timedelta(days=90)
    user.save()
    return user


def widget_keys(page) -> list[str]:
    return page.locator("[data-widgets] > [data-widget-key]").evaluate_all(
        "items => items.map(item => item.dataset.widgetKey)"
    )


def test_a_facilitator_arranges_the_desktop_and_finds_it_again(new_page):
    seasoned(email="sophie@exemple.fr", display_name="Sophie Girard")
    page = new_page()
    sign_in(page, "sophie@exemple.fr", PASSWORD)
    # Widgets load on their own (htmx): the notes widget's form appears.
    expect(page.get_by_label("Mes notes (vous seul·e les voyez)")).to_be_visible()

    page.get_by_text("Organiser le bureau").click()
    page.get_by_label("Ajouter un widget").select_option(label="Favoris")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_role("button", name="Ajouter un favori")).to_be_visible()
    assert widget_keys(page)[0] == "bookmarks"

    # Keyboard: the move buttons, without reloading the page.
    page.get_by_role("button", name="Descendre « Favoris »").click()
    expect(page.locator("[data-widgets] > li").nth(1)).to_have_attribute(
        "data-widget-key", "bookmarks"
    )
    # Drag and drop: the last widget onto the first.
    keys = widget_keys(page)
    last, first = keys[-1], keys[0]
    # Both ends on screen: a drag whose target needs scrolling starts from the wrong place.
    page.set_viewport_size({"width": 1280, "height": 3000})
    page.locator(f'[data-widget-key="{last}"] h2').drag_to(
        page.locator(f'[data-widget-key="{first}"] h2')
    )
    expect(page.locator("[data-widgets] > li").first).to_have_attribute("data-widget-key", last)
    arranged = widget_keys(page)
    # Remove one.
    removed = arranged[-1]
    page.locator(f'[data-widget-key="{removed}"] button[value="remove"]').click()
    expect(page.locator(f'[data-widget-key="{removed}"]')).to_have_count(0)
    expected = [k for k in arranged if k != removed]

    page.reload()
    assert widget_keys(page) == expected

    # And back to the default.
    page.get_by_text("Organiser le bureau").click()
    page.get_by_role("button", name="Revenir à la disposition par défaut").click()
    expect(page.locator(".messages")).to_contain_text("disposition par défaut")
    assert "bookmarks" not in widget_keys(page)


def test_following_a_colleague_brings_their_solution_into_the_feed_live(new_page):
    category = category_create(
        actor=coordinator(), workspace=network_workspace(), name="Matériel et réseaux"
    )
    seasoned(email="sophie@exemple.fr", display_name="Sophie Girard")
    thomas = seasoned(email="thomas@exemple.fr", display_name="Thomas Lacombe")
    asker = seasoned(email="nadia@exemple.fr", display_name="Nadia Benali")
    topic = topic_create(
        actor=asker, category=category, title="Scanner muet sous Windows", body="Une idée ?"
    )

    reader = new_page()
    sign_in(reader, "sophie@exemple.fr", PASSWORD)
    reader.goto(f"/espace/personnes/{thomas.pk}/")
    reader.get_by_role("button", name="Suivre Thomas Lacombe").click()
    expect(reader.locator(".messages")).to_contain_text("Vous suivez Thomas Lacombe.")
    reader.goto("/espace/reseau/fil/")
    expect(reader.locator("[data-feed] [data-kind='forum.solution']")).to_have_count(0)

    helper = new_page()
    sign_in(helper, "thomas@exemple.fr", PASSWORD)
    helper.goto(topic.get_absolute_url())
    helper.get_by_label("Votre réponse").fill("Réinstallez le pilote WIA du fabricant.")
    helper.get_by_role("button", name="Publier ma réponse").click()
    expect(helper.locator(".post").last).to_contain_text("pilote WIA")

    accepter = new_page()
    sign_in(accepter, "nadia@exemple.fr", PASSWORD)
    accepter.goto(topic.get_absolute_url())
    accepter.get_by_role("button", name="Marquer comme solution").first.click()
    expect(accepter.locator(".messages")).to_contain_text("La solution est marquée.")

    # Without reloading, the reader's feed shows Thomas's solution.
    item = reader.locator("[data-feed] [data-kind='forum.solution']")
    expect(item).to_contain_text("Scanner muet sous Windows")
    expect(item).to_contain_text("Thomas Lacombe")
