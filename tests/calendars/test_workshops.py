"""Workshops as the public and facilitators meet them: find, register, wait in line, be
promoted, cancel, be told of changes, be reminded, come, answer the survey."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from calendars.models import Attendance, Registration, RegistrationStatus, Reminder, Workshop
from calendars.services import workshops as services
from calendars.services.workshops import SessionTimes
from tests.calendars.factories import make_workshop, register
from tests.factories import PlaceFactory, UserFactory, coordinator

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    return PlaceFactory(nom="EPN des Fougères", telephone="+33381990000")


@pytest.fixture
def facilitator(place):
    user = UserFactory(display_name="Nadia")
    place.facilitators.add(user)
    return user


def soon(days=7, hour=14):
    return (timezone.localtime() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


def plan(facilitator, place, *, count=1, capacity=12, **kw):
    first = soon()
    sessions = [
        SessionTimes(first + timedelta(weeks=n), first + timedelta(weeks=n, hours=2))
        for n in range(count)
    ]
    kw.setdefault("title", "Premiers pas sur ordinateur")
    kw.setdefault("theme", "first_steps")
    kw.setdefault("level", "beginner")
    return services.workshop_create(
        user=facilitator, place=place, capacity=capacity, sessions=sessions, **kw
    )


# --- Planning ------------------------------------------------------------------------------------


def test_a_cycle_of_five_sessions_is_planned_in_the_places_calendar(facilitator, place):
    workshop = plan(
        facilitator, place, count=5, fee_kind="paid", fee_amount=Decimal("35"), capacity=12
    )
    sessions = list(workshop.sessions.order_by("start"))
    assert len(sessions) == 5
    assert all(s.calendar.place_id == place.pk for s in sessions)
    assert workshop.is_cycle
    assert workshop.starts_at == sessions[0].start
    assert workshop.ends_at == sessions[-1].end


@pytest.mark.parametrize(
    ("sessions", "message"),
    [
        ([], "au moins une séance"),
        ([(-30, -28)], "dans le passé"),
        ([(3, 1)], "finit avant de commencer"),
        ([(0, 2), (1, 3)], "se chevauchent"),
    ],
)
def test_bad_sessions_are_refused_with_a_clear_message(facilitator, place, sessions, message):
    """Offsets in hours from a week ahead; the messages are the French ones people read."""
    base = soon()
    times = [
        SessionTimes(base + timedelta(hours=a), base + timedelta(hours=b)) for a, b in sessions
    ]
    if sessions and sessions[0][0] < 0:  # "in the past": from now, not from next week
        now = timezone.now()
        times = [
            SessionTimes(now + timedelta(hours=a), now + timedelta(hours=b)) for a, b in sessions
        ]
    with pytest.raises(ValidationError) as error:
        services.workshop_create(
            user=facilitator,
            place=place,
            title="Atelier",
            theme="internet",
            level="beginner",
            capacity=10,
            sessions=times,
        )
    assert message in " ".join(error.value.messages)
    assert not Workshop.objects.exists()


def test_only_the_places_team_plans_its_workshops(place):
    with pytest.raises(PermissionDenied):
        plan(UserFactory(), place)


def test_the_form_refuses_a_negative_capacity_a_past_date_and_an_end_before_start(
    client, facilitator, place
):
    client.force_login(facilitator)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client.post(
        reverse("workshops_manage:create", args=[place.pk]),
        {
            "workshop-title": "Smartphone",
            "workshop-theme": "smartphone",
            "workshop-level": "beginner",
            "workshop-capacity": "-3",
            "workshop-fee_kind": "free",
            "workshop-is_published": "on",
            "sessions-first_date": yesterday,
            "sessions-start_time": "14:00",
            "sessions-end_time": "12:00",
            "sessions-count": "1",
            "sessions-every_weeks": "1",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    # Each problem is listed in the error summary, linked to its field.
    assert response.context["form"].errors["capacity"]
    assert 'href="#id_workshop-capacity"' in text
    assert response.context["sessions_form"].errors["end_time"]
    assert 'href="#id_sessions-end_time"' in text
    assert not Workshop.objects.exists()


def test_a_paid_workshop_needs_its_price(client, facilitator, place):
    client.force_login(facilitator)
    day = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(
        reverse("workshops_manage:create", args=[place.pk]),
        {
            "workshop-title": "Tablette",
            "workshop-theme": "smartphone",
            "workshop-level": "beginner",
            "workshop-capacity": "8",
            "workshop-fee_kind": "paid",
            "sessions-first_date": day,
            "sessions-start_time": "14:00",
            "sessions-end_time": "16:00",
            "sessions-count": "5",
            "sessions-every_weeks": "1",
        },
    )
    assert response.status_code == 400
    assert not Workshop.objects.exists()
    # The same with a price goes through and plans five weekly sessions at 14:00 Paris time.
    response = client.post(
        reverse("workshops_manage:create", args=[place.pk]),
        {
            "workshop-title": "Tablette",
            "workshop-theme": "smartphone",
            "workshop-level": "beginner",
            "workshop-capacity": "8",
            "workshop-fee_kind": "paid",
            "workshop-fee_amount": "35",
            "sessions-first_date": day,
            "sessions-start_time": "14:00",
            "sessions-end_time": "16:00",
            "sessions-count": "5",
            "sessions-every_weeks": "1",
        },
    )
    workshop = Workshop.objects.get()
    assert response.status_code == 302
    starts = [timezone.localtime(s.start) for s in workshop.sessions.order_by("start")]
    assert [s.hour for s in starts] == [14] * 5
    assert starts[1] - starts[0] >= timedelta(days=6, hours=23)


# --- Registering ------------------------------------------------------------------------------


def test_past_capacity_people_join_the_waiting_list(facilitator, place):
    workshop = plan(facilitator, place, capacity=2)
    a = services.registration_create(workshop=workshop, name="A", email="a@exemple.fr")
    b = services.registration_create(workshop=workshop, name="B", phone="0381000000")
    c = services.registration_create(workshop=workshop, name="C", email="c@exemple.fr")
    assert [a.status, b.status, c.status] == ["confirmed", "confirmed", "waiting"]


def test_cancelling_promotes_the_first_waiting_person_who_is_told(
    facilitator, place, mailoutbox, django_capture_on_commit_callbacks
):
    workshop = plan(facilitator, place, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.registration_create(workshop=workshop, name="A", email="a@exemple.fr")
        second = services.registration_create(workshop=workshop, name="B", email="b@exemple.fr")
        third = services.registration_create(workshop=workshop, name="C", email="c@exemple.fr")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=first)
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == RegistrationStatus.CONFIRMED
    assert third.status == RegistrationStatus.WAITING
    to_b = [m for m in mailoutbox if m.to == ["b@exemple.fr"]]
    assert len(to_b) == 1 and second.token in to_b[0].body


def test_the_same_email_cannot_register_twice(facilitator, place):
    workshop = plan(facilitator, place)
    services.registration_create(workshop=workshop, name="A", email="a@exemple.fr")
    with pytest.raises(ValidationError, match="déjà inscrite"):
        services.registration_create(workshop=workshop, name="A bis", email="A@exemple.fr ")
    assert workshop.registrations.count() == 1


def test_a_registration_without_email_nor_phone_is_refused(facilitator, place):
    workshop = plan(facilitator, place)
    with pytest.raises(ValidationError):
        services.registration_create(workshop=workshop, name="Personne")


def test_the_public_registers_without_an_account_and_gets_a_confirmation(
    client, facilitator, place, mailoutbox, django_capture_on_commit_callbacks
):
    workshop = plan(facilitator, place)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            workshop.get_absolute_url(), {"name": "Camille Martin", "email": "camille@exemple.fr"}
        )
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == registration.get_absolute_url()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.registered_by is None
    (message,) = mailoutbox
    assert message.to == ["camille@exemple.fr"]
    assert registration.get_absolute_url() in message.body
    page = client.get(registration.get_absolute_url())
    assert "Camille Martin" in page.content.decode()


def test_a_public_form_without_contact_keeps_what_was_typed(client, facilitator, place):
    workshop = plan(facilitator, place)
    response = client.post(workshop.get_absolute_url(), {"name": "Camille"})
    assert response.status_code == 400
    assert 'value="Camille"' in response.content.decode()
    assert not Registration.objects.exists()


def test_a_participant_cancels_from_the_confirmation_link(client, facilitator, place):
    workshop = plan(facilitator, place, capacity=1)
    mine = services.registration_create(workshop=workshop, name="A", email="a@exemple.fr")
    waiting = services.registration_create(workshop=workshop, name="B", email="b@exemple.fr")
    response = client.post(mine.get_absolute_url())
    assert response.status_code == 302
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED


def test_an_unknown_token_is_404(client):
    assert client.get(reverse("workshops:registration", args=["nope"])).status_code == 404
    assert client.get(reverse("workshops:survey", args=["nope"])).status_code == 404


def test_a_facilitator_registers_someone_by_phone(client, facilitator, place):
    workshop = plan(facilitator, place)
    client.force_login(facilitator)
    response = client.post(
        reverse("workshops_manage:register", args=[workshop.pk]),
        {"behalf-name": "Marcel Dupont", "behalf-phone": "03 81 00 00 00", "behalf-note": "mairie"},
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.registered_by == facilitator
    assert registration.phone == "0381000000"
    assert registration.status == RegistrationStatus.CONFIRMED


def test_someone_else_cannot_see_the_registrations(client, facilitator, place):
    workshop = plan(facilitator, place)
    register(workshop, name="Secret Person")
    client.force_login(UserFactory())
    response = client.get(reverse("workshops_manage:workshop", args=[workshop.pk]))
    assert response.status_code == 403  # the workshop is public, its registrations are not
    client.logout()
    response = client.get(reverse("workshops_manage:workshop", args=[workshop.pk]))
    assert response.status_code == 302


def test_an_unpublished_workshop_is_404_for_the_public(client, facilitator, place):
    workshop = plan(facilitator, place, is_published=False)
    assert client.get(workshop.get_absolute_url()).status_code == 302  # anonymous: sign in
    client.force_login(UserFactory())
    assert client.get(workshop.get_absolute_url()).status_code == 404
    client.force_login(facilitator)
    assert client.get(workshop.get_absolute_url()).status_code == 200


def test_lowering_capacity_below_the_seats_given_is_refused(facilitator, place):
    workshop = plan(facilitator, place, capacity=3)
    for _ in range(3):
        register(workshop)
    with pytest.raises(ValidationError, match="ont déjà une place"):
        services.workshop_update(user=facilitator, workshop=workshop, capacity=2)


def test_more_seats_promote_the_waiting_list(facilitator, place):
    workshop = plan(facilitator, place, capacity=1)
    services.registration_create(workshop=workshop, name="A", email="a@exemple.fr")
    b = services.registration_create(workshop=workshop, name="B", email="b@exemple.fr")
    services.workshop_update(user=facilitator, workshop=workshop, capacity=2)
    b.refresh_from_db()
    assert b.status == RegistrationStatus.CONFIRMED


# --- Changes, reminders, attendance, surveys -------------------------------------------------


def test_moving_a_session_tells_the_registrants(
    facilitator, place, mailoutbox, django_capture_on_commit_callbacks
):
    workshop = plan(facilitator, place, count=2)
    register(workshop, email="a@exemple.fr")
    register(workshop, phone="0381000000")  # no e-mail: the place calls
    session = workshop.sessions.order_by("start").first()
    with django_capture_on_commit_callbacks(execute=True):
        services.session_move(
            user=facilitator,
            session=session,
            start=session.start + timedelta(days=1),
            end=session.end + timedelta(days=1),
            reason="Salle indisponible",
        )
    (message,) = mailoutbox
    assert message.to == ["a@exemple.fr"]
    assert "Salle indisponible" in message.body
    session.refresh_from_db()
    assert session.sequence == 1


def test_cancelling_the_last_session_cancels_the_workshop(facilitator, place, mailoutbox):
    workshop = plan(facilitator, place)
    services.session_cancel(user=facilitator, session=workshop.sessions.get())
    workshop.refresh_from_db()
    assert workshop.is_cancelled


def test_reminders_go_once_a_day_ahead(
    facilitator, place, mailoutbox, django_capture_on_commit_callbacks
):
    workshop = plan(facilitator, place)
    register(workshop, email="a@exemple.fr")
    session = workshop.sessions.get()
    before = session.start - timedelta(hours=30)
    assert services.reminders_send_due(now=before) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.reminders_send_due(now=session.start - timedelta(hours=20)) == 1
        assert services.reminders_send_due(now=session.start - timedelta(hours=10)) == 0
    assert [m.to for m in mailoutbox] == [["a@exemple.fr"]]
    assert Reminder.objects.count() == 1


def test_attendance_is_marked_once_the_session_has_begun(facilitator, place):
    workshop = plan(facilitator, place)
    came, missed = register(workshop), register(workshop)
    session = workshop.sessions.get()
    with pytest.raises(ValidationError, match="une fois la séance commencée"):
        services.attendance_mark(user=facilitator, session=session, present=[came.pk])
    services.attendance_mark(
        user=facilitator, session=session, present=[came.pk], now=session.start
    )
    marks = dict(Attendance.objects.values_list("registration_id", "present"))
    assert marks == {came.pk: True, missed.pk: False}


def test_attendees_get_the_survey_after_the_last_session_and_answer_once(
    client, facilitator, place, mailoutbox, django_capture_on_commit_callbacks
):
    workshop = plan(facilitator, place)
    came, missed = register(workshop), register(workshop)
    session = workshop.sessions.get()
    services.attendance_mark(
        user=facilitator, session=session, present=[came.pk], now=session.start
    )
    # The workshop ends: move the clock past it.
    Workshop.objects.filter(pk=workshop.pk).update(ends_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.surveys_send_due() == 1
        assert services.surveys_send_due() == 0
    (message,) = mailoutbox
    assert message.to == [came.email]
    url = reverse("workshops:survey", args=[came.token])
    assert url in message.body
    response = client.post(url, {"overall": "5", "content": "4", "facilitation": "5"})
    assert response.status_code == 302
    assert came.survey.overall == 5
    again = client.post(url, {"overall": "1", "content": "1", "facilitation": "1"})
    came.survey.refresh_from_db()
    assert came.survey.overall == 5
    assert again.status_code == 200
    # Who did not come has no survey to answer.
    page = client.get(reverse("workshops:survey", args=[missed.token]))
    assert "<form" not in page.content.decode().split("<main", 1)[1]


def test_a_rating_out_of_range_is_refused(client, facilitator, place):
    workshop = make_workshop(place, starts=[timezone.now() - timedelta(days=2)])
    came = register(workshop)
    Attendance.objects.create(registration=came, session=workshop.sessions.get(), present=True)
    response = client.post(
        reverse("workshops:survey", args=[came.token]),
        {"overall": "9", "content": "4", "facilitation": "5"},
    )
    assert response.status_code == 400
    assert not hasattr(Registration.objects.get(pk=came.pk), "survey")


# --- Finding workshops ----------------------------------------------------------------------------


def test_the_workshop_list_filters_by_theme_level_free_and_seats(client, facilitator, place):
    free = plan(facilitator, place, title="Internet gratuit", theme="internet")
    paid = plan(
        facilitator,
        place,
        title="Photo payant",
        theme="photo_video",
        level="intermediate",
        fee_kind="paid",
        fee_amount=Decimal("8"),
        capacity=1,
    )
    register(paid)

    def titles(**query):
        response = client.get(reverse("workshops:list"), query)
        assert response.status_code == 200
        return {w.title for w in response.context["page_obj"].object_list}

    assert titles() == {free.title, paid.title}
    assert titles(theme="internet") == {free.title}
    assert titles(level="intermediate") == {paid.title}
    assert titles(free_only="on") == {free.title}
    assert titles(seats_left="on") == {free.title}


def test_the_workshop_list_finds_workshops_near_a_commune(
    client, facilitator, place, territory_subset
):
    call_command("load_territories", file=territory_subset, verbosity=0)
    far = PlaceFactory(nom="Loin", commune="Gourdon", latitude=44.737, longitude=1.383)
    near = plan(facilitator, place, title="Près")
    coordinator_user = coordinator()
    plan(coordinator_user, far, title="Loin")
    response = client.get(reverse("workshops:list"), {"q": "Montbéliard", "radius": "20"})
    found = response.context["page_obj"].object_list
    assert not response.context["not_found"]
    assert [w.title for w in found] == [near.title]
    assert found[0].distance_km is not None


def test_a_place_page_shows_its_next_workshops(client, facilitator, place):
    workshop = plan(facilitator, place, title="Démarches en ligne")
    response = client.get(place.get_absolute_url())
    assert workshop.title in response.content.decode()
    assert workshop.get_absolute_url() in response.content.decode()


def test_a_confirmation_queued_before_a_cancellation_is_not_sent(facilitator, place, mailoutbox):
    from calendars.tasks import send_participant_email

    workshop = plan(facilitator, place)
    registration = services.registration_create(
        workshop=workshop, name="A", email="a@exemple.fr", notify=False
    )
    services.registration_cancel(registration=registration)
    mailoutbox.clear()
    assert send_participant_email.call(registration_id=registration.pk, kind="confirmed") == (
        "skipped"
    )
    assert mailoutbox == []


def test_the_reminder_command_can_run_twice(facilitator, place, mailoutbox):
    workshop = plan(facilitator, place)
    register(workshop, email="a@exemple.fr")
    session = workshop.sessions.get()
    type(session).objects.filter(pk=session.pk).update(
        start=timezone.now() + timedelta(hours=3), end=timezone.now() + timedelta(hours=5)
    )
    call_command("send_workshop_reminders", stdout=io.StringIO())
    call_command("send_workshop_reminders", stdout=io.StringIO())
    assert Reminder.objects.count() == 1


def test_the_demo_adds_workshops_once_with_a_waiting_list(place):
    from calendars.demo import WORKSHOPS, load_calendars_demo
    from core.workspaces.services import network_workspace

    for id_schema in {w.place for w in WORKSHOPS}:
        PlaceFactory(id_schema=id_schema)
    people = {"coordinator": coordinator()}
    first = load_calendars_demo(people, network_workspace())
    again = load_calendars_demo(people, network_workspace())
    assert first == len(WORKSHOPS) and again == 0
    waiting = Registration.objects.filter(status=RegistrationStatus.WAITING)
    assert waiting.exists()
    assert Workshop.objects.filter(ends_at__lt=timezone.now()).exists()  # held, for figures


def test_workshop_sessions_are_logged_in_the_places_calendar_like_any_event(
    client, facilitator, place
):
    """Sessions are events of the place's calendar: adding, renaming, moving and cancelling
    them is in the calendar's log, with who did it."""
    from calendars.models import EventChange

    colleague = UserFactory(display_name="Jules")
    place.facilitators.add(colleague)
    workshop = plan(facilitator, place, count=3, title="Tablette pour débuter")
    services.workshop_update(user=colleague, workshop=workshop, title="Tablette : les bases")
    first, second, third = workshop.sessions.order_by("start")
    services.session_move(
        user=facilitator,
        session=first,
        start=first.start + timedelta(hours=1),
        end=first.end + timedelta(hours=1),
    )
    services.session_cancel(user=colleague, session=second)
    services.workshop_cancel(user=facilitator, workshop=workshop)

    log = list(EventChange.objects.filter(calendar=first.calendar).order_by("pk"))
    actions = [(c.action, c.actor, c.event_id) for c in log]
    assert actions[:3] == [("created", facilitator, s.pk) for s in (first, second, third)]
    assert actions[3:6] == [("updated", colleague, s.pk) for s in (first, second, third)]
    assert log[3].changes == {"title": ["Tablette pour débuter", "Tablette : les bases"]}
    assert actions[6] == ("updated", facilitator, first.pk)
    assert set(log[6].changes) == {"start", "end"}
    assert actions[7] == ("cancelled", colleague, second.pk)
    # Cancelling the workshop cancels what was left: the two other sessions, once each.
    assert sorted(actions[8:]) == sorted(
        [("cancelled", facilitator, first.pk), ("cancelled", facilitator, third.pk)]
    )

    client.force_login(facilitator)
    page = client.get(reverse("agenda:calendar_log", args=[first.calendar.pk]))
    assert page.status_code == 200
    assert "a annulé l’événement" in page.content.decode()


