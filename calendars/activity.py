"""Activity figures for funders, and survey results: reads over workshops, sessions,
registrations, attendance marks and surveys.

Definitions, for a scope (a place, a territory and everything inside it, or the whole
network) and a period of dates [start, end] on the wall clock of Europe/Paris:

- A workshop is *held* in the period when it is not cancelled and has at least one
  non-cancelled session starting in the period. Only held workshops count, and of them only
  their non-cancelled sessions starting in the period.
- Seats offered: the sum of their capacities. People registered: their confirmed
  registrations (waiting list and cancelled ones are not counted).
- Attendance rate: present marks ÷ (confirmed registrations × sessions already over), on the
  sessions of the period that have ended; marks of registrations no longer confirmed are left
  out of both sides. None when there is nothing to measure yet.
- Hours of training delivered: Σ over the period's sessions of the people marked present
  × the session's length in hours (everyone marked present: they were trained).
- Satisfaction: survey answers of the held workshops (averages and number of answers).

A month of the month-by-month series counts the workshops with a session starting that month,
so a cycle spanning two months counts in both: the months do not add up to the period's total.

Every report takes a bounded number of queries whatever the number of workshops; durations
are worked out in Python per session row, so nothing depends on the database's date functions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from calendars.models import Event, RegistrationStatus, SurveyResponse, Workshop
from calendars.permissions import places_with_activity_for
from core.permissions import administered_territories, can, is_coordinator
from core.territories.models import Territory, TerritoryKind
from geodirectory.models import Place

PARIS = ZoneInfo("Europe/Paris")
CONFIRMED = RegistrationStatus.CONFIRMED

# Widest first: the order of territories in the scope list, and the default scope.
KIND_RANK = {
    TerritoryKind.REGION: 0,
    TerritoryKind.DEPARTEMENT: 1,
    TerritoryKind.EPCI: 2,
    TerritoryKind.COMMUNE: 3,
}


# --- Scope and period ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What the figures cover: one place, one territory (and below), or the whole network."""

    kind: str  # "place", "territory" or "network"
    place: Place | None = None
    territory: Territory | None = None

    PLACE = "place"
    TERRITORY = "territory"
    NETWORK = "network"

    @property
    def key(self) -> str:
        """Its value in a query string: `place-12`, `territory-5`, `network`."""
        if self.kind == self.PLACE:
            return f"place-{self.place.pk}"
        if self.kind == self.TERRITORY:
            return f"territory-{self.territory.pk}"
        return self.NETWORK

    @property
    def label(self) -> str:
        if self.kind == self.PLACE:
            return self.place.nom
        if self.kind == self.TERRITORY:
            return self.territory.label
        return _("The whole network")

    @property
    def has_places(self) -> bool:
        """Whether the scope holds several places (and so a table per place)."""
        return self.kind != self.PLACE

    def workshop_filter(self) -> Q:
        if self.kind == self.PLACE:
            return Q(place=self.place)
        if self.kind == self.TERRITORY:
            return self.territory.scope_q("place__territory__")
        return Q()


