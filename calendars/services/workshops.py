"""Workshops, their sessions, registrations, waiting lists, attendance, reminders and surveys.

Seats: every change to who holds a seat (register, cancel, change the capacity) first locks
the workshop's row (`select_for_update`), so registrations of one workshop are serialised and
the capacity is never exceeded, whatever arrives at once. On SQLite the whole database is
locked at BEGIN (`transaction_mode = IMMEDIATE` in settings), which serialises them too.

E-mails to participants are scheduled after commit through the task system
(`calendars.tasks.send_participant_email`), with ids only.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from calendars.models import (
    Attendance,
    Event,
    EventChange,
    FeeKind,
    Registration,
    RegistrationStatus,
    Reminder,
    SurveyResponse,
    Workshop,
)
from calendars.notifications import Verb
from calendars.services.calendars import calendar_for_place
from calendars.services.events import changes_since, log_change, snapshot
from core.accounts.models import User
from core.activity.services import activity_record
from core.http_cache import purge_on_commit
from core.notifications.services import notifications_create
from core.permissions import require
from geodirectory.models import Place

# A reminder goes out this long before each session.
REMINDER_AHEAD = timedelta(hours=24)
MAX_SESSIONS = 30
# What planning a workshop sets and editing it may change (its sessions apart).
WORKSHOP_FIELDS = (
    "title",
    "description",
    "theme",
    "level",
    "capacity",
    "fee_kind",
    "fee_amount",
    "fee_conditions",
    "is_published",
)


@dataclass(frozen=True)
class SessionTimes:
    start: datetime
    end: datetime


def _email_on_commit(registration_id: int, kind: str, **extra) -> None:
    from calendars.tasks import send_participant_email

    transaction.on_commit(
        lambda: send_participant_email.enqueue(registration_id=registration_id, kind=kind, **extra),
        robust=True,
    )


# --- Workshops and sessions ---------------------------------------------------------------------


def _check_sessions(sessions: Sequence[SessionTimes], *, now: datetime) -> list[SessionTimes]:
    if not sessions:
        raise ValidationError({"sessions": _("A workshop has at least one session.")})
    if len(sessions) > MAX_SESSIONS:
        raise ValidationError(
            {"sessions": _("A workshop has at most %(max)s sessions.") % {"max": MAX_SESSIONS}}
        )
    ordered = sorted(sessions, key=lambda s: s.start)
    errors = []
    for number, session in enumerate(ordered, start=1):
        if session.end <= session.start:
            errors.append(_("Session %(number)s ends before it starts.") % {"number": number})
        elif session.start < now:
            errors.append(_("Session %(number)s is in the past.") % {"number": number})
        elif session.end - session.start > timedelta(hours=12):
            errors.append(_("Session %(number)s lasts more than 12 hours.") % {"number": number})
    for previous, current in itertools.pairwise(ordered):
        if current.start < previous.end:
            errors.append(_("Two sessions overlap: give each its own time."))
            break
    if errors:
        raise ValidationError({"sessions": errors})
    return ordered


def _check_fee(fee_kind: str, fee_amount: Decimal | None, fee_conditions: str) -> None:
    if fee_kind == FeeKind.PAID and fee_amount is None:
        raise ValidationError({"fee_amount": _("Give the price of a paid workshop.")})
    if fee_kind == FeeKind.CONDITIONS and not fee_conditions.strip():
        raise ValidationError({"fee_conditions": _("Say on what conditions it is free or paid.")})


def _unique_slug(title: str, start: datetime) -> str:
    base = slugify(f"{title} {timezone.localtime(start):%Y-%m-%d}")[:200] or "atelier"
    slug, n = base, 2
    while Workshop.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _public_pages_changed(workshop: Workshop) -> None:
    """Purge, after commit, what shared caches may keep that shows this workshop, its dates
    or its seats left: its page, the list of workshops, and its place's page."""
    purge_on_commit(
        lambda: [
            workshop.get_absolute_url(),
            reverse("workshops:list"),
            workshop.place.get_absolute_url(),
        ]
    )


