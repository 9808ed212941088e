"""Seats under pressure: many people registering at the same instant never overbook a
workshop. Runs on the embedded SQLite and, in CI's second pass, on PostgreSQL, where the
workshop row's lock is what serialises the registrations."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from calendars.models import RegistrationStatus
from calendars.services import workshops as services
from tests.calendars.factories import make_workshop
from tests.factories import PlaceFactory

PEOPLE = 100
SEATS = 12


@pytest.mark.django_db(transaction=True)
def test_100_simultaneous_registrations_for_12_seats_give_12_seats_and_88_waiting():
    workshop = make_workshop(PlaceFactory(), capacity=SEATS)
    workers = 20 if connection.vendor == "postgresql" else 8
    start = threading.Barrier(workers)

    def attempt(n: int) -> str:
        try:
            if n < workers:
                start.wait()  # the first wave leaves together
            registration = services.registration_create(
                workshop=workshop, name=f"Personne {n}", email=f"p{n}@exemple.fr"
            )
            return registration.status
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=workers) as pool:
        statuses = list(pool.map(attempt, range(PEOPLE)))

    assert statuses.count(RegistrationStatus.CONFIRMED) == SEATS
    assert statuses.count(RegistrationStatus.WAITING) == PEOPLE - SEATS
    rows = workshop.registrations
    assert rows.filter(status=RegistrationStatus.CONFIRMED).count() == SEATS
    assert rows.filter(status=RegistrationStatus.WAITING).count() == PEOPLE - SEATS

    # The first person waiting (the earliest registered) takes a freed seat.
    first_waiting = rows.filter(status=RegistrationStatus.WAITING).order_by("created_at", "pk")[0]
    services.registration_cancel(registration=rows.filter(status="confirmed").first())
    first_waiting.refresh_from_db()
    assert first_waiting.status == RegistrationStatus.CONFIRMED
    assert rows.filter(status=RegistrationStatus.CONFIRMED).count() == SEATS
