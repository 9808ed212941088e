"""Joining the extranet by invitation: single use, expiring, clear pages for bad links."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.accounts.models import Invitation, User
from core.accounts.services import invitation_create
from core.notifications.models import Notification
from core.workspaces.models import Membership, MembershipStatus
from tests.factories import (
    GroupFactory,
    MembershipFactory,
    UserFactory,
    coordinator,
    france,
    local_admin,
)

pytestmark = pytest.mark.django_db


def invitation_link(body: str) -> str:
    return re.search(r"https?://\S+/invitation/\S+/", body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def places():
    return france()


def test_local_admin_invites_by_email_and_the_invitee_creates_an_account(
    client, places, django_capture_on_commit_callbacks
):
    admin = local_admin(places["lot"])
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("network:invitation_create"),
            {
                "email": "nouvelle@exemple.fr",
                "network_role": "facilitator",
                "territory": "46127",
                "message": "Bienvenue !",
            },
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@exemple.fr"]
    assert "Bienvenue !" in message.body
    link = path_of(invitation_link(message.body))

    client.logout()
    page = client.get(link)
    assert page.status_code == 200
    assert "nouvelle@exemple.fr" in page.content.decode()
    response = client.post(
        link,
        {
            "display_name": "Nouvelle Animatrice",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@exemple.fr")
    assert user.home_territory == places["gourdon"]
    assert user.network_role == "facilitator"
    assert user.emailaddress_set.get().verified
    assert user.personal_workspace is not None
    # Signed in right away, and the inviter is told.
    assert client.get(reverse("dashboard:home")).status_code == 200
    assert Notification.objects.filter(recipient=admin, verb="network.invitation_accepted").exists()


def test_an_invitation_link_works_once(client, places):
    admin = coordinator()
    _invitation, token = invitation_create(
        actor=admin, email="a@exemple.fr", territory=places["lot"]
    )
    url = reverse("accounts:invitation", args=[token])
    data = {
        "display_name": "A",
        "password1": "un-mot-de-passe-solide",
        "password2": "un-mot-de-passe-solide",
    }
    assert client.post(url, data).status_code == 302
    client.logout()
    again = client.get(url)
    assert again.status_code == 410
    assert "déjà été utilisée" in again.content.decode()
    assert client.post(url, data).status_code == 410
    assert User.objects.filter(email="a@exemple.fr").count() == 1


def test_an_expired_invitation_gets_a_clear_page_not_an_error(client, places):
    admin = coordinator()
    invitation, token = invitation_create(
        actor=admin, email="b@exemple.fr", territory=places["lot"]
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(reverse("accounts:invitation", args=[token]))
    assert response.status_code == 410
    assert "a expiré" in response.content.decode()
    assert not User.objects.filter(email="b@exemple.fr").exists()


def test_an_unknown_invitation_link_gets_a_clear_page(client):
    response = client.get(reverse("accounts:invitation", args=["pas-un-vrai-jeton"]))
    assert response.status_code == 404
    assert (
        "n’est pas valide" in response.content.decode()
        or "n'est pas valide" in response.content.decode()
    )


def test_a_new_invitation_replaces_the_pending_one(client, places):
    admin = coordinator()
    _first, old = invitation_create(actor=admin, email="c@exemple.fr", territory=places["lot"])
    _second, new = invitation_create(actor=admin, email="c@exemple.fr", territory=places["lot"])
    assert client.get(reverse("accounts:invitation", args=[old])).status_code == 410
    assert client.get(reverse("accounts:invitation", args=[new])).status_code == 200


def test_the_token_itself_is_never_stored(places):
    _invitation, token = invitation_create(
        actor=coordinator(), email="d@exemple.fr", territory=places["lot"]
    )
    assert not Invitation.objects.filter(token_hash=token).exists()
    assert Invitation.objects.filter(token_hash=Invitation.hash_token(token)).exists()


def test_a_weak_password_is_refused_and_nothing_is_created(client, places):
    _invitation, token = invitation_create(
        actor=coordinator(), email="e@exemple.fr", territory=places["lot"]
    )
    url = reverse("accounts:invitation", args=[token])
    response = client.post(url, {"display_name": "E", "password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert "aria-invalid" in response.content.decode()
    assert not User.objects.filter(email="e@exemple.fr").exists()
    assert client.get(url).status_code == 200  # still usable


def test_local_admin_cannot_invite_into_another_territory(client, places):
    admin = local_admin(places["lot"])
    client.force_login(admin)
    response = client.post(
        reverse("network:invitation_create"),
        {"email": "f@exemple.fr", "network_role": "facilitator", "territory": "25388"},
    )
    assert response.status_code == 200
    assert not Invitation.objects.filter(email="f@exemple.fr").exists()


def test_facilitators_cannot_invite_to_the_network(client):
    client.force_login(UserFactory())
    assert client.get(reverse("network:invitation_create")).status_code == 403


def test_an_invitation_with_a_group_makes_the_invitee_a_member(client, places):
    admin = coordinator()
    group = GroupFactory()
    MembershipFactory(workspace=group, user=admin, role="owner")
    _invitation, token = invitation_create(
        actor=admin, email="g@exemple.fr", territory=places["lot"], workspace=group
    )
    client.post(
        reverse("accounts:invitation", args=[token]),
        {
            "display_name": "G",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )
    assert (
        Membership.objects.get(workspace=group, user__email="g@exemple.fr").status
        == MembershipStatus.ACTIVE
    )


def test_there_is_no_open_sign_up(client):
    response = client.get(reverse("account_signup"))
    assert "invitation" in response.content.decode()
    response = client.post(
        reverse("account_signup"),
        {
            "email": "h@exemple.fr",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
        },
    )
    assert not User.objects.filter(email="h@exemple.fr").exists()
