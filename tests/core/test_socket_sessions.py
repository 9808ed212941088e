"""A live socket lasts only as long as the session that opened it: a password changed or
reset, or a sign-out, closes it at once (code 4401), and the periodic check and every
event compare the session's auth hash as Django does; a socket refused for want of a
session is accepted then closed with 4401, so that the page can stop and say why."""

from __future__ import annotations

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from channels.db import database_sync_to_async
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from core.notifications.models import Verb
from core.notifications.services import notification_create
from tests.core.test_notifications_live import (  # noqa: F401  (an autouse fixture)
    connect,
    receive,
    release_the_consumers_database_connection,
    session_for,
)
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "un-autre-mot-de-passe-solide"
CLOSED_SIGNED_OUT = {"type": "websocket.close", "code": 4401}


@pytest.fixture(autouse=True)
def no_periodic_check(settings):
    # Nothing but what each test does may close a socket within its timeouts.
    settings.WEBSOCKET_RECHECK_SECONDS = 3600


async def still_open(communicator) -> bool:
    await communicator.send_to(text_data='{"type": "ping"}')
    return await receive(communicator) == {"type": "pong"}


def browser_signed_in(session_key: str) -> Client:
    client = Client()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = session_key
    return client


async def test_changing_the_password_closes_the_other_sessions_sockets_at_once():
    user = await database_sync_to_async(UserFactory)()
    elsewhere, _, _ = await connect(user)
    await receive(elsewhere)
    here = await database_sync_to_async(session_for)(user)

    def change_password() -> str:
        client = browser_signed_in(here)
        response = client.post(
            reverse("account_change_password"),
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
        assert response.status_code == 302
        return client.cookies[django_settings.SESSION_COOKIE_NAME].value

    kept = await database_sync_to_async(change_password)()
    assert await elsewhere.receive_output(timeout=3) == CLOSED_SIGNED_OUT
    # The browser that changed it stays signed in (Django keeps its session, under a new
    # key): its pages open sockets as before.
    mine, connected, _ = await connect(user, session_key=kept)
    assert connected
    assert (await receive(mine))["type"] == "hello"
    await mine.disconnect()


async def test_resetting_the_password_closes_every_socket_of_the_account_at_once():
    user = await database_sync_to_async(UserFactory)()
    sockets = []
    for _ in range(2):
        communicator, _, _ = await connect(user)
        await receive(communicator)
        sockets.append(communicator)

    def reset_password() -> None:
        client = Client()
        url = reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
        form_url = client.get(url, follow=True).redirect_chain[-1][0]
        response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
        assert response.status_code == 302

    await database_sync_to_async(reset_password)()
    for communicator in sockets:
        assert await communicator.receive_output(timeout=3) == CLOSED_SIGNED_OUT


async def test_signing_out_closes_that_sessions_sockets_at_once_and_no_other():
    user = await database_sync_to_async(UserFactory)()
    one = await database_sync_to_async(session_for)(user)
    other = await database_sync_to_async(session_for)(user)
    signing_out, _, _ = await connect(user, session_key=one)
    staying, _, _ = await connect(user, session_key=other)
    await receive(signing_out)
    await receive(staying)

    def sign_out() -> None:
        response = browser_signed_in(one).post(reverse("account_logout"))
        assert response.status_code == 302

    await database_sync_to_async(sign_out)()
    assert await signing_out.receive_output(timeout=3) == CLOSED_SIGNED_OUT
    assert await still_open(staying)
    await staying.disconnect()


async def test_a_password_changed_without_telling_the_sockets_is_caught_at_the_next_event():
    # E.g. changed in the administration: no account event, but the session's hash no
    # longer matches, and the next notification is not delivered on it.
    user = await database_sync_to_async(UserFactory)()
    communicator, _, _ = await connect(user)
    await receive(communicator)

    def change_quietly() -> None:
        user.set_password(NEW_PASSWORD)
        user.save()

    await database_sync_to_async(change_quietly)()
    await database_sync_to_async(notification_create)(
        recipient=user, verb=Verb.NETWORK_INVITATION_ACCEPTED
    )
    assert await communicator.receive_output(timeout=3) == CLOSED_SIGNED_OUT


async def test_the_periodic_check_compares_the_sessions_auth_hash(settings):
    settings.WEBSOCKET_RECHECK_SECONDS = 1
    user = await database_sync_to_async(UserFactory)()
    communicator, _, _ = await connect(user)
    await receive(communicator)

    def change_quietly() -> None:
        user.set_password(NEW_PASSWORD)
        user.save()

    await database_sync_to_async(change_quietly)()
    assert await communicator.receive_output(timeout=4) == CLOSED_SIGNED_OUT


async def test_a_session_from_before_the_password_change_is_refused_with_4401():
    user = await database_sync_to_async(UserFactory)()
    stale = await database_sync_to_async(session_for)(user)

    def change_quietly() -> None:
        user.set_password(NEW_PASSWORD)
        user.save()

    await database_sync_to_async(change_quietly)()
    communicator, connected, _ = await connect(user, session_key=stale)
    # Accepted, then closed with a code the page can read (a refused handshake reaches
    # the browser as 1006, which it cannot tell from a network failure).
    assert connected
    assert await communicator.receive_output(timeout=3) == CLOSED_SIGNED_OUT


def test_members_pages_carry_the_sign_in_again_message_for_a_socket_refused(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("dashboard:home")).content.decode()
    assert 'role="status" data-session-status' in page
    assert "Votre session est terminée" in page
    assert f'href="{reverse("account_login")}?next=/espace/"' in page


def test_the_session_check_accepts_a_hash_made_with_a_fallback_secret_key(settings):
    from core.accounts.selectors import session_auth_hash_matches

    user = UserFactory()
    old_key, old_hash = settings.SECRET_KEY, user.get_session_auth_hash()
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert not session_auth_hash_matches(old_hash, user)
    settings.SECRET_KEY_FALLBACKS = [old_key]
    assert session_auth_hash_matches(old_hash, user)
    assert not session_auth_hash_matches("", user)
    user.set_password(NEW_PASSWORD)
    assert not session_auth_hash_matches(old_hash, user)
