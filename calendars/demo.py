"""The calendars' demo content: workshops and cycles in the demo network's places (some full,
with a waiting list), past workshops with attendance and surveys for the activity figures,
and a repeating meeting in the network's calendar. Idempotent: workshops are recognised by
place and title, events by calendar and title. Dates are relative to today, so the demo
always has upcoming workshops."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from calendars.models import (
    Attendance,
    Event,
    Registration,
    RegistrationStatus,
    SurveyResponse,
    Workshop,
)
from calendars.recurrence import on_paris_clock
from calendars.services.calendars import calendar_for_place, calendar_for_workspace
from calendars.services.workshops import SessionTimes, registration_create, workshop_create
from core.accounts.models import User
from core.workspaces.models import Workspace
from geodirectory.models import Place

FIRST_NAMES = [
    "Monique", "Gérard", "Fatima", "Jean-Pierre", "Yvette", "Karim", "Josiane", "Bernard",
    "Aïcha", "Michel", "Odette", "Rachid", "Colette", "Daniel", "Sylvie", "Mamadou", "Lucienne",
    "René", "Nicole", "Ahmed", "Denise", "Patrick", "Chantal", "Serge",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent", "Michel",
    "Garcia", "Roux", "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Chevalier",
]  # fmt: skip

COMMENTS = [
    "Très clair, j'ai enfin compris comment ranger mes photos.",
    "L'animatrice est patiente, on ose poser des questions.",
    "Un peu rapide pour moi sur la fin, mais les fiches aident.",
    "Je sais maintenant faire ma déclaration en ligne toute seule.",
    "Groupe sympathique, j'aimerais une suite en niveau intermédiaire.",
]


@dataclass
class DemoWorkshop:
    place: str  # the place's id_schema
    title: str
    theme: str
    level: str
    capacity: int
    description: str
    days_ahead: int  # first session, from today (negative: already held)
    hour: int
    sessions: int = 1
    hours: int = 2
    fee_kind: str = "free"
    fee_amount: str | None = None
    fee_conditions: str = ""
    registered: int = 0  # registrations to create (past capacity: a waiting list)


WORKSHOPS = [
    DemoWorkshop(
        "maillage-pma-petite-hollande",
        "Premiers pas sur ordinateur",
        "first_steps",
        "beginner",
        12,
        "Un cycle de cinq séances de deux heures pour apprivoiser la souris, le clavier, "
        "les fichiers et internet, à votre rythme, en groupe de douze au plus.",
        days_ahead=6,
        hour=14,
        sessions=5,
        fee_kind="paid",
        fee_amount="35",
        registered=15,
    ),
    DemoWorkshop(
        "maillage-pma-petite-hollande",
        "Smartphone Android : les bases",
        "smartphone",
        "beginner",
        8,
        "Appeler, photographier, installer une application et régler son téléphone sans "
        "crainte. Apportez votre smartphone chargé.",
        days_ahead=9,
        hour=9,
        registered=5,
    ),
    DemoWorkshop(
        "maillage-pma-centre",
        "Démarches en ligne : ANTS et impots.gouv",
        "online_procedures",
        "intermediate",
        10,
        "Créer son compte FranceConnect, demander une carte grise ou un titre d'identité, "
        "déclarer ses revenus : pas à pas, sur vos propres démarches.",
        days_ahead=4,
        hour=10,
        registered=7,
    ),
    DemoWorkshop(
        "maillage-lot-gourdon",
        "Créer son compte Ameli et suivre ses remboursements",
        "online_procedures",
        "beginner",
        6,
        "Avec l'espace France Services : votre compte Ameli, l'attestation de droits et le "
        "suivi des remboursements. Venez avec votre carte Vitale.",
        days_ahead=3,
        hour=14,
        registered=8,
    ),
    DemoWorkshop(
        "maillage-se-tarentaize",
        "LibreOffice Writer : courriers et CV",
        "office",
        "intermediate",
        10,
        "Trois séances pour mettre en page un courrier, un CV et les enregistrer en PDF avec "
        "un logiciel libre et gratuit.",
        days_ahead=8,
        hour=14,
        sessions=3,
        fee_kind="conditions",
        fee_conditions="Gratuit pour les demandeurs d'emploi, 5 € la séance sinon.",
        registered=4,
    ),
    DemoWorkshop(
        "maillage-meuse-bras",
        "Impression 3D : initiation",
        "making",
        "beginner",
        6,
        "Du modèle à l'objet : choisir un fichier, le préparer et lancer l'impression sur "
        "les machines du fablab.",
        days_ahead=2,
        hour=18,
        fee_kind="paid",
        fee_amount="8",
        fee_conditions="Adhésion annuelle au fablab : 30 €.",
        registered=6,
    ),
    DemoWorkshop(
        "maillage-meuse-bras",
        "Repair café : réparer plutôt que jeter",
        "making",
        "beginner",
        15,
        "Apportez un objet en panne (grille-pain, ordinateur, vélo) : on le répare ensemble.",
        days_ahead=5,
        hour=14,
        hours=3,
        registered=9,
    ),
    DemoWorkshop(
        "maillage-meuse-bras",
        "Scratch pour les 8-12 ans",
        "making",
        "beginner",
        8,
        "Programmer un petit jeu avec Scratch, pendant les vacances.",
        days_ahead=12,
        hour=10,
        fee_kind="paid",
        fee_amount="8",
        fee_conditions="Adhésion annuelle au fablab : 30 €.",
        registered=2,
    ),
    # Held already: attendance and surveys feed the activity figures.
    DemoWorkshop(
        "maillage-pma-petite-hollande",
        "Ranger et partager ses photos",
        "photo_video",
        "beginner",
        12,
        "Transférer ses photos du téléphone à l'ordinateur, les classer et les partager.",
        days_ahead=-40,
        hour=14,
        sessions=5,
        fee_kind="paid",
        fee_amount="35",
        registered=12,
    ),
    DemoWorkshop(
        "maillage-lot-gourdon",
        "Se protéger des arnaques en ligne",
        "security",
        "beginner",
        8,
        "Reconnaître un faux SMS, un faux site, protéger ses mots de passe.",
        days_ahead=-20,
        hour=10,
        registered=7,
    ),
    DemoWorkshop(
        "maillage-se-tarentaize",
        "Chercher un emploi en ligne",
        "employment",
        "intermediate",
        10,
        "France Travail, candidatures en ligne, alertes : s'organiser pour chercher.",
        days_ahead=-12,
        hour=9,
        sessions=2,
        registered=9,
    ),
]


def _at(days: int, hour: int) -> datetime:
    return on_paris_clock(datetime.combine(timezone.localdate() + timedelta(days=days), time(hour)))


def _person(rng: random.Random, n: int) -> tuple[str, str, str]:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    # One in three has no e-mail: registered by phone, as town halls do.
    if n % 3 == 2:
        return f"{first} {last}", "", f"03{rng.randint(10000000, 99999999)}"
    email = f"{first}.{last}.{n}@exemple.localhost".lower().replace("ï", "i").replace("é", "e")
    return f"{first} {last}", email, ""


def _sessions(spec: DemoWorkshop) -> list[SessionTimes]:
    first = _at(spec.days_ahead, spec.hour)
    return [
        SessionTimes(first + timedelta(weeks=n), first + timedelta(weeks=n, hours=spec.hours))
        for n in range(spec.sessions)
    ]


def _past_workshop(spec: DemoWorkshop, place: Place, author: User, rng: random.Random) -> None:
    """A workshop already held: built directly, since the services refuse the past."""
    workshop = Workshop.objects.create(
        place=place,
        slug=slugify(f"{place.slug} {spec.title}")[:200],
        title=spec.title,
        description=spec.description,
        theme=spec.theme,
        level=spec.level,
        capacity=spec.capacity,
        fee_kind=spec.fee_kind,
        fee_amount=Decimal(spec.fee_amount) if spec.fee_amount else None,
        fee_conditions=spec.fee_conditions,
        created_by=author,
    )
    calendar = calendar_for_place(place)
    sessions = [
        Event.objects.create(
            calendar=calendar, workshop=workshop, title=spec.title, start=s.start, end=s.end
        )
        for s in _sessions(spec)
    ]
    workshop.starts_at, workshop.ends_at = sessions[0].start, sessions[-1].end
    workshop.surveys_sent_at = workshop.ends_at
    workshop.save(update_fields=["starts_at", "ends_at", "surveys_sent_at"])
    for n in range(spec.registered):
        name, email, phone = _person(rng, n)
        registration = Registration.objects.create(
            workshop=workshop,
            name=name,
            email=email,
            phone=phone,
            status=RegistrationStatus.CONFIRMED,
            confirmed_at=sessions[0].start - timedelta(days=10),
            registered_by=author if not email else None,
        )
        came_any = False
        for session in sessions:
            present = rng.random() < 0.85
            came_any |= present
            Attendance.objects.create(
                registration=registration, session=session, present=present, marked_by=author
            )
        if came_any and email and rng.random() < 0.7:
            SurveyResponse.objects.create(
                registration=registration,
                overall=rng.choice([4, 5, 5, 5, 3]),
                content=rng.choice([3, 4, 4, 5, 5]),
                facilitation=rng.choice([4, 5, 5]),
                comment=rng.choice(COMMENTS) if rng.random() < 0.5 else "",
            )


@transaction.atomic
def load_calendars_demo(people: dict[str, User], network: Workspace) -> int:
    """Add the demo workshops that are missing; returns how many were added."""
    rng = random.Random(2026)  # noqa: S311 - invented participants, the same on every machine
    places = {p.id_schema: p for p in Place.objects.filter(id_schema__startswith="maillage-")}
    coordinator = people["coordinator"]
    added = 0
    for spec in WORKSHOPS:
        place = places.get(spec.place)
        if place is None or Workshop.objects.filter(place=place, title=spec.title).exists():
            continue
        author = place.facilitators.first() or coordinator
        if spec.days_ahead < 0:
            _past_workshop(spec, place, author, rng)
        else:
            workshop = workshop_create(
                user=author,
                place=place,
                title=spec.title,
                theme=spec.theme,
                level=spec.level,
                capacity=spec.capacity,
                sessions=_sessions(spec),
                description=spec.description,
                fee_kind=spec.fee_kind,
                fee_amount=Decimal(spec.fee_amount) if spec.fee_amount else None,
                fee_conditions=spec.fee_conditions,
            )
            for n in range(spec.registered):
                name, email, phone = _person(rng, n)
                registration_create(
                    workshop=workshop,
                    name=name,
                    email=email,
                    phone=phone,
                    registered_by=author if not email else None,
                    notify=False,
                )
        added += 1
    calendar = calendar_for_workspace(network)
    if not calendar.events.filter(title="Réunion mensuelle des animateurs").exists():
        start = _at(10, 9)
        Event.objects.create(
            calendar=calendar,
            title="Réunion mensuelle des animateurs",
            description="Tour de table des lieux, actualités du réseau, planning des ateliers.",
            start=start,
            end=start + timedelta(hours=2),
            online_url="https://visio.exemple.localhost/maillage",
            repeat_every_weeks=4,
            created_by=coordinator,
        )
    return added
