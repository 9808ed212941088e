"""The public's side of workshops: find one, register, cancel, answer the survey.

Participants have no account: their registration's secret token, in the link of every
e-mail, is their key. A token that matches nothing answers 404.
"""

from __future__ import annotations

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from calendars import selectors
from calendars.forms.workshops import RegistrationForm, SurveyForm, WorkshopFilterForm
from calendars.models import Registration, RegistrationStatus, Workshop
from calendars.services import workshops as services
from core.http_cache import public
from core.permissions import can
from core.proxies import rate_limit_key
from core.ratelimit import over_limit
from core.views import add_service_errors, get_object_or_deny
from geodirectory.geo import box_around, haversine_m
from geodirectory.geocoding import Located, alocate, locate, search_to_locate

PER_PAGE = 20


@public
@require_GET
async def workshop_list(request: HttpRequest) -> HttpResponse:
    # Located first, the national API awaited in the geocoder's pool (as the directory).
    query = search_to_locate(request.GET, WorkshopFilterForm)
    located = {query: await alocate(query)} if query else {}
    return await sync_to_async(workshop_list_page)(request, located)


def workshop_list_page(request: HttpRequest, known: dict[str, Located | None]) -> HttpResponse:
    form = WorkshopFilterForm(request.GET or None)
    workshops = selectors.upcoming_public_workshops(request.user)
    located = None
    not_found = False
    distances: dict[int, float] = {}
    if form.is_bound and not form.is_valid():
        workshops = workshops.none()
    elif form.is_bound:
        data = form.cleaned_data
        workshops = selectors.filter_workshops(
            workshops,
            theme=data["theme"],
            level=data["level"],
            day_from=data["day_from"],
            day_to=data["day_to"],
            free_only=data["free_only"],
            seats_left=data["seats_left"],
        )
        if data["q"]:
            found = known[data["q"]] if data["q"] in known else locate(data["q"])
            if found is None:
                not_found = True
                workshops = workshops.none()
            else:
                located = found
                radius_m = (data["radius"] or 20) * 1000
                box = box_around(found.latitude, found.longitude, radius_m)
                if box is not None:
                    workshops = workshops.filter(
                        place__latitude__gte=box.south,
                        place__latitude__lte=box.north,
                        place__longitude__gte=box.west,
                        place__longitude__lte=box.east,
                    )
                nearby = []
                for workshop in workshops:
                    p = workshop.place
                    d = haversine_m(found.latitude, found.longitude, p.latitude, p.longitude)
                    if d <= radius_m:
                        distances[workshop.pk] = d
                        nearby.append(workshop)
                # Soonest first, as without a place; the distance is shown on each.
                workshops = nearby
    page = Paginator(workshops, PER_PAGE).get_page(request.GET.get("page"))
    for workshop in page.object_list:
        d = distances.get(workshop.pk)
        workshop.distance_km = None if d is None else round(d / 1000, 1)
    return render(
        request,
        "calendars/workshops/workshop_list.html",
        {"form": form, "page_obj": page, "located": located, "not_found": not_found},
    )


