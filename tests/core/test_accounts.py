"""Signing in and out, throttling, two-factor authentication, the profile."""

from __future__ import annotations

import html
import io
import re

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from taggit.utils import parse_tags

from core.accounts.models import NetworkPolicy
from core.accounts.services import network_policy_update, profile_update
from core.permissions import can
from core.workspaces.models import WorkspaceKind
from tests.factories import PASSWORD, UserFactory, coordinator, france, local_admin

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


def test_every_account_gets_its_personal_desktop():
    user = UserFactory()
    assert user.personal_workspace.kind == WorkspaceKind.PERSONAL


def test_sign_in_with_email_and_out(client):
    user = UserFactory(email="sophie@exemple.fr")
    response = client.post(
        reverse("account_login"), {"login": "sophie@exemple.fr", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard:home")
    assert client.get(reverse("dashboard:home")).context["user"] == user
    client.post(reverse("account_logout"))
    assert client.get(reverse("dashboard:home")).status_code == 302


def test_wrong_password_shows_a_translated_error(client):
    UserFactory(email="sophie@exemple.fr")
    response = client.post(
        reverse("account_login"), {"login": "sophie@exemple.fr", "password": "non"}
    )
    assert response.status_code == 200
    assert "mot de passe" in response.content.decode()


def test_repeated_failed_sign_ins_are_throttled(client):
    UserFactory(email="sophie@exemple.fr")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "sophie@exemple.fr", "password": "non"})
    # Even the right password is refused for a while after five failures.
    response = client.post(
        reverse("account_login"), {"login": "sophie@exemple.fr", "password": PASSWORD}
    )
    assert response.status_code in {200, 429}
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_link(client, mailoutbox):
    UserFactory(email="sophie@exemple.fr")
    client.post(reverse("account_reset_password"), {"email": "sophie@exemple.fr"})
    assert len(mailoutbox) == 1
    assert "/comptes/password/reset/key/" in mailoutbox[0].body


