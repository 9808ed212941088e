"""The forum in Chromium: ask, answer, accept the solution, and the asker's live
notification; a post full of attack payloads runs no script."""

from __future__ import annotations

import re
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


def test_ask_answer_accept_and_the_askers_live_notification(new_page):
    category = category_create(
        actor=coordinator(), workspace=network_workspace(), name="Matériel et réseaux"
    )
    seasoned(email="thomas@exemple.fr", display_name="Thomas Lacombe")
    seasoned(email="nadia@exemple.fr", display_name="Nadia Benali")

    asker = new_page()
    sign_in(asker, "thomas@exemple.fr", PASSWORD)
    asker.goto(category.get_absolute_url())
    asker.get_by_role("link", name="Poser une question ou lancer une discussion").click()
    asker.get_by_label("Titre").fill("Imprimante introuvable sous Ubuntu")
    asker.get_by_label("Message").fill("Le pilote **Brother** ne trouve rien. Une idée ?")
    asker.get_by_label("Étiquettes").fill("linux, imprimante")
    asker.get_by_role("button", name="Publier").click()
    expect(asker.get_by_role("heading", level=1)).to_have_text("Imprimante introuvable sous Ubuntu")
    topic_url = asker.url
    asker.goto("/espace/")  # the asker waits on their desktop

    helper = new_page()
    sign_in(helper, "nadia@exemple.fr", PASSWORD)
    helper.goto(topic_url)
    helper.get_by_label("Votre réponse").fill(
        "Installez `printer-driver-brlaser` puis relancez CUPS."
    )
    helper.get_by_role("button", name="Publier ma réponse").click()
    expect(helper.locator(".post").last).to_contain_text("printer-driver-brlaser")

    # Without reloading, the asker learns of the answer.
    expect(asker.locator(".toast")).to_contain_text(
        "Nadia Benali a répondu dans « Imprimante introuvable sous Ubuntu »"
    )
    asker.locator(".toast a").first.click()
    asker.get_by_role("button", name="Marquer comme solution").first.click()
    expect(asker.locator(".messages")).to_contain_text("La solution est marquée.")
    solution = asker.get_by_role("region", name="La solution")
    expect(solution).to_contain_text("printer-driver-brlaser")
    expect(asker.locator(".tag-solved").first).to_be_visible()


def test_a_post_full_of_attack_payloads_runs_no_script(new_page):
    author = seasoned(email="xss@exemple.fr")
    category = category_create(actor=coordinator(), workspace=network_workspace(), name="Essais")
    body = "\n\n".join(
        [
            "<script>window.__pwned = 1</script>",
            '<img src=x onerror="window.__pwned = 2">',
            "[clic](javascript:window.__pwned=3)",
            '<svg onload="window.__pwned = 4"></svg>',
            '<a href="&#106;avascript:window.__pwned=5">lien</a>',
            "```\n</code><script>window.__pwned = 6</script>\n```",
        ]
    )
    topic = topic_create(
        actor=author,
        category=category,
        title="<script>window.__pwned=7</script>",
        body=body,
        tags=["<b onmouseover=window.__pwned=8>x</b>"],
    )
    page = new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    sign_in(page, "xss@exemple.fr", PASSWORD)
    page.goto(topic.get_absolute_url())
    for link in page.locator(".post-body a").all():
        link.hover()
    page.locator(".tag").first.hover()
    assert page.evaluate("window.__pwned === undefined")
    assert dialogs == []
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"<script>"))