def _refresh_dates(workshop: Workshop) -> None:
    live = workshop.sessions.filter(is_cancelled=False).order_by("start")
    first, last = live.first(), live.order_by("-end").first()
    workshop.starts_at = first.start if first else None
    workshop.ends_at = last.end if last else None
    workshop.save(update_fields=["starts_at", "ends_at", "updated_at"])


@transaction.atomic
def workshop_create(
    *,
    user: User,
    place: Place,
    title: str,
    theme: str,
    level: str,
    capacity: int,
    sessions: Sequence[SessionTimes],
    description: str = "",
    fee_kind: str = FeeKind.FREE,
    fee_amount: Decimal | None = None,
    fee_conditions: str = "",
    is_published: bool = True,
) -> Workshop:
    """A workshop of `place` with its sessions (several: a cycle taken together)."""
    require(user, "edit", place)
    now = timezone.now()
    ordered = _check_sessions(sessions, now=now)
    _check_fee(fee_kind, fee_amount, fee_conditions)
    workshop = Workshop(
        place=place,
        slug=_unique_slug(title, ordered[0].start),
        title=title,
        description=description,
        theme=theme,
        level=level,
        capacity=capacity,
        fee_kind=fee_kind,
        fee_amount=fee_amount if fee_kind == FeeKind.PAID else None,
        fee_conditions=fee_conditions,
        is_published=is_published,
        created_by=user,
    )
    workshop.full_clean()
    workshop.save()
    calendar = calendar_for_place(place)
    for session in ordered:
        event = Event(
            calendar=calendar,
            workshop=workshop,
            title=title,
            start=session.start,
            end=session.end,
            location=f"{place.nom}, {place.adresse}, {place.code_postal} {place.commune}"[:255],
            created_by=user,
        )
        event.full_clean()
        event.save()
        log_change(actor=user, event=event, action=EventChange.Action.CREATED)
    _refresh_dates(workshop)
    _public_pages_changed(workshop)
    if workshop.is_published:
        activity_record(
            kind="calendars.workshop",
            actor=user,
            subject=workshop,
            title=workshop.title,
            url=workshop.get_absolute_url(),
            place_id=place.pk,
        )
    return workshop


