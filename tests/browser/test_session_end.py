"""A page whose session ends (signed out in another tab) stops its live connection and
offers to sign in again, instead of reconnecting forever."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, UserFactory


def test_a_page_whose_session_ended_stops_and_offers_to_sign_in_again(new_page):
    UserFactory(email="lea@exemple.fr", display_name="Léa Martin")
    page = new_page()
    sockets = []
    page.on("websocket", lambda socket: sockets.append(socket))
    sign_in(page, "lea@exemple.fr", PASSWORD)
    for _ in range(50):  # the desktop opens its live connection
        if sockets:
            break
        page.wait_for_timeout(100)
    assert sockets

    other_tab = page.context.new_page()
    other_tab.goto("/espace/")
    other_tab.get_by_role("button", name="Se déconnecter").click()

    status = page.get_by_role("status").filter(has_text="Votre session est terminée")
    expect(status).to_be_visible()
    link = status.get_by_role("link", name="Se reconnecter")
    expect(link).to_have_attribute("href", "/comptes/login/?next=/espace/")
    # It stopped: no new connection attempt however long one waits.
    opened = len(sockets)
    page.wait_for_timeout(4000)
    assert len(sockets) == opened
    link.click()
    expect(page.get_by_label("Courriel")).to_be_visible()
