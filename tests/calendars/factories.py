"""Workshops for tests, built straight with the ORM (services are tested on their own)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from calendars.models import Event, Registration, RegistrationStatus, Workshop
from calendars.services.calendars import calendar_for_place

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    """An aware datetime on the wall clock of Paris: paris(2027, 3, 1, 14, 0)."""
    return datetime(*args, tzinfo=PARIS)


def make_workshop(place, *, starts: list[datetime] | None = None, hours: float = 2, **fields):
    """A published workshop of `place` with one session per start (default: one, in a week)."""
    starts = starts or [datetime.now(PARIS).replace(microsecond=0) + timedelta(days=7)]
    n = Workshop.objects.count()
    fields.setdefault("title", f"Atelier {n}")
    fields.setdefault("slug", f"atelier-{n}-{place.pk}")
    fields.setdefault("theme", "internet")
    fields.setdefault("level", "beginner")
    fields.setdefault("capacity", 12)
    workshop = Workshop.objects.create(place=place, **fields)
    calendar = calendar_for_place(place)
    for start in starts:
        Event.objects.create(
            calendar=calendar,
            workshop=workshop,
            title=workshop.title,
            start=start,
            end=start + timedelta(hours=hours),
        )
    workshop.starts_at = min(starts)
    workshop.ends_at = max(starts) + timedelta(hours=hours)
    workshop.save(update_fields=["starts_at", "ends_at"])
    return workshop


def register(workshop, *, name="Camille Martin", email="", phone="", status=None):
    """A registration in the given status (confirmed by default)."""
    n = Registration.objects.count()
    if not email and not phone:
        email = f"participant{n}@exemple.fr"
    return Registration.objects.create(
        workshop=workshop,
        name=name,
        email=email,
        phone=phone,
        status=status or RegistrationStatus.CONFIRMED,
    )
