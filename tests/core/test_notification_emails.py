"""Notifications by e-mail: immediately after commit, or as a daily or weekly digest, always
through the permission authority, with a one-click unsubscribe link in each message."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from core.notifications.emails import unsubscribe_token
from core.notifications.models import EmailFrequency, EmailPreference, Notification, Verb
from core.notifications.services import (
    email_preference_set,
    notification_create,
    notifications_create,
    notifications_mark_read,
)
from core.notifications.tasks import send_notification_digest, send_notification_email
from core.workspaces.models import Visibility
from tests.factories import GroupFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE_URL = django_settings.SITE_URL
INVITED = "Sophie Girard vous invite à rejoindre le groupe Logiciels libres."


@pytest.fixture
def dummy_tasks(settings):
    """Tasks are queued, not run: what was scheduled can be counted."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return default_task_backend


@pytest.fixture
def sophie():
    return UserFactory(display_name="Sophie Girard")


@pytest.fixture
def group(sophie):
    group = GroupFactory(name="Logiciels libres")
    MembershipFactory(workspace=group, user=sophie, role="owner")
    return group


def invite(recipient, actor, group) -> Notification:
    return notification_create(
        recipient=recipient, verb=Verb.GROUP_INVITED, actor=actor, target=group
    )


def notify(recipient) -> Notification:
    return notification_create(recipient=recipient, verb=Verb.NETWORK_INVITATION_ACCEPTED)


def path_of(url: str) -> str:
    assert url.startswith(SITE_URL)
    return url[len(SITE_URL) :]


def unsubscribe_link(message) -> str:
    return re.search(
        re.escape(SITE_URL) + r"/espace/notifications/desabonnement/\S+/", message.body
    )[0]


def frequency_of(user) -> str:
    preference = EmailPreference.objects.filter(user=user).first()
    return preference.frequency if preference else EmailFrequency.IMMEDIATE


def run_digests(frequency: str) -> None:
    call_command("send_notification_digests", frequency=frequency, verbosity=0)


# --- Immediate e-mails ----------------------------------------------------------------------------


def test_immediate_email_is_sent_after_commit_and_not_before(
    mailoutbox, django_capture_on_commit_callbacks, sophie, group
):
    invitee = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification = invite(invitee, sophie, group)
        assert mailoutbox == []
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [invitee.email]
    assert message.subject == f"[Maillage] {INVITED.rstrip('.')}"
    # Same sentence as on the site, in French, with an absolute link to what it is about.
    assert INVITED in message.body
    assert f"{SITE_URL}{group.get_absolute_url()}" in message.body
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_nothing_is_emailed_when_the_transaction_rolls_back(
    mailoutbox, django_capture_on_commit_callbacks, sophie, group
):
    invitee = UserFactory()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        invite(invitee, sophie, group)
        raise RuntimeError("something failed after the notification was stored")
    assert callbacks == []
    assert mailoutbox == []
    assert not Notification.objects.filter(recipient=invitee).exists()


def test_email_has_an_accessible_french_html_version_with_all_links(
    mailoutbox, django_capture_on_commit_callbacks, sophie, group
):
    invitee = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        invite(invitee, sophie, group)
    message = mailoutbox[0]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="fr">' in html
    assert "<img" not in html
    assert INVITED in html
    assert f'href="{SITE_URL}{group.get_absolute_url()}"' in html
    preferences = f"{SITE_URL}{reverse('notifications:preferences')}"
    assert preferences in html and preferences in message.body
    unsubscribe = unsubscribe_link(message)
    assert f'href="{unsubscribe}"' in html