@transaction.atomic
def workshop_update(*, user: User, workshop: Workshop, **fields) -> Workshop:
    """Change what a workshop is; more seats promote the waiting list, fewer than those
    already given are refused (cancel registrations first: nobody loses a seat silently)."""
    require(user, "manage", workshop)
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    unknown = set(fields) - set(WORKSHOP_FIELDS)
    if unknown:
        raise TypeError(f"Unknown workshop fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(workshop, name, value)
    if workshop.fee_kind != FeeKind.PAID:
        workshop.fee_amount = None
    _check_fee(workshop.fee_kind, workshop.fee_amount, workshop.fee_conditions)
    confirmed = workshop.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    if workshop.capacity is not None and workshop.capacity < confirmed:
        raise ValidationError(
            {
                "capacity": ngettext(
                    "%(count)s person already has a seat: cancel registrations before "
                    "lowering the capacity below that.",
                    "%(count)s people already have a seat: cancel registrations before "
                    "lowering the capacity below that.",
                    confirmed,
                )
                % {"count": confirmed}
            }
        )
    old_title = Workshop.objects.values_list("title", flat=True).get(pk=workshop.pk)
    workshop.full_clean()
    workshop.save()
    if workshop.title != old_title:
        workshop.sessions.update(title=workshop.title, sequence=F("sequence") + 1)
        for session in workshop.sessions.all():
            log_change(
                actor=user,
                event=session,
                action=EventChange.Action.UPDATED,
                changes={"title": [old_title, workshop.title]},
            )
    _promote_waiting(workshop)
    _public_pages_changed(workshop)
    return workshop


@transaction.atomic
def workshop_cancel(*, user: User, workshop: Workshop, reason: str = "") -> Workshop:
    """Cancel the whole workshop; everyone registered is told."""
    require(user, "manage", workshop)
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    if workshop.is_cancelled:
        return workshop
    workshop.is_cancelled = True
    workshop.save(update_fields=["is_cancelled", "updated_at"])
    for session in workshop.sessions.filter(is_cancelled=False):
        log_change(actor=user, event=session, action=EventChange.Action.CANCELLED)
    workshop.sessions.update(is_cancelled=True, sequence=F("sequence") + 1)
    for registration in workshop.registrations.filter(status__in=_active()):
        _email_on_commit(registration.pk, "workshop_cancelled", reason=reason)
    _public_pages_changed(workshop)
    return workshop


@transaction.atomic
def session_move(
    *, user: User, session: Event, start: datetime, end: datetime, reason: str = ""
) -> Event:
    """Give a session a new time; its registrants are told."""
    workshop = session.workshop
    require(user, "manage", workshop)
    if session.is_cancelled:
        raise ValidationError(_("This session is cancelled."))
    _check_sessions([SessionTimes(start, end)], now=timezone.now())
    clash = (
        workshop.sessions.filter(is_cancelled=False, start__lt=end, end__gt=start)
        .exclude(pk=session.pk)
        .exists()
    )
    if clash:
        raise ValidationError(_("Another session of this workshop is at that time."))
    old_start = session.start
    before = snapshot(session)
    session.start, session.end = start, end
    session.sequence += 1
    session.full_clean()
    session.save()
    log_change(
        actor=user,
        event=session,
        action=EventChange.Action.UPDATED,
        changes=changes_since(before, session),
    )
    _refresh_dates(workshop)
    for registration in workshop.registrations.filter(status__in=_active()):
        _email_on_commit(
            registration.pk,
            "session_moved",
            session_id=session.pk,
            old_start=old_start.isoformat(),
            reason=reason,
        )
    _public_pages_changed(workshop)
    return session


@transaction.atomic
def session_cancel(*, user: User, session: Event, reason: str = "") -> Event:
    """Cancel one session; its registrants are told. The last one left cancels the workshop."""
    workshop = session.workshop
    require(user, "manage", workshop)
    if session.is_cancelled:
        return session
    if not workshop.sessions.filter(is_cancelled=False).exclude(pk=session.pk).exists():
        workshop_cancel(user=user, workshop=workshop, reason=reason)
        session.refresh_from_db()
        return session
    session.is_cancelled = True
    session.sequence += 1
    session.save(update_fields=["is_cancelled", "sequence", "updated_at"])
    log_change(actor=user, event=session, action=EventChange.Action.CANCELLED)
    _refresh_dates(workshop)
    for registration in workshop.registrations.filter(status__in=_active()):
        _email_on_commit(registration.pk, "session_cancelled", session_id=session.pk, reason=reason)
    _public_pages_changed(workshop)
    return session


# --- Registrations ------------------------------------------------------------------------------


def _active() -> list[str]:
    return [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]


def registration_is_open(workshop: Workshop, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        workshop.is_published
        and not workshop.is_cancelled
        and workshop.starts_at is not None
        and workshop.starts_at > now
    )


def seats_left(workshop: Workshop) -> int:
    return workshop.seats_left


def registration_create(
    *,
    workshop: Workshop,
    name: str,
    email: str = "",
    phone: str = "",
    note: str = "",
    registered_by: User | None = None,
    notify: bool = True,
) -> Registration:
    """A seat if one is left, else a place on the waiting list.

    The public registers itself; a facilitator may register someone on their behalf
    (`registered_by`), also after registrations have closed for the public. `notify=False`
    sends no confirmation (the demo's invented participants).
    """
    name, email, phone = name.strip(), email.strip().lower(), "".join(phone.split())
    if registered_by is not None:
        require(registered_by, "manage", workshop)
    errors = {}
    if not name:
        errors["name"] = _("Give a name.")
    if not email and not phone:
        errors["email"] = _("Give an e-mail address or a phone number, so we can reach you.")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
            if registered_by is None and not registration_is_open(locked):
                raise ValidationError(_("Registrations for this workshop are closed."))
            if locked.is_cancelled:
                raise ValidationError(_("This workshop is cancelled."))
            if email and locked.registrations.filter(email=email, status__in=_active()).exists():
                raise ValidationError({"email": _("This e-mail address is already registered.")})
            taken = locked.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
            now = timezone.now()
            seat = taken < locked.capacity
            registration = Registration(
                workshop=locked,
                name=name,
                email=email,
                phone=phone,
                note=note,
                registered_by=registered_by,
                status=RegistrationStatus.CONFIRMED if seat else RegistrationStatus.WAITING,
                confirmed_at=now if seat else None,
            )
            registration.full_clean()
            registration.save()
            if email and notify:
                _email_on_commit(registration.pk, "confirmed" if seat else "waiting")
            _public_pages_changed(locked)
    except IntegrityError as error:
        # The partial unique index caught a double submission that raced past the check.
        raise ValidationError({"email": _("This e-mail address is already registered.")}) from error
    return registration


def _promote_waiting(workshop: Workshop) -> list[Registration]:
    """Give freed seats to the first in line (the caller holds the workshop's lock)."""
    taken = workshop.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    free = workshop.capacity - taken
    if free <= 0 or workshop.is_cancelled:
        return []
    promoted = list(
        workshop.registrations.filter(status=RegistrationStatus.WAITING).order_by(
            "created_at", "pk"
        )[:free]
    )
    now = timezone.now()
    team = None
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
        registration.save(update_fields=["status", "confirmed_at"])
        if registration.email:
            _email_on_commit(registration.pk, "promoted")
        else:
            # No e-mail to tell them: the place's team is asked to phone.
            team = list(workshop.place.facilitators.all()) if team is None else team
            notifications_create(
                recipients=team,
                verb=Verb.WORKSHOP_CALL_PROMOTED,
                # Seen only while one may manage the registration (it holds a phone number).
                target=registration,
                data={
                    "target": workshop.title,
                    "name": registration.name,
                    "phone": registration.phone,
                },
            )
    return promoted


@transaction.atomic
def registration_cancel(*, registration: Registration, by: User | None = None) -> Registration:
    """Cancel a registration (the participant from their link, or a facilitator); a freed
    seat goes to the first person waiting, who is told."""
    if by is not None:
        require(by, "manage", registration.workshop)
    workshop = Workshop.objects.select_for_update().get(pk=registration.workshop_id)
    registration = Registration.objects.get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        return registration
    if by is None and workshop.starts_at is not None and workshop.starts_at <= timezone.now():
        raise ValidationError(
            _("The workshop has begun: please tell the place if you cannot come.")
        )
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    if registration.email:
        _email_on_commit(registration.pk, "cancelled")
    _promote_waiting(workshop)
    _public_pages_changed(workshop)
    return registration


# --- Attendance -----------------------------------------------------------------------------------


@transaction.atomic
def attendance_mark(
    *, user: User, session: Event, present: Iterable[int], now: datetime | None = None
) -> int:
    """Record who came to `session`: the ids in `present` came, the other seat-holders did
    not. Returns how many came."""
    workshop = session.workshop
    require(user, "manage", workshop)
    now = now or timezone.now()
    if session.is_cancelled:
        raise ValidationError(_("This session is cancelled."))
    if session.start > now:
        raise ValidationError(_("Attendance can be marked once the session has begun."))
    present = set(present)
    holders = list(workshop.registrations.filter(status=RegistrationStatus.CONFIRMED))
    unknown = present - {r.pk for r in holders}
    if unknown:
        raise ValidationError(_("Some of the people marked present have no seat."))
    existing = {a.registration_id: a for a in session.attendances.all()}
    created, updated = [], []
    for registration in holders:
        came = registration.pk in present
        attendance = existing.get(registration.pk)
        if attendance is None:
            created.append(
                Attendance(registration=registration, session=session, present=came, marked_by=user)
            )
        elif attendance.present != came:
            attendance.present, attendance.marked_by, attendance.marked_at = came, user, now
            updated.append(attendance)
    Attendance.objects.bulk_create(created)
    Attendance.objects.bulk_update(updated, ["present", "marked_by", "marked_at"])
    return len(present)


# --- Reminders and surveys ------------------------------------------------------------------------


def reminders_send_due(*, now: datetime | None = None, ahead: timedelta = REMINDER_AHEAD) -> int:
    """Queue a reminder for each seat-holder of each session starting within `ahead`.

    A reminder is stored before it is queued, keyed by the session's start: running this
    twice sends nothing twice; a session moved later gets a new reminder at its new time.
    """
    now = now or timezone.now()
    sessions = Event.objects.filter(
        workshop__isnull=False,
        workshop__is_cancelled=False,
        is_cancelled=False,
        start__gt=now,
        start__lte=now + ahead,
    ).select_related("workshop")
    queued = 0
    for session in sessions:
        already = Reminder.objects.filter(
            registration=OuterRef("pk"), session=session, session_start=session.start
        )
        due = session.workshop.registrations.filter(
            status=RegistrationStatus.CONFIRMED, email__gt=""
        ).filter(~Exists(already))
        for registration in due:
            with transaction.atomic():
                _reminder, created = Reminder.objects.get_or_create(
                    registration=registration, session=session, session_start=session.start
                )
                if created:
                    _email_on_commit(registration.pk, "reminder", session_id=session.pk)
                    queued += 1
    return queued


def survey_recipients(workshop: Workshop) -> Iterable[Registration]:
    """Who answers the survey: seat-holders who came at least once and have an e-mail."""
    came = Attendance.objects.filter(registration=OuterRef("pk"), present=True)
    return workshop.registrations.filter(status=RegistrationStatus.CONFIRMED).filter(Exists(came))


def surveys_send_due(*, now: datetime | None = None) -> int:
    """After a workshop's last session, invite its attendees to the satisfaction survey."""
    now = now or timezone.now()
    due = Workshop.objects.filter(
        is_cancelled=False, ends_at__lte=now, surveys_sent_at__isnull=True
    )
    queued = 0
    for workshop in due:
        with transaction.atomic():
            claimed = Workshop.objects.filter(pk=workshop.pk, surveys_sent_at__isnull=True).update(
                surveys_sent_at=now
            )
            if not claimed:
                continue  # another run took it
            recipients = survey_recipients(workshop).filter(
                survey_sent_at__isnull=True, email__gt=""
            )
            for registration in recipients:
                registration.survey_sent_at = now
                registration.save(update_fields=["survey_sent_at"])
                _email_on_commit(registration.pk, "survey")
                queued += 1
    return queued


def survey_is_open(registration: Registration, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    workshop = registration.workshop
    return (
        workshop.ends_at is not None
        and workshop.ends_at <= now
        and not workshop.is_cancelled
        and survey_recipients(workshop).filter(pk=registration.pk).exists()
    )


def survey_submit(
    *, registration: Registration, overall: int, content: int, facilitation: int, comment: str = ""
) -> SurveyResponse:
    if not survey_is_open(registration):
        raise ValidationError(_("This survey is open to attendees once the workshop has ended."))
    if SurveyResponse.objects.filter(registration=registration).exists():
        raise ValidationError(_("You have already answered: thank you!"))
    response = SurveyResponse(
        registration=registration,
        overall=overall,
        content=content,
        facilitation=facilitation,
        comment=comment.strip(),
    )
    response.full_clean()
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError as error:
        raise ValidationError(_("You have already answered: thank you!")) from error
    return response
