"""The facilitators' side of workshops: plan them, register people on their behalf, move or
cancel sessions, mark attendance. Everything is checked against the place: its
facilitators, the local administrators of its commune and the coordinator."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from calendars import selectors
from calendars.forms.workshops import (
    BehalfRegistrationForm,
    ReasonForm,
    SessionMoveForm,
    SessionsForm,
    WorkshopForm,
)
from calendars.models import Event, Registration, RegistrationStatus, Workshop
from calendars.permissions import workshops_managed_by
from calendars.services import workshops as services
from core.views import add_service_errors, get_object_or_deny
from geodirectory.models import Place
from geodirectory.permissions import places_editable_by


def _workshop(request, pk) -> Workshop:
    return get_object_or_deny(request, Workshop.objects.select_related("place"), "manage", pk=pk)


def _session(request, pk) -> Event:
    session = get_object_or_deny(
        request,
        Event.objects.select_related("workshop__place").filter(workshop__isnull=False),
        "view",
        pk=pk,
    )
    # Seeing a session is public; managing it is the place's business.
    _workshop(request, session.workshop_id)
    return session


def _back(workshop: Workshop) -> str:
    return reverse("workshops_manage:workshop", kwargs={"pk": workshop.pk})


@login_required
def index(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    past = request.GET.get("periode") == "passes"
    workshops = selectors.with_counts(workshops_managed_by(request.user)).select_related("place")
    if past:
        workshops = workshops.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    else:
        workshops = workshops.filter(ends_at__gt=now).order_by("starts_at", "pk")
    page = Paginator(workshops, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "calendars/workshops/manage_index.html",
        {
            "page_obj": page,
            "past": past,
            "places": places_editable_by(request.user).order_by("nom")[:200],
        },
    )


def workshop_create(request: HttpRequest, place_pk: int) -> HttpResponse:
    place = get_object_or_deny(request, Place, "edit", pk=place_pk)
    form = WorkshopForm(request.POST or None, prefix="workshop")
    sessions_form = SessionsForm(request.POST or None, prefix="sessions")
    if request.method == "POST":
        valid = form.is_valid() & sessions_form.is_valid()
        if valid:
            try:
                workshop = services.workshop_create(
                    user=request.user,
                    place=place,
                    sessions=sessions_form.sessions(),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                if hasattr(error, "error_dict") and "sessions" in error.error_dict:
                    for message in error.error_dict.pop("sessions"):
                        sessions_form.add_error(None, message)
                add_service_errors(form, error)
            else:
                messages.success(request, _("The workshop is planned."))
                return redirect(_back(workshop))
    return render(
        request,
        "calendars/workshops/workshop_form.html",
        {"form": form, "sessions_form": sessions_form, "place": place, "workshop": None},
        status=400 if request.method == "POST" else 200,
    )


def workshop_manage(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _workshop(request, pk)
    return _manage_page(request, workshop, BehalfRegistrationForm(prefix="behalf"))


def _manage_page(request, workshop: Workshop, behalf_form, status: int = 200) -> HttpResponse:
    registrations = list(selectors.registrations_of(workshop))
    by_status = {s: [r for r in registrations if r.status == s] for s in RegistrationStatus}
    return render(
        request,
        "calendars/workshops/manage_workshop.html",
        {
            "workshop": workshop,
            "place": workshop.place,
            "sessions": list(workshop.sessions.order_by("start")),
            "now": timezone.now(),
            "confirmed": by_status[RegistrationStatus.CONFIRMED],
            "waiting": by_status[RegistrationStatus.WAITING],
            "cancelled": by_status[RegistrationStatus.CANCELLED],
            "seats_left": services.seats_left(workshop),
            "behalf_form": behalf_form,
        },
        status=status,
    )


def workshop_edit(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _workshop(request, pk)
    form = WorkshopForm(request.POST or None, instance=workshop, prefix="workshop")
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.workshop_update(user=request.user, workshop=workshop, **changed)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The workshop is saved."))
            return redirect(_back(workshop))
    return render(
        request,
        "calendars/workshops/workshop_form.html",
        {"form": form, "sessions_form": None, "place": workshop.place, "workshop": workshop},
        status=400 if request.method == "POST" else 200,
    )


def workshop_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _workshop(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.workshop_cancel(
            user=request.user, workshop=workshop, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The workshop is cancelled; the participants are told."))
        return redirect(_back(workshop))
    return render(
        request,
        "calendars/workshops/confirm.html",
        {
            "workshop": workshop,
            "form": form,
            "title": _("Cancel the workshop"),
            "question": _(
                "Cancel every session of this workshop? Everyone registered is told by e-mail."
            ),
            "submit": _("Cancel the workshop"),
        },
    )


@require_POST
def register_on_behalf(request: HttpRequest, pk: int) -> HttpResponse:
    workshop = _workshop(request, pk)
    form = BehalfRegistrationForm(request.POST, prefix="behalf")
    if form.is_valid():
        try:
            registration = services.registration_create(
                workshop=workshop,
                registered_by=request.user,
                **{k: form.cleaned_data[k] for k in ("name", "email", "phone", "note")},
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if registration.status == RegistrationStatus.CONFIRMED:
                messages.success(request, _("%(name)s has a seat.") % {"name": registration.name})
            else:
                messages.info(
                    request,
                    _("The workshop is full: %(name)s is on the waiting list.")
                    % {"name": registration.name},
                )
            return redirect(_back(workshop) + "#inscrits")
    return _manage_page(request, workshop, form, status=400)


@require_POST
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_deny(
        request, Registration.objects.select_related("workshop__place"), "manage", pk=pk
    )
    services.registration_cancel(registration=registration, by=request.user)
    messages.success(
        request, _("The registration of %(name)s is cancelled.") % {"name": registration.name}
    )
    return redirect(_back(registration.workshop) + "#inscrits")


def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    workshop = session.workshop
    holders = list(
        workshop.registrations.filter(status=RegistrationStatus.CONFIRMED).order_by("name", "pk")
    )
    marks = {a.registration_id: a.present for a in session.attendances.all()}
    error = None
    if request.method == "POST":
        try:
            chosen = {int(v) for v in request.POST.getlist("present")}
        except ValueError:
            chosen = None
            error = _("The list of people present could not be read.")
        if chosen is not None:
            try:
                came = services.attendance_mark(user=request.user, session=session, present=chosen)
            except ValidationError as exc:
                error = " ".join(exc.messages)
            else:
                messages.success(
                    request,
                    _("Attendance saved: %(came)s present out of %(total)s.")
                    % {"came": came, "total": len(holders)},
                )
                return redirect(_back(workshop))
    return render(
        request,
        "calendars/workshops/attendance.html",
        {
            "session": session,
            "workshop": workshop,
            "holders": [(r, marks.get(r.pk)) for r in holders],
            "marked": bool(marks),
            "error": error,
            "not_yet": session.start > timezone.now(),
        },
        status=400 if error else 200,
    )


def session_move(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    local = timezone.localtime(session.start)
    form = SessionMoveForm(
        request.POST or None,
        initial={
            "date": local.date(),
            "start_time": local.time(),
            "end_time": timezone.localtime(session.end).time(),
        },
    )
    if request.method == "POST" and form.is_valid():
        start, end = form.times()
        try:
            services.session_move(
                user=request.user,
                session=session,
                start=start,
                end=end,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The session has moved; the participants are told."))
            return redirect(_back(session.workshop))
    return render(
        request,
        "calendars/workshops/session_move.html",
        {"session": session, "workshop": session.workshop, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def session_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.session_cancel(
            user=request.user, session=session, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The session is cancelled; the participants are told."))
        return redirect(_back(session.workshop))
    return render(
        request,
        "calendars/workshops/confirm.html",
        {
            "workshop": session.workshop,
            "session": session,
            "form": form,
            "title": _("Cancel a session"),
            "question": _("Cancel this session? Everyone registered is told by e-mail."),
            "submit": _("Cancel the session"),
        },
    )