def test_email_carries_the_one_click_unsubscribe_headers(
    mailoutbox, django_capture_on_commit_callbacks, sophie, group
):
    invitee = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        invite(invitee, sophie, group)
    message = mailoutbox[0]
    assert message.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_link(message)}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    rendered = message.message()
    assert rendered["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert rendered["List-Unsubscribe"].startswith(f"<{SITE_URL}/espace/notifications/")


def test_notification_without_a_page_links_to_the_notification_list(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user)
    assert f"{SITE_URL}{reverse('notifications:list')}" in mailoutbox[0].body


@pytest.mark.parametrize(
    "frequency", [EmailFrequency.NEVER, EmailFrequency.DAILY, EmailFrequency.WEEKLY]
)
def test_people_who_did_not_choose_immediate_get_no_immediate_email(
    frequency, mailoutbox, django_capture_on_commit_callbacks, sophie, group
):
    invitee = UserFactory()
    email_preference_set(user=invitee, frequency=frequency)
    with django_capture_on_commit_callbacks(execute=True):
        notification = invite(invitee, sophie, group)
    assert mailoutbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_notification_about_a_secret_group_the_recipient_cannot_see_is_not_emailed(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    secret = GroupFactory(visibility=Visibility.SECRET, name="Cellule confidentielle")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_create(recipient=user, verb=Verb.GROUP_INVITED, target=secret)
    assert mailoutbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_inactive_accounts_get_no_immediate_email(mailoutbox, django_capture_on_commit_callbacks):
    closed = UserFactory(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        notify(closed)
    assert mailoutbox == []


def test_account_closed_between_scheduling_and_sending_gets_no_email(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        notify(user)
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    for callback in callbacks:
        callback()
    assert mailoutbox == []


def test_unsubscribing_between_scheduling_and_sending_stops_the_email(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        notify(user)
    email_preference_set(user=user, frequency=EmailFrequency.NEVER)
    for callback in callbacks:
        callback()
    assert mailoutbox == []


def test_notification_read_on_the_site_before_the_email_goes_is_not_emailed(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        notify(user)
    notifications_mark_read(user=user)
    for callback in callbacks:
        callback()
    assert mailoutbox == []


def test_a_notification_is_never_emailed_twice(mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user)
    assert len(mailoutbox) == 1
    send_notification_email.enqueue(notification_id=notification.pk)
    send_notification_email.enqueue(notification_id=notification.pk)
    assert len(mailoutbox) == 1


def test_a_failed_send_can_be_retried(mailoutbox, django_capture_on_commit_callbacks, settings):
    user = UserFactory()
    settings.EMAIL_BACKEND = "tests.core.test_notification_emails.FailingBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notification = notify(user)
    notification.refresh_from_db()
    assert notification.emailed_at is None  # the claim was given back
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    send_notification_email.enqueue(notification_id=notification.pk)
    assert len(mailoutbox) == 1


class FailingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


# --- Cost of the fan-out --------------------------------------------------------------------------


def test_fan_out_to_fifty_recipients_costs_a_bounded_number_of_queries(
    django_assert_max_num_queries, django_capture_on_commit_callbacks, dummy_tasks, group
):
    recipients = UserFactory.create_batch(50)
    for person in recipients[:10]:
        email_preference_set(user=person, frequency=EmailFrequency.DAILY)
    for person in recipients[10:15]:
        type(person).objects.filter(pk=person.pk).update(is_active=False)
    ContentType.objects.clear_cache()
    # savepoint, UPDATE of the sequences, SELECT of sequences and preferences, the content
    # type, INSERT, release: as before e-mails existed, whatever the number of recipients.
    with django_capture_on_commit_callbacks(execute=True), django_assert_max_num_queries(6):
        notifications = notifications_create(
            recipients=recipients, verb=Verb.GROUP_JOINED, target=group
        )
    assert len(notifications) == 50
    # One task per recipient who wants e-mails at once and whose account is open.
    queued = [r for r in dummy_tasks.results if r.task == send_notification_email]
    expected = {n.pk for n in notifications if n.recipient_id in {p.pk for p in recipients[15:]}}
    assert {r.kwargs["notification_id"] for r in queued} == expected
    assert len(queued) == 35


def test_fan_out_costs_the_same_for_one_recipient_and_for_fifty(group):
    ContentType.objects.get_for_model(group)  # cached for both runs
    costs = []
    for size in (1, 50):
        recipients = UserFactory.create_batch(size)
        with CaptureQueriesContext(connection) as queries:
            notifications_create(recipients=recipients, verb=Verb.GROUP_JOINED, target=group)
        costs.append(len(queries))
    assert costs[0] == costs[1]


# --- Digests --------------------------------------------------------------------------------------


def test_daily_digest_groups_several_notifications_in_one_email(mailoutbox, sophie, group):
    person = UserFactory()
    email_preference_set(user=person, frequency=EmailFrequency.DAILY)
    first = invite(person, sophie, group)
    second = notify(person)
    third = notification_create(
        recipient=person, verb=Verb.GROUP_JOINED, actor=sophie, target=group
    )
    assert mailoutbox == []  # nothing immediate

    run_digests("daily")

    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == [person.email]
    assert message.subject.startswith("[Maillage] ")
    assert "3" in message.subject
    assert INVITED in message.body
    assert "Sophie Girard a rejoint le groupe Logiciels libres." in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = message.alternatives[0][0]
    assert '<html lang="fr">' in html
    assert html.count("<li") == 3
    for notification in (first, second, third):
        notification.refresh_from_db()
        assert notification.emailed_at is not None
    assert EmailPreference.objects.get(user=person).last_digest_at is not None


def test_digest_does_not_resend_what_it_already_sent(mailoutbox, sophie, group):
    person = UserFactory()
    email_preference_set(user=person, frequency=EmailFrequency.DAILY)
    invite(person, sophie, group)
    run_digests("daily")
    run_digests("daily")
    assert len(mailoutbox) == 1
    notify(person)
    run_digests("daily")
    assert len(mailoutbox) == 2
    assert INVITED not in mailoutbox[1].body


def test_daily_run_leaves_weekly_people_alone_and_the_reverse(mailoutbox):
    daily, weekly, immediate = UserFactory(), UserFactory(), UserFactory()
    email_preference_set(user=daily, frequency=EmailFrequency.DAILY)
    email_preference_set(user=weekly, frequency=EmailFrequency.WEEKLY)
    for person in (daily, weekly, immediate):
        notify(person)

    run_digests("daily")
    assert [m.to for m in mailoutbox] == [[daily.email]]
    run_digests("weekly")
    assert [m.to for m in mailoutbox] == [[daily.email], [weekly.email]]
    assert "semaine" in mailoutbox[1].body or "week" in mailoutbox[1].body


def test_digest_leaves_out_read_hidden_and_already_emailed_notifications(mailoutbox, sophie, group):
    person = UserFactory()
    email_preference_set(user=person, frequency=EmailFrequency.WEEKLY)
    read = notify(person)
    notifications_mark_read(user=person, ids=[read.pk])
    secret = GroupFactory(visibility=Visibility.SECRET, name="Cellule confidentielle")
    notification_create(recipient=person, verb=Verb.GROUP_INVITED, target=secret)
    emailed = notify(person)
    Notification.objects.filter(pk=emailed.pk).update(emailed_at=timezone.now())
    kept = invite(person, sophie, group)

    run_digests("weekly")

    assert len(mailoutbox) == 1
    assert "Cellule confidentielle" not in mailoutbox[0].body
    assert mailoutbox[0].alternatives[0][0].count("<li") == 1
    kept.refresh_from_db()
    assert kept.emailed_at is not None


def test_digest_covers_only_what_came_since_the_previous_digest(mailoutbox):
    person = UserFactory()
    email_preference_set(user=person, frequency=EmailFrequency.DAILY)
    EmailPreference.objects.filter(user=person).update(last_digest_at=timezone.now())
    old = notify(person)
    Notification.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    run_digests("daily")
    assert mailoutbox == []
    notify(person)
    run_digests("daily")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].alternatives[0][0].count("<li") == 1


def test_digest_with_nothing_new_sends_nothing_but_remembers_it_ran(mailoutbox):
    person = UserFactory()
    email_preference_set(user=person, frequency=EmailFrequency.DAILY)
    run_digests("daily")
    assert mailoutbox == []
    assert EmailPreference.objects.get(user=person).last_digest_at is not None


def test_inactive_accounts_get_no_digest(mailoutbox):
    person = UserFactory()
    email_preference_set(user=person, frequency=EmailFrequency.DAILY)
    notify(person)
    type(person).objects.filter(pk=person.pk).update(is_active=False)
    run_digests("daily")
    # Even a task queued before the account was closed sends nothing.
    send_notification_digest.enqueue(user_id=person.pk, frequency="daily")
    assert mailoutbox == []


def test_digest_command_selects_people_in_one_query_and_queues_one_task_each(
    django_assert_num_queries, dummy_tasks
):
    daily = UserFactory.create_batch(4)
    for person in daily:
        email_preference_set(user=person, frequency=EmailFrequency.DAILY)
    email_preference_set(user=UserFactory(), frequency=EmailFrequency.WEEKLY)
    closed = UserFactory()
    email_preference_set(user=closed, frequency=EmailFrequency.DAILY)
    type(closed).objects.filter(pk=closed.pk).update(is_active=False)
    UserFactory()  # immediate, by default

    with django_assert_num_queries(1):
        run_digests("daily")

    queued = [r for r in dummy_tasks.results if r.task == send_notification_digest]
    assert sorted(r.kwargs["user_id"] for r in queued) == sorted(p.pk for p in daily)
    assert {r.kwargs["frequency"] for r in queued} == {"daily"}


def test_digest_task_queries_do_not_grow_with_the_number_of_notifications(sophie):
    def digest_cost(count: int) -> int:
        person = UserFactory()
        email_preference_set(user=person, frequency=EmailFrequency.DAILY)
        for _ in range(count):
            group = GroupFactory()
            MembershipFactory(workspace=group, user=person)
            notification_create(
                recipient=person, verb=Verb.GROUP_JOINED, actor=sophie, target=group
            )
        with CaptureQueriesContext(connection) as queries:
            send_notification_digest.enqueue(user_id=person.pk, frequency="daily")
        return len(queries)

    assert digest_cost(2) == digest_cost(8)


# --- Unsubscribing --------------------------------------------------------------------------------


@pytest.fixture
def emailed(mailoutbox, django_capture_on_commit_callbacks):
    """A person and the notification e-mail they received."""
    person = UserFactory(email="camille.martin@exemple.fr")
    with django_capture_on_commit_callbacks(execute=True):
        notify(person)
    return person, mailoutbox[0]


def test_unsubscribe_link_shows_a_page_without_sign_in_and_changes_nothing(client, emailed):
    person, message = emailed
    response = client.get(path_of(unsubscribe_link(message)))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<form" in page and 'method="post"' in page
    # Whoever holds the link learns nothing about the account.
    assert person.email not in page
    assert "camille" not in page.lower()
    assert frequency_of(person) == EmailFrequency.IMMEDIATE


def test_unsubscribe_button_stops_emails_without_sign_in(emailed):
    person, message = emailed
    client = Client(enforce_csrf_checks=True)
    response = client.post(path_of(unsubscribe_link(message)))
    assert response.status_code == 200
    assert person.email not in response.content.decode()
    assert frequency_of(person) == EmailFrequency.NEVER


def test_one_click_unsubscribe_post_from_a_mail_client_stops_emails(emailed):
    person, message = emailed
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    # RFC 8058: the mail provider posts this body, with no cookie and no CSRF token.
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        path_of(url),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert frequency_of(person) == EmailFrequency.NEVER


def test_unsubscribed_person_gets_no_more_emails(
    client, emailed, mailoutbox, django_capture_on_commit_callbacks
):
    person, message = emailed
    client.post(path_of(unsubscribe_link(message)))
    with django_capture_on_commit_callbacks(execute=True):
        notify(person)
    assert len(mailoutbox) == 1


def tampered_tokens(user) -> list[str]:
    token = unsubscribe_token(user)
    other = UserFactory()
    return [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # signature changed
        f"{other.pk}:{token.split(':', 1)[1]}",  # someone else's id, same signature
        signing.Signer(salt="another.purpose").sign(str(user.pk)),  # signed for something else
        signing.Signer(salt="core.notifications.unsubscribe").sign("999999"),  # no such account
        "not-a-token",
    ]


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_unsubscribe_token_gets_a_clear_400_page(client, method):
    person = UserFactory()
    for token in tampered_tokens(person):
        url = reverse("notifications:unsubscribe", args=[token])
        response = getattr(client, method)(url)
        assert response.status_code == 400, token
        page = response.content.decode()
        assert "unsubscribe link is not valid" in page or "lien de désabonnement" in page
    assert frequency_of(person) == EmailFrequency.IMMEDIATE


# --- Preferences page -----------------------------------------------------------------------------


def test_preferences_page_needs_sign_in(client):
    response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 302
    assert "/comptes/login/" in response["Location"]


def test_preferences_page_offers_four_labelled_radio_buttons(client):
    person = UserFactory()
    client.force_login(person)
    page = client.get(reverse("notifications:preferences")).content.decode()
    radios = re.findall(
        r'<input type="radio" name="frequency" value="(\w+)"[^>]*id="([^"]+)"', page
    )
    assert [value for value, _id in radios] == ["immediate", "daily", "weekly", "never"]
    for _value, input_id in radios:
        assert f'<label for="{input_id}">' in page
    assert "<fieldset" in page and "<legend" in page
    assert re.search(r'value="immediate"[^>]*checked', page)


def test_preferences_page_changes_the_frequency_and_confirms(client):
    person = UserFactory()
    client.force_login(person)
    response = client.post(
        reverse("notifications:preferences"), {"frequency": "weekly"}, follow=True
    )
    assert response.status_code == 200
    assert frequency_of(person) == EmailFrequency.WEEKLY
    assert list(response.context["messages"])
    assert re.search(r'value="weekly"[^>]*checked', response.content.decode())


def test_preferences_page_refuses_an_unknown_choice(client):
    person = UserFactory()
    client.force_login(person)
    response = client.post(reverse("notifications:preferences"), {"frequency": "hourly"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not EmailPreference.objects.filter(user=person).exists()


def test_notification_list_links_to_the_email_preferences(client):
    client.force_login(UserFactory())
    page = client.get(reverse("notifications:list")).content.decode()
    assert f'href="{reverse("notifications:preferences")}"' in page