@public
def workshop_detail(request: HttpRequest, slug: str) -> HttpResponse:
    workshop = get_object_or_deny(
        request,
        selectors.with_counts(Workshop.objects.select_related("place")).prefetch_related(
            selectors.live_sessions()
        ),
        slug=slug,
    )
    is_open = services.registration_is_open(workshop)
    form = RegistrationForm(request.POST or None)
    if request.method == "POST":
        if not is_open:
            messages.error(request, _("Registrations for this workshop are closed."))
            return redirect(workshop)
        if form.is_valid() and over_limit(
            "workshop-registration",
            rate_limit_key(request),
            limit=settings.WORKSHOP_REGISTRATIONS_PER_HOUR,
            window=3600,
        ):
            form.add_error(
                None,
                _(
                    "Many registrations came from your connection in the last hour: please "
                    "try again later, or register by phone with the place."
                ),
            )
        elif form.is_valid():
            try:
                registration = services.registration_create(
                    workshop=workshop,
                    name=form.cleaned_data["name"],
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if registration.status == RegistrationStatus.CONFIRMED:
                    messages.success(request, _("Your seat is booked."))
                else:
                    messages.info(
                        request,
                        _("The workshop is full: you are on the waiting list."),
                    )
                return redirect(registration)
    return render(
        request,
        "calendars/workshops/workshop_detail.html",
        {
            "workshop": workshop,
            "place": workshop.place,
            "form": form,
            "is_open": is_open,
            "seats_left": services.seats_left(workshop),
            "may_manage": can(request.user, "manage", workshop),
            "json_ld": _json_ld(request, workshop),
        },
        status=400 if request.method == "POST" else 200,
    )


def _json_ld(request: HttpRequest, workshop: Workshop) -> dict:
    """schema.org: one EducationEvent per workshop, with its sessions as sub-events."""
    place = workshop.place
    sessions = workshop.live_sessions
    offer = {"@type": "Offer", "url": settings.SITE_URL + workshop.get_absolute_url()}
    if workshop.fee_kind == "free":
        offer.update(price="0", priceCurrency="EUR")
    elif workshop.fee_amount is not None:
        offer.update(price=str(workshop.fee_amount), priceCurrency="EUR")
    offer["availability"] = (
        "https://schema.org/InStock" if workshop.seats_left else "https://schema.org/SoldOut"
    )
    data = {
        "@context": "https://schema.org",
        "@type": "EducationEvent",
        "name": workshop.title,
        "description": workshop.description,
        "eventStatus": "https://schema.org/EventCancelled"
        if workshop.is_cancelled
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "educationalLevel": workshop.get_level_display(),
        "maximumAttendeeCapacity": workshop.capacity,
        "location": {
            "@type": "Place",
            "name": place.nom,
            "address": {
                "@type": "PostalAddress",
                "streetAddress": place.adresse,
                "postalCode": place.code_postal,
                "addressLocality": place.commune,
                "addressCountry": "FR",
            },
        },
        "offers": offer,
    }
    if sessions:
        data["startDate"] = sessions[0].start.isoformat()
        data["endDate"] = sessions[-1].end.isoformat()
    if len(sessions) > 1:
        data["subEvent"] = [
            {
                "@type": "EducationEvent",
                "name": workshop.title,
                "startDate": s.start.isoformat(),
                "endDate": s.end.isoformat(),
            }
            for s in sessions
        ]
    return data


def _registration(token: str) -> Registration:
    registration = (
        Registration.objects.select_related("workshop__place").filter(token=token).first()
    )
    if registration is None:
        raise Http404
    return registration


def registration_detail(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    workshop = registration.workshop
    position = None
    if registration.status == RegistrationStatus.WAITING:
        position = (
            workshop.registrations.filter(
                status=RegistrationStatus.WAITING, created_at__lte=registration.created_at
            )
            .exclude(created_at=registration.created_at, pk__gt=registration.pk)
            .count()
        )
    if request.method == "POST":
        try:
            services.registration_cancel(registration=registration)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your registration is cancelled."))
        return redirect(registration)
    return render(
        request,
        "calendars/workshops/registration_detail.html",
        {
            "registration": registration,
            "workshop": workshop,
            "place": workshop.place,
            "sessions": workshop.sessions.filter(is_cancelled=False).order_by("start"),
            "position": position,
            "may_cancel": registration.is_active
            and (workshop.starts_at is None or workshop.starts_at > timezone.now()),
        },
    )


def survey(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    answered = hasattr(registration, "survey")
    is_open = services.survey_is_open(registration)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and is_open and not answered and form.is_valid():
        try:
            services.survey_submit(registration=registration, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thank you for your answers!"))
            return redirect("workshops:survey", token=token)
    return render(
        request,
        "calendars/workshops/survey.html",
        {
            "registration": registration,
            "workshop": registration.workshop,
            "form": form,
            "answered": answered,
            "is_open": is_open,
        },
        status=400 if request.method == "POST" and form.errors else 200,
    )