def test_mfa_requirement_sends_administrators_to_set_up_an_authenticator(client):
    places = france()
    boss = coordinator()
    network_policy_update(actor=boss, require_mfa_for_administrators=True)
    admin = local_admin(places["lot"])
    client.force_login(admin)
    response = client.get(reverse("dashboard:home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # Facilitators are not concerned.
    client.force_login(UserFactory())
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_mfa_requirement_is_met_once_totp_is_on(client):
    boss = coordinator()
    network_policy_update(actor=boss, require_mfa_for_administrators=True)
    Authenticator.objects.create(user=boss, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(boss)
    assert client.get(reverse("dashboard:home")).status_code == 200


def test_only_the_coordinator_changes_the_security_policy(client):
    places = france()
    client.force_login(local_admin(places["lot"]))
    response = client.post(reverse("network:security"), {"require_mfa_for_administrators": "on"})
    assert response.status_code == 403
    assert not NetworkPolicy.current().require_mfa_for_administrators
    client.force_login(coordinator())
    client.post(reverse("network:security"), {"require_mfa_for_administrators": "on"})
    assert NetworkPolicy.current().require_mfa_for_administrators


def _png(size=(10, 10)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "photo.png"
    return buffer


def test_profile_edit_with_photo_and_skills(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile_edit"),
        {
            "display_name": "Sophie G.",
            "handle": "sophie-g",
            "bio": "Animatrice",
            "skills": "Linux, accessibilité",
            "photo": _png(),
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Sophie G."
    assert user.handle == "sophie-g"
    assert sorted(s.name for s in user.skills.all()) == ["Linux", "accessibilité"]
    photo = client.get(reverse("accounts:profile_photo", args=[user.pk]))
    assert photo.status_code == 200
    client.logout()
    assert client.get(reverse("accounts:profile_photo", args=[user.pk])).status_code == 302


def test_one_cannot_move_out_of_ones_administrators_reach(client):
    places = france()
    admin = local_admin(places["pma"], display_name="Martine")
    user = UserFactory(home_territory=places["montbeliard"], display_name="Avant")
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile_edit"),
        {"display_name": "Après", "handle": user.handle, "home_territory": "46127"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Après"
    assert user.home_territory == places["montbeliard"]
    assert can(admin, "manage", user)
    with pytest.raises(PermissionDenied):
        profile_update(user=user, actor=user, home_territory=places["gourdon"])
    user.refresh_from_db()
    assert user.home_territory == places["montbeliard"]


def test_the_profile_form_shows_the_home_territory_and_whom_to_ask(client):
    places = france()
    local_admin(places["pma"], display_name="Martine Pays", email="martine@pma.fr")
    local_admin(places["lot"], display_name="Luc Lot", email="luc@lot.fr")
    user = UserFactory(home_territory=places["montbeliard"])
    client.force_login(user)
    page = client.get(reverse("accounts:profile_edit")).content.decode()
    assert 'name="home_territory"' not in page
    assert "Montbéliard" in page
    assert "Martine Pays" in page and "mailto:martine@pma.fr" in page
    assert "Luc Lot" not in page
    coordinator(display_name="Claire Coord", email="claire@reseau.fr")
    user.home_territory = places["gourdon"]
    user.save()
    page = client.get(reverse("accounts:profile_edit")).content.decode()
    assert "Luc Lot" in page and "Martine Pays" not in page
    # Without a home territory, no local administrator manages the account: the
    # coordinator is the one to ask.
    user.home_territory = None
    user.save()
    page = client.get(reverse("accounts:profile_edit")).content.decode()
    assert "Claire Coord" in page and "mailto:claire@reseau.fr" in page
    assert "Luc Lot" not in page


def test_profile_form_shows_the_skills_one_has(client):
    user = UserFactory()
    user.skills.set(["Linux", "initiation tablette"])
    client.force_login(user)
    page = client.get(reverse("accounts:profile_edit")).content.decode()
    value = re.search(r'name="skills" value="([^"]*)"', page).group(1)
    # Written as taggit reads it back: sent again unchanged, the skills stay the same.
    assert parse_tags(html.unescape(value)) == ["Linux", "initiation tablette"]


def test_a_file_that_is_not_a_picture_is_refused_and_the_profile_kept(client):
    user = UserFactory(display_name="Avant")
    client.force_login(user)
    fake = io.BytesIO(b"#!/bin/sh\necho pwned\n")
    fake.name = "photo.png"
    response = client.post(
        reverse("accounts:profile_edit"),
        {"display_name": "Après", "handle": user.handle, "photo": fake},
    )
    assert response.status_code == 200
    assert "aria-invalid" in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "Avant"
    assert not user.photo


def test_profiles_are_for_network_members_only(client):
    user = UserFactory()
    assert client.get(reverse("accounts:profile", args=[user.pk])).status_code == 302
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:profile", args=[user.pk])).status_code == 200
    assert client.get(reverse("accounts:profile", args=[999999])).status_code == 404


def test_local_admin_manages_accounts_of_their_territory_only(client):
    places = france()
    admin = local_admin(places["lot"])
    in_lot = UserFactory(home_territory=places["gourdon"])
    in_doubs = UserFactory(home_territory=places["montbeliard"])
    client.force_login(admin)
    listing = client.get(reverse("network:accounts")).content.decode()
    assert str(in_lot) in listing
    assert str(in_doubs) not in listing
    assert client.get(reverse("network:account", args=[in_lot.pk])).status_code == 200
    assert client.get(reverse("network:account", args=[in_doubs.pk])).status_code == 403
    response = client.post(
        reverse("network:account_set_active", args=[in_doubs.pk]), {"active": "0"}
    )
    assert response.status_code == 403
    in_doubs.refresh_from_db()
    assert in_doubs.is_active
    client.post(reverse("network:account_set_active", args=[in_lot.pk]), {"active": "0"})
    in_lot.refresh_from_db()
    assert not in_lot.is_active


def test_a_closed_account_cannot_sign_in(client):
    user = UserFactory(email="ferme@exemple.fr")
    user.is_active = False
    user.save()
    client.post(reverse("account_login"), {"login": "ferme@exemple.fr", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def _totp_now(secret: str) -> str:
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_a_user_turns_on_totp_and_then_needs_a_code_to_sign_in(client):
    from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY

    UserFactory(email="prudente@exemple.fr")
    credentials = {"login": "prudente@exemple.fr", "password": PASSWORD}
    client.post(reverse("account_login"), credentials)
    # Turning it on asks for the password again, as any sensitive change does.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(response["Location"], {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    response = client.post(reverse("mfa_activate_totp"), {"code": _totp_now(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(
        user__email="prudente@exemple.fr", type=Authenticator.Type.TOTP
    ).exists()

    client.post(reverse("account_logout"))
    response = client.post(reverse("account_login"), credentials)
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    client.post(reverse("mfa_authenticate"), {"code": _totp_now(secret)})
    assert "_auth_user_id" in client.session


def test_adding_an_email_address_asks_for_its_verification(client, mailoutbox):
    user = UserFactory(email="sophie@exemple.fr")
    client.post(reverse("account_login"), {"login": "sophie@exemple.fr", "password": PASSWORD})
    client.post(reverse("account_email"), {"action_add": "", "email": "sophie.perso@exemple.fr"})
    address = user.emailaddress_set.get(email="sophie.perso@exemple.fr")
    assert not address.verified
    assert mailoutbox and mailoutbox[-1].to == ["sophie.perso@exemple.fr"]
    assert "/comptes/confirm-email/" in mailoutbox[-1].body


def test_the_profile_form_costs_the_same_queries_whatever_the_number_of_administrators(
    client,
):
    places = france()
    user = UserFactory(home_territory=places["montbeliard"])
    client.force_login(user)
    url = reverse("accounts:profile_edit")

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    local_admin(places["montbeliard"])
    few = queries()
    for _ in range(4):
        local_admin(places["montbeliard"])
    assert queries() == few