def test_every_demo_workshop_has_a_page_even_those_with_accents_in_their_title(client, place):
    """The demo's past workshops kept the accents of their titles in their address, which
    no link could be made to (migration 0003 repairs such addresses)."""
    from calendars.demo import WORKSHOPS, load_calendars_demo
    from core.workspaces.services import network_workspace

    for id_schema in {w.place for w in WORKSHOPS}:
        PlaceFactory(id_schema=id_schema)
    load_calendars_demo({"coordinator": coordinator()}, network_workspace())
    held = Workshop.objects.filter(ends_at__lt=timezone.now())
    assert held.exists()
    for workshop in Workshop.objects.all():
        assert client.get(workshop.get_absolute_url()).status_code == 200, workshop.slug


def test_public_registrations_are_rate_limited_per_address(client, facilitator, place, settings):
    cache.clear()
    settings.WORKSHOP_REGISTRATIONS_PER_HOUR = 2
    workshop = plan(facilitator, place)
    for n in range(2):
        response = client.post(workshop.get_absolute_url(), {"name": f"P{n}", "phone": f"0{n}"})
        assert response.status_code == 302
    response = client.post(workshop.get_absolute_url(), {"name": "P3", "phone": "03"})
    assert response.status_code == 400
    assert 'value="P3"' in response.content.decode()  # what was typed is kept
    assert workshop.registrations.count() == 2
    cache.clear()


