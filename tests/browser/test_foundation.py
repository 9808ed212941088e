"""The foundation as people use it, in Chromium: sign in, invite and accept, create a
group, request to join and accept, and a notification arriving without reloading."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from core.workspaces.models import JoinPolicy, Membership, MembershipStatus, Visibility
from tests.browser.conftest import sign_in
from tests.factories import (
    PASSWORD,
    GroupFactory,
    MembershipFactory,
    UserFactory,
    coordinator,
    france,
    local_admin,
)


def test_sign_in_and_out(new_page):
    UserFactory(email="sophie@exemple.fr", display_name="Sophie Girard")
    page = new_page()
    sign_in(page, "sophie@exemple.fr", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Sophie Girard")
    page.get_by_role("button", name="Se déconnecter").click()
    page.goto("/espace/")
    expect(page).to_have_url(re.compile(r"/comptes/login/"))


def test_wrong_password_is_explained(new_page):
    UserFactory(email="oubli@exemple.fr")
    page = new_page()
    page.goto("/comptes/login/")
    page.locator("#id_login").fill("oubli@exemple.fr")
    page.locator("#id_password").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("mot de passe")


def _last_mail(mail_dir: Path) -> str:
    files = sorted(mail_dir.glob("*.log"), key=lambda f: f.stat().st_mtime)
    assert files, "no e-mail was sent"
    return files[-1].read_text()


def test_invite_someone_who_accepts_and_lands_in_the_group(new_page, mail_dir):
    places = france()
    admin = local_admin(places["lot"], email="claire@exemple.fr", display_name="Claire Delmas")
    group = GroupFactory(name="Plateforme EPM du Lot", territory=places["lot"])
    MembershipFactory(workspace=group, user=admin, role="owner")

    page = new_page()
    sign_in(page, "claire@exemple.fr", PASSWORD)
    page.goto("/espace/reseau/administration/invitations/nouvelle/")
    page.get_by_label("Adresse e-mail").fill("camille@exemple.fr")
    page.get_by_label("Territoire de rattachement").fill("Gourdon")
    page.get_by_label("Inviter aussi dans le groupe").select_option(label="Plateforme EPM du Lot")
    page.get_by_role("button", name="Envoyer l’invitation").click()
    expect(page.locator(".messages")).to_contain_text("camille@exemple.fr")

    # The e-mail links to SITE_URL; the test server listens elsewhere: keep the path.
    link = re.search(r"https?://[^/\s]+(/invitation/\S+/)", _last_mail(mail_dir)).group(1)
    invitee = new_page()
    invitee.goto(link)
    invitee.get_by_label("Votre nom tel que vos collègues le verront").fill("Camille Roux")
    invitee.get_by_label("Choisissez un mot de passe").fill("un-mot-de-passe-solide")
    invitee.get_by_label("Le même mot de passe").fill("un-mot-de-passe-solide")
    invitee.get_by_role("button", name="Créer mon compte").click()
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Plateforme EPM du Lot")
    assert Membership.objects.get(user__email="camille@exemple.fr", workspace=group).status == (
        MembershipStatus.ACTIVE
    )
    # The link is single-use.
    again = new_page()
    again.goto(link)
    expect(again.get_by_role("heading", level=1)).to_have_text(
        "Cette invitation a déjà été utilisée"
    )


def test_create_a_group(new_page):
    UserFactory(email="nadia@exemple.fr")
    page = new_page()
    sign_in(page, "nadia@exemple.fr", PASSWORD)
    page.goto("/espace/groupes/")
    page.get_by_role("link", name="Créer un groupe").click()
    page.get_by_label("Nom").fill("Logiciels libres en EPN")
    page.get_by_label("Listé publiquement").check()
    page.get_by_label("Ouvert : tout membre du réseau peut rejoindre").check()
    page.get_by_role("button", name="Créer le groupe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Logiciels libres en EPN")
    expect(page.locator(".messages")).to_contain_text("est créé")


def test_request_to_join_accepted_with_a_live_notification(new_page):
    owner = UserFactory(email="julien@exemple.fr", display_name="Julien Moreau")
    requester = UserFactory(email="sophie.g@exemple.fr", display_name="Sophie Girard")
    group = GroupFactory(
        name="EPN du Pays de Montbéliard",
        visibility=Visibility.NETWORK,
        join_policy=JoinPolicy.REQUEST,
    )
    MembershipFactory(workspace=group, user=owner, role="owner")

    asker = new_page()
    sign_in(asker, "sophie.g@exemple.fr", PASSWORD)
    asker.goto(group.get_absolute_url())
    asker.get_by_label("Message aux modérateurs (facultatif)").fill(
        "Bonjour, je suis à Montbéliard."
    )
    asker.get_by_role("button", name="Envoyer ma demande").click()
    expect(asker.locator(".messages")).to_contain_text("Votre demande est envoyée")
    asker.goto("/espace/")
    badge = asker.locator("[data-notification-count]")
    expect(badge).to_be_hidden()

    moderator = new_page()
    sign_in(moderator, "julien@exemple.fr", PASSWORD)
    # The moderator was notified of the request.
    expect(moderator.locator("[data-notification-count]")).to_contain_text("1")
    moderator.goto(f"{group.get_absolute_url()}membres/")
    expect(moderator.get_by_text("Bonjour, je suis à Montbéliard.")).to_be_visible()
    moderator.get_by_role("button", name="Accepter Sophie Girard").click()
    expect(moderator.locator(".messages")).to_contain_text("est maintenant membre")

    # Without reloading, the requester's page announces the answer.
    expect(asker.locator(".toast")).to_contain_text(
        "Votre demande pour rejoindre le groupe EPN du Pays de Montbéliard a été acceptée."
    )
    expect(badge).to_contain_text("1")
    assert Membership.objects.get(user=requester, workspace=group).status == MembershipStatus.ACTIVE


def test_invited_to_a_group_live_then_accepts_from_the_desktop(new_page):
    boss = coordinator(email="helene@exemple.fr", display_name="Hélène Coordination")
    guest = UserFactory(email="marc@exemple.fr", display_name="Marc Thiébaut")
    group = GroupFactory(
        name="Rencontres 2027", visibility=Visibility.SECRET, join_policy=JoinPolicy.INVITATION
    )
    MembershipFactory(workspace=group, user=boss, role="owner")

    guest_page = new_page()
    sign_in(guest_page, "marc@exemple.fr", PASSWORD)

    inviter = new_page()
    sign_in(inviter, "helene@exemple.fr", PASSWORD)
    inviter.goto(f"{group.get_absolute_url()}membres/")
    inviter.get_by_label("Nom ou adresse e-mail").fill("Marc")
    inviter.get_by_role("button", name="Chercher").click()
    inviter.get_by_role("button", name="Inviter Marc Thiébaut").click()
    expect(inviter.locator(".messages")).to_contain_text("est invité")

    toast = guest_page.locator(".toast")
    expect(toast).to_contain_text(
        "Hélène Coordination vous invite à rejoindre le groupe Rencontres 2027."
    )
    toast.get_by_role("link").click()
    guest_page.get_by_role("button", name="Accepter l’invitation").click()
    expect(guest_page.locator(".messages")).to_contain_text("Bienvenue dans le groupe")
    assert Membership.objects.get(user=guest, workspace=group).status == MembershipStatus.ACTIVE