@dataclass(frozen=True)
class Period:
    """Dates from `start` to `end`, both included, on the wall clock of Paris."""

    start: date
    end: date

    @property
    def lower(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=PARIS)

    @property
    def upper(self) -> datetime:
        """The first instant after the period."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=PARIS)

    def months(self) -> list[date]:
        """The first day of each month the period touches."""
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + timedelta(days=32)).replace(day=1)
        return months


def last_twelve_months(today: date | None = None) -> Period:
    """The default period: the eleven whole months before this one, and this one so far."""
    today = today or timezone.localdate(timezone=PARIS)
    year, month = today.year, today.month - 11
    if month < 1:
        year, month = year - 1, month + 12
    return Period(date(year, month, 1), today)


def _territory_sort_key(territory: Territory):
    return (KIND_RANK.get(territory.kind, 9), territory.name)


def scope_choices(user) -> list[Scope]:
    """The scopes `user` may pick, widest first: the network (coordinator), territories
    (those they administer; for the coordinator the régions and départements that have
    places), then places."""
    scopes: list[Scope] = []
    if is_coordinator(user):
        scopes.append(Scope(Scope.NETWORK))
        with_places = Place.objects.filter(territory__isnull=False)
        territories = list(
            Territory.objects.filter(
                Q(kind=TerritoryKind.REGION, code__in=with_places.values("territory__region_code"))
                | Q(
                    kind=TerritoryKind.DEPARTEMENT,
                    code__in=with_places.values("territory__departement_code"),
                )
            )
        )
    else:
        territories = list(administered_territories(user))
    for territory in sorted(territories, key=_territory_sort_key):
        scopes.append(Scope(Scope.TERRITORY, territory=territory))
    places = places_with_activity_for(user).select_related("territory").order_by("nom", "pk")
    scopes.extend(Scope(Scope.PLACE, place=place) for place in places)
    return scopes


def resolve_scope(user, key: str) -> Scope | None:
    """The scope a query-string value names, if it exists and `user` may see its figures."""
    if key == Scope.NETWORK:
        return Scope(Scope.NETWORK) if can(user, "view_network_activity") else None
    kind, _sep, pk = key.partition("-")
    if not pk.isdigit():
        return None
    if kind == Scope.PLACE:
        place = Place.objects.select_related("territory").filter(pk=pk).first()
        if place is not None and can(user, "view_activity", place):
            return Scope(Scope.PLACE, place=place)
    elif kind == Scope.TERRITORY:
        territory = Territory.objects.filter(pk=pk).first()
        if territory is not None and can(user, "view_activity", territory):
            return Scope(Scope.TERRITORY, territory=territory)
    return None


# --- Figures ------------------------------------------------------------------------------------


@dataclass
class Figures:
    """Sums that add up across workshops, places and months; rates and averages derive."""

    workshops: int = 0
    sessions: int = 0
    seats: int = 0
    registered: int = 0
    present_marks: int = 0  # of confirmed registrations, on sessions already over
    expected_marks: int = 0  # confirmed registrations × sessions already over
    hours: float = 0.0
    survey_count: int = 0
    overall_sum: int = 0
    content_sum: int = 0
    facilitation_sum: int = 0

    def add(self, other: Figures) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def attendance_rate(self) -> float | None:
        """A percentage, or None when no session is over yet."""
        if not self.expected_marks:
            return None
        return 100 * self.present_marks / self.expected_marks

    def _average(self, total: int) -> float | None:
        return total / self.survey_count if self.survey_count else None

    @property
    def overall(self) -> float | None:
        return self._average(self.overall_sum)

    @property
    def content(self) -> float | None:
        return self._average(self.content_sum)

    @property
    def facilitation(self) -> float | None:
        return self._average(self.facilitation_sum)


@dataclass
class WorkshopRow:
    workshop: Workshop
    figures: Figures
    first_session: datetime | None = None
    last_session: datetime | None = None


@dataclass
class PlaceRow:
    place: Place
    figures: Figures = field(default_factory=Figures)


@dataclass
class MonthRow:
    month: date
    figures: Figures = field(default_factory=Figures)


@dataclass
class ActivityReport:
    scope: Scope
    period: Period
    totals: Figures
    workshops: list[WorkshopRow]
    places: list[PlaceRow]
    months: list[MonthRow]

    @property
    def is_empty(self) -> bool:
        return not self.workshops


def _period_sessions(period: Period) -> Q:
    return Q(is_cancelled=False, start__gte=period.lower, start__lt=period.upper)


def held_workshops(scope: Scope, period: Period) -> QuerySet[Workshop]:
    """Workshops of the scope held in the period (see the module's definitions)."""
    sessions = Event.objects.filter(_period_sessions(period), workshop=OuterRef("pk"))
    return Workshop.objects.filter(scope.workshop_filter(), is_cancelled=False).filter(
        Exists(sessions)
    )


def activity_report(scope: Scope, period: Period, *, now: datetime | None = None) -> ActivityReport:
    """The figures of `scope` over `period`: totals, per workshop, per place, per month.

    Four queries: workshops, sessions with their marks, confirmed registrations, surveys.
    """
    now = now or timezone.now()
    held = held_workshops(scope, period)
    workshops = list(
        held.select_related("place__territory").order_by("place__nom", "place_id", "starts_at")
    )
    registered = dict(
        held.filter(registrations__status=CONFIRMED)
        .order_by()
        .values("pk")
        .annotate(n=Count("registrations"))
        .values_list("pk", "n")
    )
    sessions = (
        Event.objects.filter(_period_sessions(period), workshop__in=held.values("pk"))
        .annotate(
            present=Count("attendances", filter=Q(attendances__present=True)),
            present_confirmed=Count(
                "attendances",
                filter=Q(attendances__present=True, attendances__registration__status=CONFIRMED),
            ),
        )
        .order_by("start", "pk")
        .values_list("workshop_id", "start", "end", "present", "present_confirmed")
    )
    surveys = {
        row["registration__workshop_id"]: row
        for row in SurveyResponse.objects.filter(registration__workshop__in=held.values("pk"))
        .order_by()
        .values("registration__workshop_id")
        .annotate(
            n=Count("pk"),
            overall=Sum("overall"),
            content=Sum("content"),
            facilitation=Sum("facilitation"),
        )
    }

    rows: dict[int, WorkshopRow] = {}
    for workshop in workshops:
        figures = Figures(
            workshops=1, seats=workshop.capacity, registered=registered.get(workshop.pk, 0)
        )
        survey = surveys.get(workshop.pk)
        if survey:
            figures.survey_count = survey["n"]
            figures.overall_sum = survey["overall"]
            figures.content_sum = survey["content"]
            figures.facilitation_sum = survey["facilitation"]
        rows[workshop.pk] = WorkshopRow(workshop=workshop, figures=figures)

    months = {month: MonthRow(month) for month in period.months()}
    month_workshops: dict[date, set[int]] = defaultdict(set)
    for workshop_id, start, end, present, present_confirmed in sessions:
        row = rows.get(workshop_id)
        if row is None:  # cannot happen but for a workshop changed between two queries
            continue
        hours = present * (end - start).total_seconds() / 3600
        over = end <= now
        session = Figures(
            sessions=1,
            hours=hours,
            present_marks=present_confirmed if over else 0,
            expected_marks=row.figures.registered if over else 0,
        )
        row.figures.add(session)
        row.first_session = row.first_session or start
        row.last_session = start
        month = timezone.localtime(start, PARIS).date().replace(day=1)
        month_row = months.get(month)
        if month_row is None:
            continue
        month_row.figures.add(session)
        if workshop_id not in month_workshops[month]:
            month_workshops[month].add(workshop_id)
            month_row.figures.add(
                Figures(workshops=1, seats=row.workshop.capacity, registered=row.figures.registered)
            )

    totals, places = Figures(), {}
    for row in rows.values():
        totals.add(row.figures)
        place_row = places.setdefault(row.workshop.place_id, PlaceRow(row.workshop.place))
        place_row.figures.add(row.figures)
    return ActivityReport(
        scope=scope,
        period=period,
        totals=totals,
        workshops=list(rows.values()),
        places=list(places.values()),
        months=list(months.values()),
    )


# --- Survey results -----------------------------------------------------------------------------


@dataclass
class SurveyResults:
    count: int
    overall: float | None
    content: float | None
    facilitation: float | None
    # (rating, answers, share in %) for ratings 5 down to 1
    distribution: list[tuple[int, int, float]]
    comments: list[SurveyResponse]


def survey_results(workshops: QuerySet[Workshop], *, comments: int | None = None) -> SurveyResults:
    """Answers to the surveys of `workshops`: averages, how `overall` spreads over 1–5, and
    the comments, newest first (`comments`: at most that many). Three queries."""
    answers = SurveyResponse.objects.filter(registration__workshop__in=workshops.values("pk"))
    by_rating = dict(
        answers.order_by().values("overall").annotate(n=Count("pk")).values_list("overall", "n")
    )
    sums = answers.aggregate(
        content=Sum("content"), facilitation=Sum("facilitation"), overall=Sum("overall")
    )
    count = sum(by_rating.values())
    distribution = [
        (rating, by_rating.get(rating, 0), 100 * by_rating.get(rating, 0) / count if count else 0)
        for rating in range(5, 0, -1)
    ]
    written = (
        answers.exclude(comment="")
        .select_related("registration__workshop__place")
        .order_by("-submitted_at", "-pk")
    )
    if comments is not None:
        written = written[:comments]
    return SurveyResults(
        count=count,
        overall=sums["overall"] / count if count else None,
        content=sums["content"] / count if count else None,
        facilitation=sums["facilitation"] / count if count else None,
        distribution=distribution,
        comments=list(written),
    )


def workshop_survey_results(workshop: Workshop) -> SurveyResults:
    return survey_results(Workshop.objects.filter(pk=workshop.pk))


def place_survey_results(place: Place, *, comments: int | None = None) -> SurveyResults:
    return survey_results(Workshop.objects.filter(place=place), comments=comments)


def territory_survey_results(territory: Territory, *, comments: int | None = None) -> SurveyResults:
    return survey_results(
        Workshop.objects.filter(territory.scope_q("place__territory__")), comments=comments
    )


def scope_survey_results(
    scope: Scope, period: Period, *, comments: int | None = None
) -> SurveyResults:
    """The surveys of the workshops of `scope` held in `period`."""
    return survey_results(held_workshops(scope, period), comments=comments)


def month_figures_of_places(user, today: date | None = None) -> list[tuple[Place, Figures]]:
    """This month's figures of the places `user` runs (at most 3: a desktop widget)."""
    today = today or timezone.localdate()
    period = Period(today.replace(day=1), today)
    rows = []
    for place in Place.objects.filter(facilitators=user).order_by("nom", "pk")[:3]:
        report = activity_report(Scope(Scope.PLACE, place=place), period)
        rows.append((place, report.totals))
    return rows