@pytest.mark.parametrize(
    "kind",
    [
        "confirmed",
        "waiting",
        "promoted",
        "cancelled",
        "session_moved",
        "session_cancelled",
        "workshop_cancelled",
        "reminder",
        "survey",
    ],
)
def test_every_participant_email_reads_in_french_with_its_link(facilitator, place, kind, settings):
    from calendars.emails import participant_message

    workshop = plan(facilitator, place, title="Tablette")
    registration = register(workshop, name="Camille", email="camille@exemple.fr")
    session = workshop.sessions.get()
    message = participant_message(
        registration,
        kind,
        session=session,
        old_start=session.start.isoformat(),
        reason="Salle indisponible",
    )
    assert message.subject.startswith("[Maillage] ") and "Tablette" in message.subject
    assert message.body.startswith("Bonjour Camille")
    assert message.to == ["camille@exemple.fr"]
    if kind in ("cancelled", "workshop_cancelled"):
        assert f"{settings.SITE_URL}/ateliers/\n" in message.body  # other workshops
    else:
        link = "avis" if kind == "survey" else "inscription"
        assert f"/ateliers/{link}/{registration.token}/" in message.body


def test_structured_data_cannot_be_broken_out_of(client, facilitator, place):
    """A title that closes the script element stays data in the page's JSON-LD."""
    import json
    import re

    title = "</script><script>alert(1)</script>"
    workshop = plan(facilitator, place, title=title)
    html = client.get(workshop.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block)
    assert data["@type"] == "EducationEvent" and data["name"] == title
    assert data["offers"]["price"] == "0"


def test_a_promoted_person_without_email_is_phoned_by_the_place(
    client, facilitator, place, mailoutbox
):
    from core.notifications.models import Notification

    workshop = plan(facilitator, place, capacity=1)
    first = services.registration_create(workshop=workshop, name="A", email="a@exemple.fr")
    services.registration_create(workshop=workshop, name="Marcel", phone="0381000000")
    services.registration_cancel(registration=first)
    (notice,) = Notification.objects.filter(recipient=facilitator)
    client.force_login(facilitator)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "Marcel" in page and "0381000000" in page
    opened = client.post(reverse("notifications:open", args=[notice.pk]))
    assert opened["Location"].startswith(reverse("workshops_manage:workshop", args=[workshop.pk]))
    # Someone who no longer runs the place no longer sees the phone number.
    place.facilitators.remove(facilitator)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "0381000000" not in page
